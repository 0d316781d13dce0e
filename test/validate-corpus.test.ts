// `sheetbook validate` against the mistakes city staff make when editing a sheet by hand or copying last year's file.
//
// Every file in test/corpus/invalid/ is data/2021/087.yaml with one mistake (sometimes two). Its first lines say what a
// careful official should see, one finding per line, in the order the tool prints them (line, then column):
//
//   # expect: LINE:COLUMN 重大度 LABELS: MESSAGE      (or `# expect: LINE:COLUMN 重大度 MESSAGE` without labels)
//
// Inputs that cannot be kept as plain text files (encodings, sizes, file names, folders) are generated below.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateFiles } from '../src/commands/validate.runner';
import { displayPath, formatFinding } from '../src/model/report';
import type { Finding } from '../src/model/types';

const ROOT = resolve(__dirname, '..');
const DATA = join(ROOT, 'data');
const CORPUS = join(__dirname, 'corpus', 'invalid');
const SHEET_087 = readFileSync(join(DATA, '2021', '087.yaml'), 'utf8');

// ---- helpers ----------------------------------------------------------------------------------------------------

/** A finding as the CLI prints it, without the `file:` in front: `41:9 エラー 項目 › 項目: 説明`. */
const show = (f: Finding): string => formatFinding(f).slice(`${displayPath(f.file)}:`.length);

/** Validate through the real command code, as `sheetbook validate <paths…>` does. */
function validate(paths: string[], dataDir = DATA): Finding[] {
  return validateFiles({ paths, dataDir }).findings;
}

/** The `# expect:` lines of the comment block at the top of a case file. */
function readHeader(file: string): { expect: string[] } {
  const header = { expect: [] as string[] };
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (!line.startsWith('#')) break;
    const m = /^# expect: (.*)$/.exec(line);
    if (m) header.expect.push(m[1]);
  }
  return header;
}

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh data folder (city files copied from data/) with `files` written into its year folder. */
function dataFolder(files: Record<string, string | Buffer>, year = '2021'): { dataDir: string; yearDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'sheetbook-corpus-'));
  tempDirs.push(dataDir);
  for (const name of readdirSync(DATA)) if (name.endsWith('.yaml')) copyFileSync(join(DATA, name), join(dataDir, name));
  const yearDir = join(dataDir, year);
  mkdirSync(yearDir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(yearDir, name), content);
  return { dataDir, yearDir };
}

/** Validate one generated file, kept outside any year folder (like the corpus) unless a folder is given. */
function validateGenerated(content: string | Buffer, name = 'sheet.yaml'): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sheetbook-corpus-'));
  tempDirs.push(dir);
  writeFileSync(join(dir, name), content);
  return validate([join(dir, name)]).map(show);
}

/** data/2021/087.yaml with `from` replaced by `to` (which must occur exactly once). */
function sheetWith(...edits: [from: string, to: string][]): string {
  let text = SHEET_087;
  for (const [from, to] of edits) {
    expect(text.split(from).length - 1, `「${from}」 occurs once in 087.yaml`).toBe(1);
    text = text.replace(from, to);
  }
  return text;
}

/** Text as Shift_JIS bytes, the way Excel or an old Notepad saves it (characters Shift_JIS lacks become "?"). */
function toShiftJis(text: string): Buffer {
  const decoder = new TextDecoder('shift_jis');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfc; hi++) {
    if (hi >= 0xa0 && hi < 0xe0) continue;
    for (let lo = 0x40; lo <= 0xfc; lo++) {
      const ch = decoder.decode(Uint8Array.of(hi, lo));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  return Buffer.from([...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : table.get(ch) ?? [0x3f])));
}

// ---- the corpus -------------------------------------------------------------------------------------------------

const corpusFiles = readdirSync(CORPUS).filter((f) => f.endsWith('.yaml')).sort();
const corpusCases = corpusFiles.map((name) => [name, name] as const);

describe('validate: corpus of broken sheets (test/corpus/invalid)', () => {
  it('has at least 45 cases, each stating its findings', () => {
    expect(corpusFiles.length).toBeGreaterThanOrEqual(45);
    for (const name of corpusFiles) {
      const header = readHeader(join(CORPUS, name));
      expect(header.expect.length, `${name} has # expect: lines`).toBeGreaterThan(0);
    }
  });

  it.each(corpusCases)('%s', (_title, name) => {
    const file = join(CORPUS, name);
    const header = readHeader(file);
    const actual = validate([file]).map(show);
    expect(actual).toEqual(header.expect);
  });
});

// ---- cases that are generated -----------------------------------------------------------------------------------

describe('validate: generated broken inputs', () => {
  it('a file saved as Shift_JIS', () => {
    // Line 2 (`# 令和3年度 …`) holds the first byte that is not UTF-8.
    expect(validateGenerated(toShiftJis(SHEET_087))).toEqual([
      '2:1 エラー ファイルが UTF-8 ではありません（Shift_JIS などで保存されている可能性があります）。エディタで「UTF-8」を選んで保存し直してください。',
    ]);
  });

  const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
  it.each([
    ['UTF-16 LE with a BOM (Windows Notepad: 「Unicode」)', Buffer.from(`\ufeff${SHEET_087}`, 'utf16le'), 'リトルエンディアン、BOM 付き'],
    ['UTF-16 BE with a BOM (「Unicode big endian」)', utf16be(`\ufeff${SHEET_087}`), 'ビッグエンディアン、BOM 付き'],
    ['UTF-16 LE without a BOM', Buffer.from(SHEET_087, 'utf16le'), 'リトルエンディアン'],
    ['UTF-16 BE without a BOM', utf16be(SHEET_087), 'ビッグエンディアン'],
    // Only ASCII characters: every byte pair is valid UTF-8 too (a NUL after each letter).
    ['UTF-16 LE of ASCII characters only, no BOM', Buffer.from('fiscalYear: 2021\nnumber: 87\nname: "Digital"\n', 'utf16le'), 'リトルエンディアン'],
  ])('a file saved as %s is named as UTF-16, not guessed to be Shift_JIS', (_what, bytes, kind) => {
    expect(validateGenerated(bytes)).toEqual([
      `1:1 エラー ファイルが UTF-16（${kind}）で保存されています。sheetbook が読めるのは UTF-8 のファイルだけです。エディタで文字コードに「UTF-8」を選んで保存し直してください（メモ帳では「名前を付けて保存」の「エンコード」で「UTF-8」を選びます）。`,
    ]);
  });

  it('a file over 1 MB', () => {
    const big = sheetWith(['legalBasis: ""', `legalBasis: "${'あ'.repeat(400_000)}"`]);
    const dir = mkdtempSync(join(tmpdir(), 'sheetbook-corpus-'));
    tempDirs.push(dir);
    const file = join(dir, 'big.yaml');
    writeFileSync(file, big);
    const kb = Math.round(statSync(file).size / 1024);
    expect(kb).toBeGreaterThan(1024);
    expect(validate([file]).map(show)).toEqual([`1:1 エラー ファイルが大きすぎます（${kb} KB）。1 シートのファイルは 1 MB までです。`]);
  });

  it('an empty file points to `sheetbook new`, which writes a blank sheet', () => {
    expect(validateGenerated('')).toEqual(['1:1 エラー ファイルが空です。シートの項目を書いてください（`sheetbook new` でひな形を作れます）。']);
  });

  it('an alias-expansion bomb', () => {
    const lines = ['bomb0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`bomb${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    const text = sheetWith(['legalBasis: ""', `legalBasis: ""\n${lines.join('\n')}`]);
    expect(validateGenerated(text)).toEqual(['1:1 エラー エイリアス（*名前）の展開が多すぎます。エイリアスを使わずに値を直接書いてください。']);
  });

  it.each([
    ['a NUL byte', 'name: 情報化推進事業', 'name: 情報化\0推進事業', '5:7 エラー 事務事業名', '制御文字（U+0000）'],
    ['a tab pasted from Excel', 'name: 情報化推進事業', 'name: 情報化\t推進事業', '5:7 エラー 事務事業名', '制御文字（U+0009、タブ）'],
    ['a zero-width space pasted from a web page', 'division: 情報政策課', 'division: 情報政策課\u200b', '12:11 エラー 担当課', '制御文字（U+200B）'],
    ['a vertical tab pasted from Word', 'division: 情報政策課', 'division: 情報\u000b政策課', '12:11 エラー 担当課', '制御文字（U+000B）'],
  ])('a control character: %s', (_what, from, to, where, character) => {
    expect(validateGenerated(sheetWith([from, to]))).toEqual([
      `${where}: フォントにない文字・印刷できない文字があります: ${character}。別の字に置き換えるか、削除してください`,
    ]);
  });

  it('087.yaml and 87.yaml in one year folder', () => {
    const { dataDir, yearDir } = dataFolder({ '087.yaml': SHEET_087, '87.yaml': SHEET_087 });
    const findings = validate([yearDir], dataDir).map((f) => `${basename(f.file)} ${show(f)}`);
    expect(findings).toEqual([
      '087.yaml 1:1 エラー 同じ年度に同じ事業番号のファイルがあります（87.yaml）。どちらか一方にまとめてください',
      '87.yaml 1:1 エラー 同じ年度に同じ事業番号のファイルがあります（087.yaml）。どちらか一方にまとめてください',
    ]);
  });

  it('088.yaml whose number says 87 (copied from 087 for a new sheet)', () => {
    const { dataDir, yearDir } = dataFolder({ '088.yaml': SHEET_087 });
    expect(validate([join(yearDir, '088.yaml')], dataDir).map(show)).toEqual([
      '4:9 エラー 事業番号: 事業番号 87 がファイル名「088.yaml」と合いません。ファイル名を「087.yaml」にするか、番号を直してください',
    ]);
  });

  it('a finished FY2022 sheet saved into folder 2021', () => {
    // Every year key moved on by one, and 人件費計 recomputed at the new years' rates.
    const text = sheetWith(
      ['fiscalYear: 2021', 'fiscalYear: 2022'],
      ['{2019: 7768, 2020: 7783, 2021: 11224, 2022: 11224, 2023: 11224}', '{2019: 7783, 2020: 7807, 2021: 11224, 2022: 11224, 2023: 11224}'],
    ).replace(/\b(20[12][0-9]):/g, (_, year) => `${Number(year) + 1}:`);
    const { dataDir, yearDir } = dataFolder({ '087.yaml': text });
    expect(validate([join(yearDir, '087.yaml')], dataDir).map(show)).toEqual([
      '3:13 エラー 年度: 年度 2022 がフォルダ「2021」と合いません。年度かファイルの置き場所を直してください',
    ]);
  });

  it('folder 2021, only fiscalYear changed to 2022: the one finding that matters, no year-range noise', () => {
    const { dataDir, yearDir } = dataFolder({ '087.yaml': sheetWith(['fiscalYear: 2021', 'fiscalYear: 2022']) });
    expect(validate([join(yearDir, '087.yaml')], dataDir).map(show)).toEqual([
      '3:13 エラー 年度: 年度 2022 がフォルダ「2021」と合いません。年度かファイルの置き場所を直してください',
    ]);
  });
});

// ---- inputs that look odd but are right: no finding ------------------------------------------------------------

describe('validate: variants that must pass', () => {
  it.each([
    ['UTF-8 with BOM and CRLF line ends (Windows Notepad)', `\ufeff${SHEET_087.replace(/\n/g, '\r\n')}`],
    ['a non-standard sentence with exception: true', sheetWith(['score: 4\n    sentence: 年度当初の計画通りに事業を実施することができた。', 'score: 4\n    sentence: 年度当初の計画をおおむね達成した。\n    exception: true'])],
    ['no sentence where the score has a standard one', sheetWith(['    sentence: 年度当初の計画通りに事業を実施することができた。\n', ''])],
    ['人件費計 off by exactly 1 千円 (rounding)', sheetWith(['2021: 11224, 2022', '2021: 11225, 2022'])],
    ['the project number with a leading zero like the file name (087)', sheetWith(['number: 87', 'number: 087'])],
  ])('%s', (_what, text) => {
    expect(validateGenerated(text)).toEqual([]);
  });

  it('UTF-8 with BOM and CRLF line ends still places findings on the right line and column', () => {
    const text = `\ufeff${sheetWith(['score: 4', 'score: 0']).replace(/\n/g, '\r\n')}`;
    expect(validateGenerated(text)).toEqual(['89:12 エラー 評価 › 進捗状況 › 点数: 1 から 5 までの数値を入力してください（0 は範囲外です）']);
  });
});

// ---- the real command line --------------------------------------------------------------------------------------

describe('validate: the command line', () => {
  const CLI = join(ROOT, 'dist', 'cli.js');
  const cli = (...args: string[]) => {
    expect(existsSync(CLI), 'dist/cli.js exists (run `npx tsc -p .` first)').toBe(true);
    const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SHEETBOOK_DEBUG: '' } });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };
  const noStackTrace = (stderr: string) => expect(stderr).not.toMatch(/^ {4}at /m);
  const corpusPaths = corpusFiles.map((name) => relative(ROOT, join(CORPUS, name)).split('\\').join('/'));

  it('reports every corpus file in JSON, exits 1, and prints no stack trace', () => {
    const { code, stdout, stderr } = cli('validate', ...corpusPaths, '--format', 'json');
    noStackTrace(stderr);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { files: number; errors: number; warnings: number; findings: Finding[] };
    expect(report.files).toBe(corpusFiles.length);
    for (const path of corpusPaths) {
      expect(report.findings.filter((f) => f.file === path).length, `findings for ${path}`).toBeGreaterThan(0);
    }
    expect(report.errors + report.warnings).toBe(report.findings.length);
  });

  it('validate test/corpus/invalid (a plain folder): checks every YAML file in it and exits 1', () => {
    const { code, stdout, stderr } = cli('validate', relative(ROOT, CORPUS), '--format', 'json');
    noStackTrace(stderr);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).files).toBe(corpusFiles.length);
  });

  it('a folder with no sheet at all is a usage error (exit 2), in Japanese', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sheetbook-empty-'));
    const { code, stderr } = cli('validate', empty);
    noStackTrace(stderr);
    expect(code).toBe(2);
    expect(stderr).toContain('検査するシートが見つかりません');
  });

  it('accepts the bundled data: exit 0, no errors', () => {
    const { code, stdout, stderr } = cli('validate', 'data', '--format', 'json');
    noStackTrace(stderr);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { files: number; errors: number; findings: Finding[] };
    expect(report).toMatchObject({ files: 5, errors: 0 });
    // The only findings allowed are the fit stage's notices that a long text is printed condensed or smaller, and
    // 089's 事業分類 written with ASCII brackets, as the city wrote it.
    for (const f of report.findings) {
      if (f.path.join('.') === 'category') expect(f).toMatchObject({ severity: 'warning', message: '「自治事務(任意)」は事業分類の標準の書き方ではありません。「自治事務（任意）」と書いてください' });
      else expect(`${f.severity} ${f.message}`).toMatch(/^warning 文字が多いため、.*(字間を詰めて|に縮小して)印刷します/);
    }
  });

  it('exits 2 on an unknown option', () => {
    const { code, stderr } = cli('validate', 'data', '--strict');
    noStackTrace(stderr);
    expect(code).toBe(2);
    expect(stderr).toContain('validate では --strict は使えません');
    expect(stderr).toContain('sheetbook validate --help');
  });
});
