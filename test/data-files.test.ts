// The files the program reads besides the sheets — data/city.yaml, data/personnel-rates.yaml,
// data/evaluation-sentences.yaml and templates/layout.yaml — are checked against their schemas before use.
//
// Every file in test/corpus/invalid-data/<kind>/ is the bundled data/<kind>.yaml (or templates/layout.yaml) with one
// mistake. Its first lines say what a careful official should see, as in test/corpus/invalid/:
//
//   # expect: LINE:COLUMN 重大度 LABELS: MESSAGE
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkDataFile, DATA_FILE_SCHEMAS, type DataFileKind } from '../src/pipeline/data-file';
import { createAjv } from '../src/pipeline/ajv';
import { dataFileFindings } from '../src/pipeline/sheet';
import { displayPath, formatFinding } from '../src/model/report';
import type { Finding } from '../src/model/types';
import { bundledSheet, makeDataDir } from './helpers/data';
import { parsePdf } from './helpers/pdf';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const CORPUS = join(__dirname, 'corpus', 'invalid-data');
// data/users.yaml is not bundled (its presence switches serve's accounts on): test/users-command.test.ts checks it.
const FILES: Record<Exclude<DataFileKind, 'users'>, string> = {
  city: 'data/city.yaml',
  'personnel-rates': 'data/personnel-rates.yaml',
  'evaluation-sentences': 'data/evaluation-sentences.yaml',
  layout: 'templates/layout.yaml',
};

const run = (...args: string[]) => {
  expect(existsSync(CLI), 'dist/cli.js exists (run `npm run build` first)').toBe(true);
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SHEETBOOK_DEBUG: '' } });
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return { code: result.status, out: `${result.stdout}${result.stderr}`, stdout: result.stdout, stderr: result.stderr };
};

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};

/** A finding as the CLI prints it, without the `file:` in front. */
const show = (f: Finding): string => formatFinding(f).slice(`${displayPath(f.file)}:`.length);

/** `text` with `from` replaced by `to` (which must occur exactly once). */
function edit(text: string, from: string, to: string): string {
  expect(text.split(from).length - 1, `「${from}」 occurs once`).toBe(1);
  return text.replace(from, to);
}

/** A data folder (the bundled city files and the given sheets) whose `file` has `from` replaced by `to`. */
function dataWith(file: string, from: string, to: string, sheets: Record<string, unknown> = { '087.yaml': bundledSheet('087') }): string {
  const dir = makeDataDir(sheets);
  tempDirs.push(dir);
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8'), from, to));
  return dir;
}

/** The findings about one data file, placed into a fresh data folder (or a copy of templates/) as its kind. */
function findingsFor(kind: DataFileKind, content: string): string[] {
  const dataDir = makeDataDir();
  tempDirs.push(dataDir);
  let templatesDir: string | undefined;
  let target = join(dataDir, `${kind}.yaml`);
  if (kind === 'layout') {
    templatesDir = tempDir('sheetbook-templates-');
    cpSync(join(ROOT, 'templates'), templatesDir, { recursive: true });
    target = join(templatesDir, 'layout.yaml');
  }
  writeFileSync(target, content);
  const findings = dataFileFindings(dataDir, templatesDir);
  expect(findings.every((f) => f.file === target), 'findings only about the changed file').toBe(true);
  return findings.map(show);
}

function sha256(file: string): string {
  return require('node:crypto').createHash('sha256').update(readFileSync(file)).digest('hex');
}

// ---- the schemas ------------------------------------------------------------------------------------------------

describe('the data files’ schemas', () => {
  /** Where a data file's schema is: written in src/model/, or generated from the sheet's (the standard sentences). */
  const schemaFile = (kind: DataFileKind) => join(ROOT, 'src/model', kind === 'evaluation-sentences' ? 'generated' : '', `${kind}.schema.json`);

  it.each(Object.keys(DATA_FILE_SCHEMAS) as DataFileKind[])('%s: draft 2020-12, compiles strictly, a Japanese title on every property', (kind) => {
    const schema = JSON.parse(readFileSync(schemaFile(kind), 'utf8'));
    expect(schema).toEqual(DATA_FILE_SCHEMAS[kind]);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    createAjv().compile(schema);
    const untitled: string[] = [];
    const japanese = (node: any) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(node?.title ?? '');
    const walk = (node: any, path: string) => {
      for (const [key, child] of Object.entries<any>(node.properties ?? {})) {
        if (!japanese(child)) untitled.push(`${path}/${key}`);
        walk(child, `${path}/${key}`);
      }
      (node.prefixItems ?? []).forEach((item: any, i: number) => {
        if (!japanese(item)) untitled.push(`${path}[${i}]`);
        walk(item, `${path}[${i}]`);
      });
      if (typeof node.items === 'object') walk(node.items, `${path}[]`);
      if (typeof node.additionalProperties === 'object') {
        if (!japanese(node.additionalProperties)) untitled.push(`${path}/*`);
        walk(node.additionalProperties, `${path}/*`);
      }
    };
    walk(schema, '');
    expect(untitled).toEqual([]);
  });

  it.each(Object.entries(FILES))('%s: the bundled file passes, and its first line points editors at the schema', (kind, file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const modeline = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
    expect(modeline, `${file} starts with a modeline`).not.toBeNull();
    expect(resolve(ROOT, dirname(file), modeline![1])).toBe(schemaFile(kind as DataFileKind));
    const validate = createAjv().compile(DATA_FILE_SCHEMAS[kind as DataFileKind]);
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('templates/layout.yaml has no unused numberFloor any more, and the schema refuses it', () => {
    const layout = parse(readFileSync(join(ROOT, 'templates/layout.yaml'), 'utf8'));
    expect(layout.fit).not.toHaveProperty('numberFloor');
    const validate = createAjv().compile(DATA_FILE_SCHEMAS.layout);
    expect(validate({ ...layout, fit: { ...layout.fit, numberFloor: 7 } })).toBe(false);
  });

  it('the bundled data folder and templates have no findings', () => {
    expect(dataFileFindings(join(ROOT, 'data'))).toEqual([]);
  });
});

// ---- the corpus -------------------------------------------------------------------------------------------------

const corpusCases = (Object.keys(FILES) as DataFileKind[]).flatMap((kind) =>
  readdirSync(join(CORPUS, kind))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((name) => [`${kind}/${name}`, kind, name] as const),
);

describe('data files: corpus of broken files (test/corpus/invalid-data)', () => {
  it('has cases for every kind of file', () => {
    expect(corpusCases.length).toBeGreaterThanOrEqual(20);
    for (const kind of Object.keys(FILES)) expect(corpusCases.some(([, k]) => k === kind), kind).toBe(true);
  });

  it.each(corpusCases)('%s', (_title, kind, name) => {
    const text = readFileSync(join(CORPUS, kind, name), 'utf8');
    const expected = text.split('\n').flatMap((line) => /^# expect: (.*)$/.exec(line)?.[1] ?? []);
    expect(expected.length, 'the case states its findings').toBeGreaterThan(0);
    expect(findingsFor(kind, text)).toEqual(expected);
  });
});

// ---- the reported bug and the commands --------------------------------------------------------------------------

describe('a personnel rate typed as text (reported bug: 人件費計 printed as NaN)', () => {
  const sheet = bundledSheet('087');
  delete sheet.costs.personnelCost;
  const rateAsText = () => dataWith('personnel-rates.yaml', '2021: {staffYear: 6834.6,', '2021: {staffYear: "6,834.6",', { '087.yaml': sheet });
  const expected = '/personnel-rates.yaml:7:19 エラー 令和3年度 › 正職員 1 人・1 年あたりの人件費（千円）: 数値を入力してください（"6,834.6" は数値ではありません）。カンマを付けずに 6834.6 と書いてください';

  it('build refuses it at FILE:LINE:COL, exits 1, writes no PDF and never prints NaN', async () => {
    const dataDir = rateAsText();
    const outDir = tempDir('sheetbook-out-');
    const result = run('build', '--data', dataDir, '--out', outDir);
    const pdf = join(outDir, '2021', '087.pdf');
    if (existsSync(pdf)) expect((await parsePdf(readFileSync(pdf))).text).not.toContain('NaN');
    expect(existsSync(pdf)).toBe(false);
    expect(result.code).toBe(1);
    expect(result.out).not.toContain('NaN');
    expect(result.out).toContain(`${dataDir}${expected}`);
    expect(result.out).toContain('データのファイルに誤りが 1 件あるため、何も作りませんでした');
  });

  it('build leaves the PDF built before byte-identical', () => {
    const dataDir = makeDataDir({ '087.yaml': sheet });
    tempDirs.push(dataDir);
    const outDir = tempDir('sheetbook-out-');
    expect(run('build', '--data', dataDir, '--out', outDir).code).toBe(0);
    const pdf = join(outDir, '2021', '087.pdf');
    const before = sha256(pdf);
    const rates = join(dataDir, 'personnel-rates.yaml');
    writeFileSync(rates, edit(readFileSync(rates, 'utf8'), '2021: {staffYear: 6834.6,', '2021: {staffYear: "6,834.6",'));
    const result = run('build', '--data', dataDir, '--out', outDir);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${dataDir}${expected}`);
    expect(sha256(pdf)).toBe(before);
    expect(readdirSync(join(outDir, '2021'))).toEqual(['087.pdf']);
  });

  it('validate reports it before the sheet findings and exits 1', () => {
    const dataDir = rateAsText();
    const result = run('validate', '--data', dataDir);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${dataDir}${expected}`);
    // The sheet is still checked, against the rates that are valid: its 2021 cost cannot be computed.
    expect(lines[1]).toBe(
      `${join(dataDir, '2021', '087.yaml')}:31:1 エラー コストの推移: 令和3年度の人件費単価が personnel-rates.yaml にないため人件費計を計算できません。人件費計を書くか、単価を追加してください`,
    );
    expect(lines.at(-1)).toBe('1 ファイルを検査しました: エラー 2 件、警告 0 件');
  });
});

describe('data files: the commands', () => {
  const impossibleDate = () => dataWith('city.yaml', 'issueDate: 2022-10-01', 'issueDate: 2022-02-30');
  const dateFinding = '/city.yaml:8:16 エラー 年度ごとの設定 › 令和3年度 › 発行日: 「2022-02-30」という日付はありません。実在する日付を YYYY-MM-DD の形で書いてください';

  it('booklet: exits 1, prints the finding, writes no booklet and no cache', () => {
    const dataDir = impossibleDate();
    const outDir = tempDir('sheetbook-out-');
    const result = run('booklet', '--data', dataDir, '--out', outDir);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${dataDir}${dateFinding}`);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('export: exits 1, prints the finding, and leaves the file exported before unchanged', () => {
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    tempDirs.push(dataDir);
    const outDir = tempDir('sheetbook-out-');
    expect(run('export', '--data', dataDir, '--out', outDir).code).toBe(0);
    const csv = join(outDir, '2021', 'opendata.csv');
    const before = sha256(csv);
    const city = join(dataDir, 'city.yaml');
    writeFileSync(city, edit(readFileSync(city, 'utf8'), 'issueDate: 2022-10-01', 'issueDate: 2022-02-30'));
    const result = run('export', '--data', dataDir, '--out', outDir);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${dataDir}${dateFinding}`);
    expect(sha256(csv)).toBe(before);
  });

  it('several files with errors: every finding is listed, in file order', () => {
    const dataDir = impossibleDate();
    const sentences = join(dataDir, 'evaluation-sentences.yaml');
    writeFileSync(sentences, edit(readFileSync(sentences, 'utf8'), '  5: 市が直接', '  6: 市が直接'));
    const result = run('build', '--data', dataDir, '--out', tempDir('sheetbook-out-'));
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `対象年度: 2021年度（令和3年度。--year を省いたので、${dataDir} にある最新の年度。ほかの年度は --year で指定します）`,
      `${dataDir}${dateFinding}`,
      `${sentences}:12:3 エラー 市の関与: 「6」は点数として使えません。点数は 1 から 5 の半角数字で書きます`,
      'データのファイルに誤りが 2 件あるため、何も作りませんでした（前に作ったファイルはそのままです）。上の一覧を直して、もう一度実行してください。',
    ]);
  });

  it('a year the rates lack is still an error at the sheet, not in the rates', () => {
    const sheet = bundledSheet('087');
    delete sheet.costs.personnelCost;
    const dataDir = dataWith('personnel-rates.yaml', '2021: {staffYear: 6834.6, overtimeHour: 2.430}\n', '', { '087.yaml': sheet });
    const result = run('validate', '--data', dataDir);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      `${join(dataDir, '2021', '087.yaml')}:31:1 エラー コストの推移: 令和3年度の人件費単価が personnel-rates.yaml にないため人件費計を計算できません。人件費計を書くか、単価を追加してください`,
      '1 ファイルを検査しました: エラー 1 件、警告 0 件',
    ]);
  });

  it('the city files may be left out; templates/layout.yaml may not', () => {
    const dataDir = makeDataDir();
    tempDirs.push(dataDir);
    for (const file of ['city.yaml', 'evaluation-sentences.yaml', 'personnel-rates.yaml']) unlinkSync(join(dataDir, file));
    expect(dataFileFindings(dataDir)).toEqual([]);
    const templatesDir = tempDir('sheetbook-templates-');
    cpSync(join(ROOT, 'templates'), templatesDir, { recursive: true });
    unlinkSync(join(templatesDir, 'layout.yaml'));
    expect(dataFileFindings(dataDir, templatesDir).map(show)).toEqual(['1:1 エラー ファイルが見つかりません。']);
  });

  it('a file with errors is reported on every run (only checked values are cached); a valid one comes from the cache', () => {
    const dataDir = impossibleDate();
    const file = join(dataDir, 'city.yaml');
    for (let i = 0; i < 2; i++) expect(checkDataFile(file, 'city').findings.map(show)).toEqual([dateFinding.slice('/city.yaml:'.length)]);
    writeFileSync(file, edit(readFileSync(file, 'utf8'), 'issueDate: 2022-02-30', 'issueDate: 2022-02-28'));
    const first = checkDataFile(file, 'city');
    expect(first).toMatchObject({ findings: [], value: { name: 'つくば市', years: { 2021: { issueDate: '2022-02-28' } } } });
    expect(checkDataFile(file, 'city')).toEqual(first);
  });
});
