// Issue 13.3: `npm start` (and `npm test`) build first; the build must compile nothing when no input changed since
// `npm ci`, and must build again when one did — for instance after a `git pull` — whatever the files' times say.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const { inputsDigest, upToDate } = require('../src/build/build.js') as {
  inputsDigest: (root?: string) => string;
  upToDate: () => boolean;
};

/** The build's inputs in a folder of their own, to change without touching the repository. */
function copyOfInputs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sheetbook-build-'));
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  for (const file of ['tsconfig.json', 'package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(dir, file));
  return dir;
}

describe('npm run build', () => {
  it('compiles nothing when the sources are those of the last build', () => {
    // npm test has just built (pretest), so dist/ is the build of these sources.
    expect(upToDate()).toBe(true);
    const before = statSync(join(ROOT, 'dist', 'cli.js')).mtimeMs;
    const run = spawnSync(process.execPath, [join(ROOT, 'src', 'build', 'build.js')], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(statSync(join(ROOT, 'dist', 'cli.js')).mtimeMs).toBe(before);
  });

  it('sees a changed source, schema or library version, and ignores a changed time alone', () => {
    const dir = copyOfInputs();
    const digest = inputsDigest(dir);
    const touched = join(dir, 'src', 'pipeline', 'render.ts');
    utimesSync(touched, new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect(inputsDigest(dir)).toBe(digest);

    writeFileSync(touched, `${readFileSync(touched, 'utf8')}\n// pulled\n`);
    const changedSource = inputsDigest(dir);
    expect(changedSource).not.toBe(digest);

    const schema = join(dir, 'src', 'model', 'sheet.schema.json');
    writeFileSync(schema, readFileSync(schema, 'utf8').replace('"title"', '"title" '));
    expect(inputsDigest(dir)).not.toBe(changedSource);

    const lock = join(dir, 'package-lock.json');
    const changedSchema = inputsDigest(dir);
    writeFileSync(lock, readFileSync(lock, 'utf8').replace(/"version": "[^"]+"/, '"version": "9.9.9"'));
    expect(inputsDigest(dir)).not.toBe(changedSchema);
  });
});
