// Issue 10: a year of real use. Council extracts are never blocked by another department's unfinished sheet,
// selection messages blame the right thing, and what the commands print agrees with what they did.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { bundledSheet, makeDataDir } from './helpers/data';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const outDir = () => mkdtempSync(join(tmpdir(), 'sheetbook-year-out-'));

/** The five bundled sheets, 090 moved to 総務部 and 091 given an error (an unfinished sheet of 政策イノベーション部). */
function twoDepartments(): string {
  const sheets: Record<string, unknown> = {};
  for (const n of ['087', '088', '089', '090', '091']) sheets[`${n}.yaml`] = bundledSheet(n);
  const moved = bundledSheet('090');
  moved.department = '総務部';
  moved.division = '総務課';
  sheets['090.yaml'] = moved;
  const unfinished = bundledSheet('091');
  unfinished.overview.purpose = '';
  sheets['091.yaml'] = unfinished;
  return makeDataDir(sheets);
}

describe('council selections depend only on the sheets they hold', () => {
  it('an error in a 政策イノベーション部 sheet does not stop the 総務部 extract', () => {
    const out = outDir();
    const run = cli('booklet', '--department', '総務部', '--data', twoDepartments(), '--out', out);
    expect(run.code).toBe(0);
    expect(existsSync(join(out, '2021', 'booklet-総務部.pdf'))).toBe(true);
    expect(run.stdout).not.toContain('091.yaml');
  });

  it('the whole-year booklet still refuses, and says which sheets, how many, and how to print the others', () => {
    const dataDir = twoDepartments();
    const run = cli('booklet', '--data', dataDir, '--out', outDir());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/誤りのあるシートが 1 件あるため、冊子 .*booklet\.pdf は作りませんでした（前の冊子はそのままです）: .*2021\/091\.yaml:[0-9]+/);
    expect(run.stdout).toContain('--only か --department で作れます');
  });
});

describe('selection messages', () => {
  const dataDir = twoDepartments();

  it('numbers that belong to another 部 are blamed on the numbers, not the 部 name', () => {
    const run = cli('booklet', '--only', '090', '--department', '政策イノベーション部', '--data', dataDir, '--out', outDir());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--only 090 で選んだシートは、部「政策イノベーション部」にありません（090 は「総務部」のシートです）');
  });

  it('an unknown 部 lists the 部 there are', () => {
    const run = cli('booklet', '--department', '総務', '--data', dataDir, '--out', outDir());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('部「総務」のシートはありません。この年度の部: 「政策イノベーション部」「総務部」');
  });

  it('--department takes spaces and a comma list, like --only', () => {
    const out = outDir();
    const run = cli('booklet', '--department', ' 総務部 ,', '--data', dataDir, '--out', out);
    expect(run.code).toBe(0);
    expect(readdirSync(join(out, '2021'))).toContain('booklet-総務部.pdf');
  });

  it('--only 089,087,087 names the file once per sheet', () => {
    const out = outDir();
    expect(cli('booklet', '--only', '089,087,087', '--data', dataDir, '--out', out).code).toBe(0);
    expect(readdirSync(join(out, '2021'))).toContain('booklet-087-089.pdf');
  });

  it('--only 099 (no such sheet) is a usage error, exit 2', () => {
    const run = cli('booklet', '--only', '099', '--data', dataDir, '--out', outDir());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('2021年度のシート 099 が見つかりません');
  });
});

describe('what the commands print agrees with what they did', () => {
  it('a second build writes nothing and says so; its summary counts reused renderings', () => {
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087'), '088.yaml': bundledSheet('088') });
    const out = outDir();
    const first = cli('build', '--data', dataDir, '--out', out);
    expect(first.stdout.match(/^作成: /gm)).toHaveLength(2);
    expect(first.stdout).toContain('描画 2 件、前回の描画を再利用 0 件');
    const second = cli('build', '--data', dataDir, '--out', out);
    expect(second.stdout).not.toMatch(/^作成: /m);
    expect(second.stdout).toContain('変わっていない PDF 2 件はそのままです。');
    expect(second.stdout).toContain('描画 0 件、前回の描画を再利用 2 件');
  });

  it('without a terminal, the findings come together after the progress lines', () => {
    const sheets: Record<string, unknown> = {};
    for (let n = 1; n <= 12; n++) {
      const sheet = bundledSheet('087');
      sheet.number = n;
      if (n % 4 === 0) sheet.overview.purpose = '';
      sheets[`${String(n).padStart(3, '0')}.yaml`] = sheet;
    }
    const run = cli('build', '--data', makeDataDir(sheets), '--out', outDir());
    const lines = run.stdout.trim().split('\n');
    expect(run.code).toBe(1);
    const findingLines = lines.map((l, i) => (/\.yaml:[0-9]+:[0-9]+ エラー /.test(l) ? i : -1)).filter((i) => i >= 0);
    const progressLines = lines.map((l, i) => (/^シート: [0-9]+\/12/.test(l) ? i : -1)).filter((i) => i >= 0);
    expect(findingLines).toHaveLength(3);
    expect(findingLines).toEqual([findingLines[0], findingLines[0] + 1, findingLines[0] + 2]);
    expect(progressLines.length).toBeGreaterThan(1);
    expect(Math.max(...progressLines)).toBeLessThan(findingLines[0]);
  });

  it('booklet says which sheet PDFs are older than the data it printed, and build brings them in step', () => {
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087'), '089.yaml': bundledSheet('089') });
    const out = outDir();
    expect(cli('build', '--data', dataDir, '--out', out).code).toBe(0);
    expect(cli('booklet', '--data', dataDir, '--out', out).stdout).not.toContain('データより古いまま');
    const edited = bundledSheet('089');
    edited.overview.target = '市職員（本庁舎）';
    writeFileSync(join(dataDir, '2021', '089.yaml'), stringify(edited, { lineWidth: 0 }));
    const booklet = cli('booklet', '--data', dataDir, '--out', out);
    expect(booklet.stdout).toMatch(/シートごとの PDF 1 件は、まだないか、データより古いままです: .*2021\/089\.pdf。「sheetbook build 089」で冊子と同じ内容にそろいます。/);
    const build = cli('build', '089', '--data', dataDir, '--out', out);
    expect(build.stdout).toMatch(/^作成: .*089\.pdf（前回の描画から）$/m);
    expect(cli('booklet', '--data', dataDir, '--out', out).stdout).not.toContain('データより古いまま');
  });
});

describe('file-system failures are named in Japanese, with exit 1', () => {
  it.each([
    ['build', []],
    ['booklet', []],
    ['export', []],
  ])('%s into an output folder that cannot be written', (command, extra) => {
    const blocked = join(mkdtempSync(join(tmpdir(), 'sheetbook-blocked-')), 'not-a-folder');
    writeFileSync(blocked, 'a file where the output folder should be');
    const run = cli(command, ...extra, '--data', makeDataDir({ '087.yaml': bundledSheet('087') }), '--out', blocked);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/「.*not-a-folder.*」に書き込めません: 途中にフォルダではなくファイルがあります（ENOTDIR）/);
    expect(run.stderr).not.toMatch(/予期しない|^\s+at /m);
  });

  it('new into a data folder that cannot be written', () => {
    const blocked = join(mkdtempSync(join(tmpdir(), 'sheetbook-blocked-')), 'data');
    writeFileSync(blocked, 'a file where the data folder should be');
    const run = cli('new', '092', '--year', '2022', '--data', blocked);
    expect(run.code).not.toBe(0);
    expect(run.stderr).not.toMatch(/予期しない|^\s+at /m);
  });
});
