// The start-up snapshot (src/snapshot/, made by `npm run build` on Linux and macOS): `sheetbook` started from it
// writes the same bytes as `node dist/cli.js`, and it never prints an old program, template or font — on a copy of
// the package whose templates and program are changed after its snapshot was made.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDataDir, bundledSheet } from './helpers/data';
import { parsePdf } from './helpers/pdf';
import { fontFilesKey } from '../src/pdf/fonts';

const ROOT = join(__dirname, '..');
const POSIX = process.platform !== 'win32';
const BLOB = 'dist/snapshot/sheetbook.snapshot.blob';
const debugEnv = { ...process.env, SHEETBOOK_DEBUG: '1' };

const launch = (root: string, ...args: string[]) => spawnSync(join(root, 'dist', 'cli.js'), args, { encoding: 'utf8', env: debugEnv });
const plain = (root: string, ...args: string[]) => spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: debugEnv });
const OUT_OF_DATE = 'start-up snapshot is out of date';

/** A copy of the package in `root` (without its snapshot), its libraries shared by a link. */
function copyPackage(root: string): void {
  for (const dir of ['dist', 'templates', 'fonts']) cpSync(join(ROOT, dir), join(root, dir), { recursive: true, filter: (src) => !/sheetbook\.snapshot\./.test(src) });
  copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  mkdirSync(join(root, 'src', 'model'), { recursive: true });
  cpSync(join(ROOT, 'src', 'model'), join(root, 'src', 'model'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
}

const temporaries: string[] = [];
afterAll(() => {
  for (const dir of temporaries) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(POSIX && !process.env.SHEETBOOK_NO_SNAPSHOT)('the start-up snapshot', () => {
  it('is made by the build, and `sheetbook` started from it writes the same bytes as `node dist/cli.js`', () => {
    expect(existsSync(join(ROOT, BLOB)), `${BLOB} (npm run build)`).toBe(true);
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087'), '088.yaml': bundledSheet('088') });
    const a = mkdtempSync(join(tmpdir(), 'sheetbook-out-'));
    const b = mkdtempSync(join(tmpdir(), 'sheetbook-out-'));
    temporaries.push(dataDir, a, b);
    const fast = launch(ROOT, 'build', '--data', dataDir, '--out', a);
    expect(fast.status, fast.stderr).toBe(0);
    expect(fast.stderr).not.toContain(OUT_OF_DATE);
    const slow = plain(ROOT, 'build', '--data', dataDir, '--out', b);
    expect(slow.status, slow.stderr).toBe(0);
    for (const pdf of ['087.pdf', '088.pdf']) expect(readFileSync(join(a, '2021', pdf)).equals(readFileSync(join(b, '2021', pdf))), pdf).toBe(true);
    expect(launch(ROOT, '--version').stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('starts worker threads: validate and booklet of enough sheets to share them out', () => {
    // Node's worker machinery, set up while the snapshot was made, lost the main thread's cwd: every worker died.
    const sheets = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${100 + i}.yaml`, { ...bundledSheet('087'), number: 100 + i }]));
    const dataDir = makeDataDir(sheets);
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-out-'));
    temporaries.push(dataDir, out);
    const checked = launch(ROOT, 'validate', dataDir);
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toContain('10 ファイルを検査しました: エラー 0 件');
    const booklet = launch(ROOT, 'booklet', '--data', dataDir, '--out', out);
    expect(booklet.status, booklet.stderr).toBe(0);
    expect(booklet.stdout).toContain('10 事業');
  });

  it('loads what it leaves out of the snapshot when used: pdf.js for import, vega for the charts of publish', () => {
    // pdf.js bundled into the snapshot could not find its helpers: import said 「PDF を読み取れません」.
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-out-'));
    const drafts = makeDataDir({});
    temporaries.push(dataDir, out, drafts);
    const published = launch(ROOT, 'publish', '--data', dataDir, '--out', out);
    expect(published.status, published.stderr).toBe(0);
    expect(readFileSync(join(out, '2021', '評価結果一覧.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    const imported = launch(ROOT, 'import', join(out, '2021', '087.pdf'), '--data', drafts);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('作成:');
    expect(existsSync(join(drafts, '2021', '087.yaml'))).toBe(true);
  });

  it('prints a changed template, and is not used once the program changed (then made again)', async () => {
    // A copy of the package (its libraries shared), with a snapshot of its own.
    const root = mkdtempSync(join(tmpdir(), 'sheetbook-package-'));
    temporaries.push(root);
    copyPackage(root);
    const made = spawnSync(process.execPath, [join(root, 'dist', 'build', 'build-snapshot.js')], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    expect(existsSync(join(root, BLOB)), made.stderr).toBe(true);

    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-out-'));
    temporaries.push(dataDir, out);
    const text = async () => (await parsePdf(readFileSync(join(out, '2021', '087.pdf')))).text;

    let run = launch(root, 'build', '087', '--data', dataDir, '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain(OUT_OF_DATE);
    expect(await text()).toContain('事業の概要');

    // A template edited after the snapshot was made: the PDF has the new text (the snapshot is still used).
    const partial = join(root, 'templates', 'partials', 'overview.hbs');
    writeFileSync(partial, readFileSync(partial, 'utf8').replace('"事業の概要"', '"事業の概要（改訂見本）"'));
    run = launch(root, 'build', '087', '--data', dataDir, '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain(OUT_OF_DATE);
    expect(await text()).toContain('事業の概要（改訂見本）');

    // The program changed after the snapshot was made: it is not used, the new program runs, and a new snapshot
    // is made in the background.
    const progress = join(root, 'dist', 'commands', 'progress.js');
    writeFileSync(progress, readFileSync(progress, 'utf8').replace('前回の描画を再利用', '前回の描画を再利用（変えたプログラム）'));
    run = launch(root, 'build', '087', '--data', dataDir, '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(OUT_OF_DATE);
    expect(run.stdout).toContain('（変えたプログラム）');
    const lock = join(root, 'dist', 'snapshot', 'sheetbook.snapshot.lock');
    for (let waited = 0; existsSync(lock) && waited < 60_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
    run = launch(root, 'build', '087', '--data', dataDir, '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain(OUT_OF_DATE);
    expect(run.stdout).toContain('（変えたプログラム）');
  }, 120_000);
});

describe('the prepared fonts', () => {
  it('are known by the font files themselves: a rewritten font file is another key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sheetbook-fonts-'));
    temporaries.push(dir);
    const families = JSON.parse(readFileSync(join(ROOT, 'fonts', 'fonts.json'), 'utf8'));
    const regular = require.resolve(families.BIZUDPGothic.normal);
    copyFileSync(regular, join(dir, 'regular.ttf'));
    writeFileSync(join(dir, 'fonts.json'), JSON.stringify({ BIZUDPGothic: { normal: join(dir, 'regular.ttf'), bold: join(dir, 'regular.ttf') } }));
    const before = fontFilesKey(dir);
    expect(fontFilesKey(dir)).toBe(before);
    writeFileSync(join(dir, 'regular.ttf'), readFileSync(regular));
    expect(fontFilesKey(dir)).not.toBe(before);
  });
});
