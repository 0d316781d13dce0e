// Before the bundled program's code cache is taken (src/build/code-cache.ts), the program runs once — `build` of one
// made-up sheet into a temporary folder — so that the cache holds the compiled code of every function a build runs,
// not only of the top level. Nothing of it is output: the folders are removed. The sheet is made up from the schema:
// nothing of a city's data goes into the build.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runBuild } from '../commands/build.runner';
import { isYearRow, rowYears, SHEET_FORM, type FieldNode, type Sheet } from '../model/form';

const TEXT = '見本の文章です。数字 12,345 千円や 62% のような値、「かっこ」（括弧）と English words も含みます。';
const FISCAL_YEAR = 2021;

/**
 * A made-up sheet with every field of the form written, read off the schema (so a new field is in it too): a
 * sentence box gets TEXT, a one-line box a short word, a choice its first choice, a patterned code its example,
 * a figure its least value, a list one item (its `review` and `doubts` none), a year row every year of its table.
 */
export function sampleSheet(): Sheet {
  const fill = (node: FieldNode): unknown => {
    if (Array.isArray(node.examples)) return node.examples[0];
    if (node.enum) return node.enum.find((choice) => choice !== null) ?? null;
    if (isYearRow(node)) return Object.fromEntries(rowYears(node, FISCAL_YEAR).map((year) => [year, fill(node.additionalProperties as FieldNode)]));
    if (node.properties) return Object.fromEntries(Object.entries(node.properties).map(([key, child]) => [key, fill(child)]));
    const types = ([] as unknown[]).concat(node.type);
    if (types.includes('array')) return node.items ? [fill(node.items)] : [];
    if (types.includes('string')) return Number(node.maxLength ?? 0) >= 400 ? TEXT : '見本';
    if (types.includes('integer') || types.includes('number')) return Math.max(0, Number(node.minimum ?? 0));
    if (types.includes('boolean')) return true;
    return null;
  };
  return { ...(fill(SHEET_FORM) as Sheet), fiscalYear: FISCAL_YEAR, number: 999, review: [], doubts: [] };
}

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
