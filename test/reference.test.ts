// Issue 23: last year's sheet as the reference — past columns that agree (or a restatement with its reason), copied
// text flagged, projects followed across years by `continues`, and the 新旧対照表 (`sheetbook diff`). The years are
// made once for the file by `rollover` from the bundled sheets: 2021 → 2022 (a changed figure, a restatement, a
// renumbered project, a merge) → 2023.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parse as parseCsv } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runRollover } from '../src/commands/rollover.runner';
import { runDiff } from '../src/commands/diff.runner';
import { validateFiles } from '../src/commands/validate.runner';
import { runStatus } from '../src/commands/status.runner';
import { compare, errataCsv } from '../src/publication/errata';
import { printedValues } from '../src/publication/printed';
import { recordBytes, type PublicationRecord } from '../src/publication/record';
import { deriveSheetView } from '../src/pipeline/derive';
import { checkData, openWorkspace, type Workspace } from '../src/pipeline/sheet';
import type { Finding } from '../src/model/types';
import { bundledSheet, makeDataDir } from './helpers/data';
import { checkConformance } from './helpers/conformance';
import { parsePdf } from './helpers/pdf';
import { startTestServer } from './helpers/serve';

const NUMBERS = ['087', '088', '089', '090', '091'];
const quiet = () => {};
const file = (dataDir: string, year: number, number: string) => join(dataDir, String(year), `${number}.yaml`);
const read = (dataDir: string, year: number, number: string) => parse(readFileSync(file(dataDir, year, number), 'utf8'));
const write = (dataDir: string, year: number, number: string, sheet: unknown) => writeFileSync(file(dataDir, year, number), stringify(sheet, { lineWidth: 0 }));
const edit = (dataDir: string, year: number, number: string, change: (s: any) => void) => {
  const sheet = read(dataDir, year, number);
  change(sheet);
  write(dataDir, year, number, sheet);
};
/** The line of a file (1-based) where `text` first stands after the line holding `after`. */
const lineOf = (path: string, text: string, after = '') => {
  const lines = readFileSync(path, 'utf8').split('\n');
  const start = after ? lines.findIndex((l) => l.includes(after)) : 0;
  return lines.findIndex((l, i) => i >= start && l.includes(text)) + 1;
};
const at = (findings: Finding[], path: string) => findings.filter((f) => f.path.join('.') === path);

let dataDir: string;
let workspace: Workspace;
let findings2022: Finding[];

beforeAll(() => {
  dataDir = makeDataDir(Object.fromEntries(NUMBERS.map((n) => [`${n}.yaml`, bundledSheet(n)])));
  runRollover({ from: 2021, to: 2022, dataDir }, quiet);
  // 087 restates its 令和2年度 決算額 (and 一般財源, so that the total still adds up), with the reason.
  edit(dataDir, 2022, '087', (s) => {
    s.costs.settled[2020] = 24000;
    s.costs.generalFund[2020] = 21974;
    s.restatements = [
      { path: 'costs.settled.2020', reason: '決算の確定に伴う修正' },
      { path: 'costs.generalFund.2020', reason: '決算の確定に伴う修正' },
    ];
    s.results.achievements = '令和4年度は電子申請の手続を 30 件増やした。';
    s.review = s.review.filter((r: string) => r !== 'results.achievements');
  });
  // 089 changes a past 実績 without saying so; its 成果 stays last year's and is no longer listed under review.
  edit(dataDir, 2022, '089', (s) => {
    s.indicators[0].actual[2021] += 1;
    s.review = s.review.filter((r: string) => r !== 'results.achievements');
  });
  // 090 is renumbered 095.
  const renumbered = read(dataDir, 2022, '090');
  renumbered.number = 95;
  write(dataDir, 2022, '095', renumbered);
  rmSync(file(dataDir, 2022, '090'));
  // 088 is merged into 091: 091 continues both, its past figures the sums of the two.
  const merged = read(dataDir, 2022, '091');
  const absorbed = read(dataDir, 2022, '088');
  merged.continues = [88, 91];
  for (const row of ['settled', 'generalFund', 'subsidies', 'otherFunds', 'personnelCost']) {
    for (const year of ['2020', '2021']) merged.costs[row][year] += absorbed.costs[row][year];
  }
  write(dataDir, 2022, '091', merged);
  rmSync(file(dataDir, 2022, '088'));
  runRollover({ from: 2022, to: 2023, dataDir }, quiet);
  workspace = openWorkspace(dataDir);
  findings2022 = validateFiles({ paths: [join(dataDir, '2022')], dataDir }).findings;
});

describe('projects followed across years (continues)', () => {
  it('rollover writes which of last year’s sheets each sheet continues', () => {
    expect(read(dataDir, 2022, '087').continues).toEqual([87]);
    expect(read(dataDir, 2023, '095').continues).toEqual([95]);
    expect(read(dataDir, 2023, '091').continues).toEqual([91]);
    expect(readFileSync(file(dataDir, 2023, '095'), 'utf8')).toMatch(/^number: 95\ncontinues: \[95\]$/m);
  });

  it('validate says when a sheet continues a number last year does not have, listing those it has', () => {
    const bytes = Buffer.from(stringify({ ...read(dataDir, 2022, '095'), continues: [99] }));
    const found = at(checkData(file(dataDir, 2022, '095'), workspace, bytes).findings, 'continues.0');
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('error');
    expect(found[0].message).toMatch(/099/);
    expect(found[0].message).toMatch(/087、088、089、090、091/);
    expect(at(findings2022, 'continues.0')).toEqual([]);
  });
});

describe('past columns agree with last year’s sheet', () => {
  it('a changed figure of a shared year is a warning with both values and both files’ positions', () => {
    const found = at(findings2022, 'indicators.0.actual.2021');
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('warning');
    expect(found[0].file).toBe(file(dataDir, 2022, '089'));
    expect(found[0].line).toBe(lineOf(file(dataDir, 2022, '089'), '2021', 'actual:'));
    const last = bundledSheet('089').indicators[0].actual[2021];
    const formatted = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    expect(found[0].message).toContain(formatted(last + 1));
    expect(found[0].message).toContain(formatted(last));
    expect(found[0].message, found[0].message).toContain(`${file(dataDir, 2021, '089')}:${lineOf(file(dataDir, 2021, '089'), '2021', 'actual:')}:`);
    expect(found[0].message).toMatch(/restatements/);
  });

  it('an intended restatement, with its reason, is no warning', () => {
    expect(at(findings2022, 'costs.settled.2020')).toEqual([]);
    expect(at(findings2022, 'costs.generalFund.2020')).toEqual([]);
    // Without the restatement, the same figures are warnings.
    const bytes = Buffer.from(readFileSync(file(dataDir, 2022, '087'), 'utf8').replace(/restatements:[\s\S]*$/, ''));
    const without = checkData(file(dataDir, 2022, '087'), workspace, bytes).findings;
    expect(at(without, 'costs.settled.2020')[0].message).toMatch(/24,000.*24,857|24,857.*24,000/);
  });

  it('follows a renumbered project and sums a merge', () => {
    // 095 continues last year's 090: its figures agree, its copied texts are found against 090.
    const renumbered = findings2022.filter((f) => f.file === file(dataDir, 2022, '095'));
    expect(renumbered.filter((f) => /前年度のシート/.test(f.message) && /数値/.test(f.message))).toEqual([]);
    // 091 merges 088 and 091: the sums agree; a sum that does not is a warning naming both sheets.
    expect(findings2022.filter((f) => f.file === file(dataDir, 2022, '091') && f.path[0] === 'costs' && /前年度/.test(f.message))).toEqual([]);
    const text = readFileSync(file(dataDir, 2022, '091'), 'utf8');
    const merged = parse(text);
    merged.costs.settled[2021] += 5;
    merged.costs.generalFund[2021] += 5;
    const found = at(checkData(file(dataDir, 2022, '091'), workspace, Buffer.from(stringify(merged))).findings, 'costs.settled.2021');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('088');
    expect(found[0].message).toContain('091');
    expect(found[0].message).toContain((109291 + 24767).toLocaleString('en-US'));
  });

  it('the third year is compared with the second (2023 with 2022, through the renumbering)', () => {
    const findings = validateFiles({ paths: [file(dataDir, 2023, '095'), file(dataDir, 2023, '087')], dataDir }).findings;
    expect(findings.filter((f) => f.severity === 'warning' && /前年度のシートと数値が違います/.test(f.message))).toEqual([]);
    // 087's restatements explained 2022 against 2021: rollover leaves them behind.
    expect(read(dataDir, 2023, '087').restatements).toBeUndefined();
  });

  it('last year’s sheet may come from its publication record when data/<year>/ no longer holds it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sheetbook-reference-'));
    cpSync(dataDir, dir, { recursive: true });
    const record: PublicationRecord = {
      fiscalYear: 2021,
      kind: '発行',
      date: '2022-10-01',
      booklet: { pages: 20, sha256: '', pageDigests: [] },
      sheets: Object.fromEntries(
        NUMBERS.map((n, i) => {
          const sheet = bundledSheet(n);
          const values = printedValues(deriveSheetView(sheet, workspace.city));
          return [n, { name: sheet.name, department: sheet.department, division: sheet.division, firstPage: 7 + 2 * i, values }];
        }),
      ),
    };
    for (const n of NUMBERS) rmSync(file(dir, 2021, n));
    mkdirSync(join(dir, '2021', 'published'));
    writeFileSync(join(dir, '2021', 'published', '2022-10-01.json'), recordBytes(record));
    const findings = validateFiles({ paths: [join(dir, '2022')], dataDir: dir }).findings;
    const found = at(findings, 'indicators.0.actual.2021').filter((f) => f.file === file(dir, 2022, '089'));
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain(join(dir, '2021', 'published', '2022-10-01.json'));
    expect(found[0].message).toMatch(/冊子 12 ページ/);
    expect(at(findings, 'continues.0')).toEqual([]);
  });
});

describe('copied text', () => {
  it('a text the form expects anew that is last year’s, word for word, is a warning (not while review lists it)', () => {
    const sheet = file(dataDir, 2022, '089');
    const found = at(findings2022, 'results.achievements').filter((f) => f.file === sheet);
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('warning');
    expect(found[0].message).toContain(`${file(dataDir, 2021, '089')}:${lineOf(file(dataDir, 2021, '089'), 'achievements:')}:`);
    // Still listed under review: the review error alone says it.
    const improvement = at(findings2022, 'results.improvementGoal').filter((f) => f.file === sheet);
    expect(improvement.map((f) => f.severity)).toEqual(['error']);
    // 「特になし。」 and 「—」 (the form's "nothing") may repeat.
    const merged = findings2022.filter((f) => f.file === file(dataDir, 2022, '091') && f.severity === 'warning');
    expect(merged.filter((f) => f.path.join('.') === 'results.challenges.organization' || f.path[0] === 'participation')).toEqual([]);
  });

  it('status counts these warnings as validate does', () => {
    const status = runStatus({ dataDir, departments: [], format: 'text' }, 2022);
    const sheet = status.sheets.find((s) => s.key === '089')!;
    expect(sheet.warnings).toBe(findings2022.filter((f) => f.file === file(dataDir, 2022, '089') && f.severity === 'warning').length);
    expect(sheet.warnings).toBeGreaterThanOrEqual(2);
  });
});

describe('sheetbook diff (新旧対照表)', () => {
  it('prints the fields that changed since last year’s sheet, in form order, old and new, with a restatement’s reason', async () => {
    const lines: string[] = [];
    const result = await runDiff({ number: 87, year: 2022, dataDir }, (l) => lines.push(l));
    const places = result.rows.map((r) => r.place);
    expect(places).toContain('コストの推移 › 決算額 › 令和2年度');
    expect(places).toContain('事業の成果と課題 › 成果');
    expect(places.indexOf('コストの推移 › 決算額 › 令和2年度')).toBeLessThan(places.indexOf('事業の成果と課題 › 成果'));
    // The years only one table has are no change.
    expect(places.some((p) => /令和元年度|令和7年度/.test(p))).toBe(false);
    const settled = result.rows.find((r) => r.place === 'コストの推移 › 決算額 › 令和2年度')!;
    expect([settled.before, settled.after, settled.reason]).toEqual(['24,857', '24,000', '決算の確定に伴う修正']);
    expect(lines.join('\n')).toContain('24,857 → 24,000（理由: 決算の確定に伴う修正）');
  });

  it('writes the same as CSV and as a tagged A4 PDF with --out', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-diff-'));
    const result = await runDiff({ number: 87, year: 2022, dataDir, outDir: out }, quiet);
    expect(result.files.map((f) => f.slice(out.length + 1)).sort()).toEqual(['新旧対照表-087-2021.csv', '新旧対照表-087-2021.pdf']);
    const csv = parseCsv(readFileSync(join(out, '新旧対照表-087-2021.csv'), 'utf8').replace(/^\ufeff/, ''), { columns: true });
    expect(csv.length).toBe(result.rows.length);
    expect(csv.find((r: any) => r['箇所'] === 'コストの推移 › 決算額 › 令和2年度')).toMatchObject({ 旧: '24,857', 新: '24,000', 理由: '決算の確定に伴う修正' });
    const bytes = readFileSync(join(out, '新旧対照表-087-2021.pdf'));
    const pdf = await parsePdf(bytes);
    const text = pdf.text.replace(/\s+/g, '');
    expect(text).toContain('新旧対照表');
    expect(text).toContain('24,857');
    expect(text).toContain('決算の確定に伴う修正');
    expect(bytes.toString('latin1')).toMatch(/\/StructTreeRoot/);
    expect(checkConformance(bytes).violations).toEqual([]);
    // Same input, same bytes.
    const again = mkdtempSync(join(tmpdir(), 'sheetbook-diff-'));
    await runDiff({ number: 87, year: 2022, dataDir, outDir: again }, quiet);
    expect(readFileSync(join(again, '新旧対照表-087-2021.pdf')).equals(bytes)).toBe(true);
  });

  it('follows continues back over two years, and compares with a merge’s every sheet', async () => {
    const back = await runDiff({ number: 95, year: 2023, from: 2021, dataDir }, quiet);
    expect(back.basis).toContain('090');
    const merge = await runDiff({ number: 91, year: 2022, dataDir }, quiet);
    expect(new Set(merge.rows.map((r) => r.from))).toEqual(new Set(['088', '091']));
  });

  it('an unknown number is a usage error in Japanese', async () => {
    await expect(runDiff({ number: 123, year: 2022, dataDir }, quiet)).rejects.toThrow(/123|事業番号/);
  });
});

describe('the 正誤表 and the editor show a restatement’s reason', () => {
  it('a corrected value that a restatement covers carries its reason in the 正誤表', () => {
    const values = [{ key: 'costs.settled.2020', page: 1, place: ['コストの推移', '決算額', '令和2年度'], text: '24,857' }];
    const record = { sheets: { '087': { name: '情報化推進事業', department: '', division: '', firstPage: 7, values } } } as unknown as PublicationRecord;
    const current = { '087': { name: '情報化推進事業', department: '', division: '', values: [{ ...values[0], text: '24,000' }], reasons: { 'costs.settled.2020': '決算の確定に伴う修正' } } };
    const { rows } = compare(record, current, new Map([['087', 7]]));
    expect(rows[0].reason).toBe('決算の確定に伴う修正');
    const csv = parseCsv(errataCsv(rows).toString('utf8').replace(/^\ufeff/, ''), { columns: true });
    expect(csv[0]).toMatchObject({ 誤: '24,857', 正: '24,000', 理由: '決算の確定に伴う修正' });
  });

  it('GET /api/sheets/<year>/<number>/diff gives the editor the 新旧対照表', async () => {
    const server = await startTestServer({}, { dataDir });
    try {
      const response = await server.request('GET', '/api/sheets/2022/087/diff');
      expect(response.status).toBe(200);
      const settled = response.json.rows.find((r: any) => r.key === 'costs.settled.2020');
      expect(settled).toMatchObject({ before: '24,857', after: '24,000', reason: '決算の確定に伴う修正' });
      expect(response.json.basis).toMatch(/令和3年度/);
      // A restatement written in the editor is saved into the file, and the diff shows its reason.
      const sheet = await server.request('GET', '/api/sheets/2022/089');
      // Last year's file is named from the folder the data folder sits in, never by where it lies on the server.
      const named = sheet.json.findings.find((f: Finding) => f.path.join('.') === 'indicators.0.actual.2021');
      expect(named.message).toContain(`${basename(dataDir)}/2021/089.yaml:`);
      expect(named.message).not.toContain(dataDir);
      const first = await server.request('GET', '/api/sheets/2021/087/diff');
      expect(first.json.message).toContain(`${basename(dataDir)}/2020/`);
      expect(first.json.message).not.toContain(dataDir);
      const data = { ...sheet.json.data, restatements: [{ path: 'indicators.0.actual.2021', reason: '集計方法の見直し' }] };
      const saved = await server.request('PUT', '/api/sheets/2022/089', { body: { data }, headers: { 'If-Match': sheet.headers.etag as string } });
      expect(saved.status).toBe(200);
      expect(read(dataDir, 2022, '089').restatements).toEqual(data.restatements);
      expect(saved.json.findings.filter((f: Finding) => f.path.join('.') === 'indicators.0.actual.2021')).toEqual([]);
      const after = await server.request('GET', '/api/sheets/2022/089/diff');
      expect(after.json.rows.find((r: any) => r.key === 'indicators.0.actual.2021')).toMatchObject({ reason: '集計方法の見直し' });
    } finally {
      await server.close();
    }
  });
});
