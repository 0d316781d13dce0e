// Before the bundled program's code cache is taken (src/build/code-cache.ts), the program runs once — `build` of one
// made-up sheet into a temporary folder — so that the cache holds the compiled code of every function a build runs,
// not only of the top level. Nothing of it is output: the folders are removed. The sheet is made up from the schema:
// nothing of a city's data goes into the build.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runBuild } from '../commands/build.runner';
import { sampleSheet } from '../model/form';

export const WARM_UP_SHEET = stringify(sampleSheet(), { lineWidth: 0 });

/**
 * Run `build` of the made-up sheet in temporary folders (made in `parent`, and removed); returns what it printed (for
 * the build step's check).
 */
export async function warmUp(parent = tmpdir()): Promise<string[]> {
  const root = mkdtempSync(join(parent, 'sheetbook-warm-up-'));
  const lines: string[] = [];
  try {
    const dataDir = join(root, 'data');
    mkdirSync(join(dataDir, '2021'), { recursive: true });
    writeFileSync(join(dataDir, '2021', '999.yaml'), WARM_UP_SHEET);
    const summary = await runBuild({ numbers: [999], dataDir, outDir: join(root, 'output') }, (line) => lines.push(line));
    if (summary.built.length !== 1) throw new Error(`the warm-up sheet did not build:\n${lines.join('\n')}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return lines;
}
