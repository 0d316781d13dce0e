// Issue 19.5: a write that cannot be finished (a full disk, a failing device, a file held open) leaves the old file
// whole, takes its temporary file along and ends the command with exit 1, naming the file and the cause in
// Japanese. booklet, publish and errata write all their files or none.
// Two ways: faults injected into the file system of a real sheetbook process (test/helpers/write-faults.cjs; runs
// everywhere), and a real small disk (a tmpfs, which needs root: skipped with a note otherwise).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEntry } from '../src/batch/cache';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bundledSheet, makeDataDir } from './helpers/data';

const CLI = join(__dirname, '../dist/cli.js');
const FAULTS = join(__dirname, 'helpers/write-faults.cjs');
const NUMBERS = ['087', '088', '089', '090', '091'];
const HAS_QPDF = spawnSync('qpdf', ['--version']).status === 0;

type Fault = { file: string; fault: 'short' | 'enospc' | 'zero' | 'eio' | 'fsync' | 'rename' };

function sheetbook(args: string[], fault?: Fault) {
  const env = { ...process.env, SHEETBOOK_FAULT: fault ? JSON.stringify(fault) : '' };
  const run = spawnSync(process.execPath, ['--require', FAULTS, CLI, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, signal: run.signal };
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every file under `dir` (the render cache left out: it may gain entries) by its sha256. */
function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath ?? (entry as any).path, entry.name);
    if (!entry.isFile() || path.includes(`${join(dir, '.cache')}`)) continue;
    out[path.slice(dir.length)] = sha(path);
  }
  return out;
}

/** Temporary files (ours are `.<name>.<pid>.tmp`, backups `.<name>.<pid>.old`) anywhere under the folders. */
const temporaries = (...dirs: string[]) =>
  dirs.flatMap((dir) => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((p) => /\.[0-9]+\.(tmp|old)$/.test(p)) : []));

/** qpdf's structural check, when qpdf is installed (the sha256 comparisons hold either way). */
function qpdfCheck(file: string): void {
  if (!HAS_QPDF) return;
  const check = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  expect(check.status, `${file}: ${check.stdout}${check.stderr}`).toBe(0);
}

/** A correction that changes what a sheet prints: its 決算額 and 一般財源 by the same amount (they must add up). */
const editCost = (dataDir: string, number = '087', more = 100) => {
  const sheet = bundledSheet(number);
  sheet.costs.settled[2021] += more;
  sheet.costs.generalFund[2021] += more;
  writeFileSync(join(dataDir, '2021', `${number}.yaml`), stringify(sheet, { lineWidth: 0 }));
};

/** A copy of a data folder and its output, so that every case starts from the same files (and a warm cache). */
function copyOf(template: { dataDir: string; out: string }): { dataDir: string; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'sheetbook-safe-'));
  cpSync(template.dataDir, join(root, 'data'), { recursive: true });
  cpSync(template.out, join(root, 'out'), { recursive: true });
  return { dataDir: join(root, 'data'), out: join(root, 'out') };
}

let built: { dataDir: string; out: string }; // build, booklet and export of the five bundled sheets
let published: { dataDir: string; out: string }; // the same five, published

beforeAll(() => {
  const fresh = () => {
    const dataDir = makeDataDir(Object.fromEntries(NUMBERS.map((n) => [`${n}.yaml`, bundledSheet(n)])));
    return { dataDir, out: mkdtempSync(join(tmpdir(), 'sheetbook-safe-out-')) };
  };
  built = fresh();
  for (const command of ['build', 'booklet', 'export']) expect(sheetbook([command, '--data', built.dataDir, '--out', built.out]).status).toBe(0);
  published = copyOf(built);
  expect(sheetbook(['publish', '--data', published.dataDir, '--out', published.out]).status).toBe(0);
}, 180_000);

describe('one file that cannot be written whole (injected faults)', () => {
  it('short writes are carried on until every byte is written', () => {
    const reference = copyOf(built);
    editCost(reference.dataDir);
    expect(sheetbook(['booklet', '--data', reference.dataDir, '--out', reference.out]).status).toBe(0);
    const { dataDir, out } = copyOf(built);
    editCost(dataDir);
    const run = sheetbook(['booklet', '--data', dataDir, '--out', out], { file: 'booklet.pdf', fault: 'short' });
    expect(run.status, run.stderr).toBe(0);
    expect(sha(join(out, '2021/booklet.pdf'))).toBe(sha(join(reference.out, '2021/booklet.pdf')));
    qpdfCheck(join(out, '2021/booklet.pdf'));
  });

  it('a disk that fills up during the booklet: exit 1 naming booklet.pdf and the cause; the old booklet stays whole', () => {
    const { dataDir, out } = copyOf(built);
    const before = sha(join(out, '2021/booklet.pdf'));
    editCost(dataDir);
    const run = sheetbook(['booklet', '--data', dataDir, '--out', out], { file: 'booklet.pdf', fault: 'enospc' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(out, '2021/booklet.pdf'));
    expect(run.stderr).toContain('ディスクの空きが足りません');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).not.toContain('作成:');
    expect(sha(join(out, '2021/booklet.pdf'))).toBe(before);
    qpdfCheck(join(out, '2021/booklet.pdf'));
    expect(temporaries(out)).toEqual([]);
  });

  it('writes that take nothing end in an error, not a loop', () => {
    const { dataDir, out } = copyOf(built);
    const before = sha(join(out, '2021/booklet.pdf'));
    editCost(dataDir);
    const run = sheetbook(['booklet', '--data', dataDir, '--out', out], { file: 'booklet.pdf', fault: 'zero' });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(out, '2021/booklet.pdf'));
    expect(run.stderr).toContain('書き込めません');
    expect(sha(join(out, '2021/booklet.pdf'))).toBe(before);
    expect(temporaries(out)).toEqual([]);
  });

  it('a device error when the file is flushed: exit 1 naming the file and the cause (EIO)', () => {
    const { dataDir, out } = copyOf(built);
    const before = sha(join(out, '2021/booklet.pdf'));
    editCost(dataDir);
    const run = sheetbook(['booklet', '--data', dataDir, '--out', out], { file: 'booklet.pdf', fault: 'fsync' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(out, '2021/booklet.pdf'));
    expect(run.stderr).toMatch(/装置.*エラー.*（EIO）/);
    expect(sha(join(out, '2021/booklet.pdf'))).toBe(before);
    expect(temporaries(out)).toEqual([]);
  });

  it('build: a disk full at 088.pdf names 088.pdf; 088.pdf stays as it was, and so does every PDF not yet written', () => {
    const { dataDir, out } = copyOf(built);
    const before = hashTree(join(out, '2021'));
    for (const n of NUMBERS) editCost(dataDir, n, Number(n));
    const run = sheetbook(['build', '--data', dataDir, '--out', out], { file: '088.pdf', fault: 'enospc' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(out, '2021/088.pdf'));
    expect(run.stderr).toContain('ディスクの空きが足りません');
    expect(run.stdout).not.toContain('088.pdf');
    const after = hashTree(join(out, '2021'));
    expect(after['/088.pdf']).toBe(before['/088.pdf']);
    for (const n of ['089', '090', '091']) expect(after[`/${n}.pdf`]).toBe(before[`/${n}.pdf`]);
    expect(after['/087.pdf']).not.toBe(before['/087.pdf']); // written whole before the disk filled
    for (const n of NUMBERS) qpdfCheck(join(out, `2021/${n}.pdf`));
    expect(temporaries(out)).toEqual([]);
  });

  it('export: a disk full at opendata.csv leaves the old one whole', () => {
    const { dataDir, out } = copyOf(built);
    const before = sha(join(out, '2021/opendata.csv'));
    editCost(dataDir);
    const run = sheetbook(['export', '--data', dataDir, '--out', out], { file: 'opendata.csv', fault: 'enospc' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(out, '2021/opendata.csv'));
    expect(run.stderr).toContain('ディスクの空きが足りません');
    expect(sha(join(out, '2021/opendata.csv'))).toBe(before);
    expect(temporaries(out)).toEqual([]);
  });

  it('a render cache entry that cannot be written whole is never left to be read back', () => {
    const { dataDir, out } = copyOf(built);
    const before = sha(join(out, '2021/booklet.pdf'));
    editCost(dataDir);
    const run = sheetbook(['booklet', '--data', dataDir, '--out', out], { file: '*.v8', fault: 'enospc' });
    const cache = join(out, '.cache/2021');
    for (const name of readdirSync(cache).filter((n) => n.endsWith('.v8'))) {
      expect(openEntry(readFileSync(join(cache, name))), name).toBeDefined();
    }
    expect(temporaries(out)).toEqual([]);
    // Whatever the cache could not keep, the booklet is either the old one or the new one, whole.
    if (run.status !== 0) expect(sha(join(out, '2021/booklet.pdf'))).toBe(before);
    qpdfCheck(join(out, '2021/booklet.pdf'));
  });
  it('new: a disk full while the sheet is written leaves no sheet (a half-written YAML would be read as data)', () => {
    const { dataDir } = copyOf(built);
    const run = sheetbook(['new', '092', '--year', '2021', '--data', dataDir], { file: '092.yaml', fault: 'enospc' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(dataDir, '2021/092.yaml'));
    expect(run.stderr).toContain('ディスクの空きが足りません');
    expect(existsSync(join(dataDir, '2021/092.yaml'))).toBe(false);
    expect(temporaries(dataDir)).toEqual([]);
    expect(sheetbook(['new', '092', '--year', '2021', '--data', dataDir]).status).toBe(0);
    expect(readFileSync(join(dataDir, '2021/092.yaml'), 'utf8')).toContain('number: 92');
  });

  it('a compiled-template cache file left empty (a crash before the disk had it) is compiled again, not taken for templates', () => {
    const compiled = join(__dirname, '../node_modules/.cache/sheetbook/templates');
    const { dataDir, out } = copyOf(built);
    const files = readdirSync(compiled).filter((n) => n.endsWith('.js'));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) writeFileSync(join(compiled, name), '');
    editCost(dataDir);
    const run = sheetbook(['build', '087', '--year', '2021', '--data', dataDir, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    qpdfCheck(join(out, '2021/087.pdf'));
  });
});

describe('commands that write several files write all of them or none (injected faults)', () => {
  it('publish: a disk full at the 評価結果一覧 changes no file and records nothing', () => {
    const { dataDir, out } = copyOf(built);
    editCost(dataDir);
    const before = hashTree(join(out, '2021'));
    const run = sheetbook(['publish', '--data', dataDir, '--out', out], { file: '評価結果一覧.pdf', fault: 'enospc' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(out, '2021/評価結果一覧.pdf'));
    expect(run.stderr).toContain('ディスクの空きが足りません');
    expect(run.stderr).toContain('何も書き換えていません');
    expect(run.stdout).not.toContain('作成:');
    expect(hashTree(join(out, '2021'))).toEqual(before);
    expect(existsSync(join(dataDir, '2021/published'))).toBe(false);
    expect(temporaries(out, dataDir)).toEqual([]);
  });

  it('publish: when the booklet cannot be replaced (held open), the files already replaced are put back', () => {
    const { dataDir, out } = copyOf(built);
    editCost(dataDir);
    const before = hashTree(join(out, '2021'));
    const run = sheetbook(['publish', '--data', dataDir, '--out', out], { file: 'booklet.pdf', fault: 'rename' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(out, '2021/booklet.pdf'));
    expect(run.stderr).toContain('ほかのプログラムが使用中です');
    expect(hashTree(join(out, '2021'))).toEqual(before);
    expect(existsSync(join(dataDir, '2021/published'))).toBe(false);
    expect(temporaries(out, dataDir)).toEqual([]);
  });

  it('errata: a disk full at the record of the correction changes no file (no 正誤表, the booklet and 087.pdf as published)', () => {
    const { dataDir, out } = copyOf(published);
    editCost(dataDir);
    const before = hashTree(join(out, '2021'));
    const records = hashTree(join(dataDir, '2021/published'));
    const run = sheetbook(['errata', '--date', '2022-11-01', '--data', dataDir, '--out', out], { file: '2022-11-01.json', fault: 'enospc' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(dataDir, '2021/published/2022-11-01.json'));
    expect(run.stderr).toContain('ディスクの空きが足りません');
    expect(hashTree(join(out, '2021'))).toEqual(before);
    expect(hashTree(join(dataDir, '2021/published'))).toEqual(records);
    expect(temporaries(out, dataDir)).toEqual([]);
    // Nothing was issued: with room on the disk, the same command issues the correction.
    const again = sheetbook(['errata', '--date', '2022-11-01', '--data', dataDir, '--out', out]);
    expect(again.status, again.stderr).toBe(0);
    expect(readdirSync(join(dataDir, '2021/published'))).toEqual(['2022-10-01.json', '2022-11-01.json']);
  });
});

// A real small disk. CI runs as root; elsewhere these are skipped with a note.
function mountTmpfs(size: string): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sheetbook-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  return mounted.status === 0 ? dir : undefined;
}
const unmount = (dir: string) => spawnSync('umount', [dir]);

/** Fill the disk of `dir` until about `kib` KiB are left. */
function leaveFree(dir: string, kib: number): void {
  const free = Number(spawnSync('df', ['-k', '--output=avail', dir], { encoding: 'utf8' }).stdout.trim().split('\n').pop());
  if (free > kib) writeFileSync(join(dir, 'filler'), Buffer.alloc((free - kib) * 1024));
  const left = Number(spawnSync('df', ['-k', '--output=avail', dir], { encoding: 'utf8' }).stdout.trim().split('\n').pop());
  expect(left).toBeLessThanOrEqual(kib + 8);
}

describe('on a small disk (a tmpfs; needs root)', () => {
  const onTmpfs = (name: string, size: string, body: (disk: string) => void) =>
    it(name, (context) => {
      const disk = mountTmpfs(size);
      if (!disk) {
        console.warn(`skipped (${name}): mounting a tmpfs needs root on Linux; the injected faults above cover the same logic`);
        context.skip();
        return;
      }
      try {
        body(disk);
      } finally {
        unmount(disk);
      }
    });

  onTmpfs('booklet --out with about 250 KB free: exit 1 naming booklet.pdf; the old booklet is unchanged and whole', '1m', (disk) => {
    const { dataDir } = copyOf(built);
    const out = join(disk, 'out');
    expect(sheetbook(['booklet', '--data', dataDir, '--out', out]).status).toBe(0);
    const before = sha(join(out, '2021/booklet.pdf'));
    leaveFree(disk, 250);
    editCost(dataDir);
    const run = sheetbook(['booklet', '--data', dataDir, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(join(out, '2021/booklet.pdf'));
    expect(run.stderr).toContain('ディスクの空きが足りません');
    expect(run.stdout).not.toContain('作成:');
    expect(sha(join(out, '2021/booklet.pdf'))).toBe(before);
    qpdfCheck(join(out, '2021/booklet.pdf'));
    expect(temporaries(out)).toEqual([]);
  });

  // build replaces one PDF at a time (each rename frees the old one's room), so the disk is left smaller than a PDF.
  onTmpfs('build with about 120 KB free: exit 1 naming the PDF that did not fit; every PDF is the old one or the new one, whole', '2m', (disk) => {
    const { dataDir } = copyOf(built);
    const out = join(disk, 'out');
    expect(sheetbook(['build', '--data', dataDir, '--out', out]).status).toBe(0);
    const before = hashTree(join(out, '2021'));
    const reference = copyOf(built);
    for (const dir of [dataDir, reference.dataDir]) for (const n of ['087', '088']) editCost(dir, n, Number(n));
    expect(sheetbook(['build', '--data', reference.dataDir, '--out', reference.out]).status).toBe(0);
    const fresh = hashTree(join(reference.out, '2021'));
    leaveFree(disk, 120);
    const run = sheetbook(['build', '--data', dataDir, '--out', out]);
    expect(run.status).toBe(1);
    const named = /「([^」]+\.pdf)」/.exec(run.stderr)?.[1];
    expect(named, run.stderr).toMatch(/\/2021\/08[78]\.pdf$/);
    expect(run.stderr).toContain('ディスクの空きが足りません');
    expect(run.stdout).not.toContain(`作成: ${named}`);
    const after = hashTree(join(out, '2021'));
    expect(after[named!.slice(join(out, '2021').length)]).toBe(before[named!.slice(join(out, '2021').length)]);
    for (const n of NUMBERS) {
      const file = `/${n}.pdf`;
      expect([before[file], fresh[file]], file).toContain(after[file]);
      qpdfCheck(join(out, '2021', `${n}.pdf`));
    }
    expect(temporaries(out)).toEqual([]);
  });

  onTmpfs('publish with about 250 KB free: exit 1; no file changed, nothing recorded', '2m', (disk) => {
    const { dataDir } = copyOf(built);
    const out = join(disk, 'out');
    expect(sheetbook(['build', '--data', dataDir, '--out', out]).status).toBe(0);
    expect(sheetbook(['booklet', '--data', dataDir, '--out', out]).status).toBe(0);
    const before = hashTree(join(out, '2021'));
    editCost(dataDir);
    leaveFree(disk, 250);
    const run = sheetbook(['publish', '--data', dataDir, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ディスクの空きが足りません');
    expect(run.stderr).toContain('何も書き換えていません');
    expect(hashTree(join(out, '2021'))).toEqual(before);
    expect(existsSync(join(dataDir, '2021/published'))).toBe(false);
    expect(temporaries(out, dataDir)).toEqual([]);
  });

  onTmpfs('errata with about 250 KB free: exit 1; the booklet, the sheet PDFs and the records stay as published', '3m', (disk) => {
    const { dataDir } = copyOf(built);
    const out = join(disk, 'out');
    expect(sheetbook(['publish', '--data', dataDir, '--out', out]).status).toBe(0);
    const before = hashTree(join(out, '2021'));
    editCost(dataDir);
    leaveFree(disk, 250);
    const run = sheetbook(['errata', '--date', '2022-11-01', '--data', dataDir, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ディスクの空きが足りません');
    expect(hashTree(join(out, '2021'))).toEqual(before);
    qpdfCheck(join(out, '2021/booklet.pdf'));
    expect(readdirSync(join(dataDir, '2021/published'))).toEqual(['2022-10-01.json']);
    expect(temporaries(out, dataDir)).toEqual([]);
  });
});
