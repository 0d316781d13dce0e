// `sheetbook export`: one year's sheets as open data (CSV for people, JSON for programs), all or nothing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runExport } from '../src/commands/export.runner';
import { openDataColumns, openDataRow, toCsv, toJson } from '../src/interchange/open-data';
import { bundledSheet, DATA_DIR, makeDataDir } from './helpers/data';

const NUMBERS = ['087', '088', '089', '090', '091'];
const outDir = () => mkdtempSync(join(tmpdir(), 'sheetbook-export-'));
const quiet = () => {};

/** A data folder holding the five bundled sheets, with changes to some of them. */
function bundledDataDir(change: Record<string, (sheet: any) => void> = {}): string {
  const sheets: Record<string, unknown> = {};
  for (const n of NUMBERS) {
    const sheet = bundledSheet(n);
    change[n]?.(sheet);
    sheets[`${n}.yaml`] = sheet;
  }
  return makeDataDir(sheets);
}

const readCsv = (file: string): string[][] => parse(readFileSync(file), { bom: true, relax_column_count: false });
/** The CSV's rows as objects keyed by the Japanese headers. */
const csvRecords = (file: string): Record<string, string>[] => parse(readFileSync(file), { bom: true, columns: true });

describe('the CSV of the five bundled sheets', () => {
  let file: string;
  let lines: string[][];
  let records: Record<string, string>[];
  let out: string;
  const logs: string[] = [];

  beforeAll(async () => {
    out = outDir();
    const summary = await runExport({ year: 2021, dataDir: DATA_DIR, outDir: out, format: 'csv' }, (l) => logs.push(l));
    expect(summary.failed).toEqual([]);
    file = summary.file!;
    lines = readCsv(file);
    records = csvRecords(file);
  });

  it('is written to <out>/<year>/opendata.csv and says so in Japanese', () => {
    expect(file).toBe(join(out, '2021', 'opendata.csv'));
    expect(logs.some((l) => /^作成: .*opendata\.csv（5 事業）$/.test(l))).toBe(true);
  });

  it('has a header row and one row per sheet, in number order, every row as wide as the header', () => {
    expect(lines).toHaveLength(6);
    expect(lines[0]).toEqual(openDataColumns(2021).map((c) => c.header));
    for (const line of lines) expect(line).toHaveLength(lines[0].length);
    expect(records.map((r) => r['事業番号'])).toEqual(NUMBERS);
  });

  it('has Japanese headers', () => {
    for (const header of [
      '事業番号',
      '事務事業名',
      '担当部',
      '担当課',
      '予算額 令和元年度（千円）',
      '決算額 令和3年度（千円）',
      '一般財源 令和2年度（千円）',
      '国庫、県支出金、地方債 令和3年度（千円）',
      'その他 令和5年度（千円）',
      '人件費計 令和3年度（千円）',
      'トータルコスト（決算） 令和元年度（千円）',
      'トータルコスト（予算） 令和5年度（千円）',
      '指標1 名称',
      '指標1 単位',
      '指標1 種類',
      '指標1 目標値 令和元年度',
      '指標5 実績 令和6年度',
      '市民ニーズ',
      '進捗状況',
      '市の関与',
      '優先度',
      '方向性',
    ]) {
      expect(lines[0]).toContain(header);
    }
  });

  it('holds the figures of sheet 087', () => {
    const r = records[0];
    expect(r['事業番号']).toBe('087');
    expect(r['事務事業名']).toBe('情報化推進事業');
    expect(r['担当部']).toBe('政策イノベーション部');
    expect(r['担当課']).toBe('情報政策課');
    expect(r['決算額 令和元年度（千円）']).toBe('31521');
    expect(r['予算額 令和2年度（千円）']).toBe('26499');
    expect(r['一般財源 令和元年度（千円）']).toBe('28905');
    expect(r['国庫、県支出金、地方債 令和3年度（千円）']).toBe('12343');
    expect(r['その他 令和元年度（千円）']).toBe('2616');
    expect(r['人件費計 令和3年度（千円）']).toBe('11224');
    expect(r['トータルコスト（決算） 令和元年度（千円）']).toBe(String(31521 + 7768));
    expect(r['トータルコスト（予算） 令和2年度（千円）']).toBe(String(26499 + 7783));
    expect(r['指標1 名称']).toBe('茨城県統合型GISへの庁内からのログイン件数');
    expect(r['指標1 単位']).toBe('件');
    expect(r['指標1 種類']).toBe('活動結果指標');
    expect(r['指標1 目標値 令和元年度']).toBe('5500');
    expect(r['指標1 実績 令和3年度']).toBe('10516');
    expect(r['指標2 目標値 令和6年度']).toBe('40000');
    expect(r['指標3 単位']).toBe('');
    expect(r['市民ニーズ']).toBe('3');
    expect(r['進捗状況']).toBe('4');
    expect(r['市の関与']).toBe('5');
    expect(r['優先度']).toBe('3');
    expect(r['方向性']).toBe('継続');
  });

  it('leaves unused indicator slots empty, not 0', () => {
    const r = records[0]; // 087 uses three slots
    for (const header of ['指標4 名称', '指標4 単位', '指標4 種類', '指標4 目標値 令和元年度', '指標5 実績 令和6年度']) expect(r[header]).toBe('');
  });

  it('writes numbers plainly, without thousands separators', () => {
    const raw = readFileSync(file, 'utf8');
    expect(raw).toContain(',31521,');
    expect(raw).not.toContain('31,521');
  });

  it('starts with the UTF-8 BOM and ends every line with CRLF', () => {
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(7); // six lines and the empty rest after the last CRLF
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('gives identical bytes when exported again', async () => {
    const again = await runExport({ year: 2021, dataDir: DATA_DIR, outDir: outDir(), format: 'csv' }, quiet);
    expect(readFileSync(again.file!).equals(readFileSync(file))).toBe(true);
  });

  it('takes the newest year when none is given', async () => {
    const summary = await runExport({ dataDir: DATA_DIR, outDir: outDir(), format: 'csv' }, quiet);
    expect(readFileSync(summary.file!).equals(readFileSync(file))).toBe(true);
  });
});

describe('the JSON export', () => {
  it('has the same values under the English keys, numbers as numbers, deterministically', async () => {
    const dataDir = DATA_DIR;
    const csv = await runExport({ year: 2021, dataDir, outDir: outDir(), format: 'csv' }, quiet);
    const json = await runExport({ year: 2021, dataDir, outDir: outDir(), format: 'json' }, quiet);
    expect(json.file!.endsWith(join('2021', 'opendata.json'))).toBe(true);
    const objects = JSON.parse(readFileSync(json.file!, 'utf8')) as Record<string, string | number>[];
    expect(objects).toHaveLength(5);
    const columns = openDataColumns(2021);
    for (const o of objects) expect(Object.keys(o)).toEqual(columns.map((c) => c.key));

    const o = objects[0];
    expect(o.number).toBe('087');
    expect(o.name).toBe('情報化推進事業');
    expect(o.department).toBe('政策イノベーション部');
    expect(o.division).toBe('情報政策課');
    expect(o.settled_2019).toBe(31521);
    expect(o.personnel_cost_2021).toBe(11224);
    expect(o.total_cost_settled_2019).toBe(31521 + 7768);
    expect(o.total_cost_budget_2020).toBe(26499 + 7783);
    expect(o.indicator1_target_2019).toBe(5500);
    expect(o.indicator1_kind).toBe('活動結果指標');
    expect(o.indicator4_name).toBe('');
    expect(o.indicator4_target_2019).toBe('');
    expect(o.citizen_needs).toBe(3);
    expect(o.progress).toBe(4);
    expect(o.city_involvement).toBe(5);
    expect(o.priority).toBe(3);
    expect(o.direction).toBe('継続');

    // Every value is the CSV's, cell for cell.
    const records = readCsv(csv.file!).slice(1);
    objects.forEach((object, row) => {
      columns.forEach((c, i) => expect(String(object[c.key])).toBe(records[row][i]));
    });

    const again = await runExport({ year: 2021, dataDir, outDir: outDir(), format: 'json' }, quiet);
    expect(readFileSync(again.file!).equals(readFileSync(json.file!))).toBe(true);
  });
});

describe('awkward values', () => {
  it('a name with a comma and double quotes survives the round trip through runExport', async () => {
    const name = '情報化推進事業,"第2期"';
    const dataDir = bundledDataDir({ '088': (s) => (s.name = name) });
    const summary = await runExport({ year: 2021, dataDir, outDir: outDir(), format: 'csv' }, quiet);
    expect(summary.failed).toEqual([]);
    const records = csvRecords(summary.file!);
    expect(records).toHaveLength(5);
    expect(records[1]['事務事業名']).toBe(name);
    expect(records[1]['決算額 令和元年度（千円）']).toBe(String(bundledSheet('088').costs.settled[2019]));
    expect(readFileSync(summary.file!, 'utf8')).toContain(',"情報化推進事業,""第2期""",');

    const json = await runExport({ year: 2021, dataDir, outDir: outDir(), format: 'json' }, quiet);
    expect(JSON.parse(readFileSync(json.file!, 'utf8'))[1].name).toBe(name);
  });

  it('a field with a comma, a double quote and a line break survives the CSV round trip', async () => {
    // No valid sheet can hold a line break in an exported text (each is a one-line box of the form, see below),
    // so the encoder is given the sheet directly.
    const name = '市民協働,事業 "つくば"\n第2期\r\n（再掲）';
    const sheet = bundledSheet('088');
    sheet.name = name;
    const columns = openDataColumns(2021);
    const csv = toCsv([openDataRow(columns, sheet, sheet.costs.personnelCost)]);
    const raw = csv.toString('utf8');
    expect(raw).toContain('"市民協働,事業 ""つくば""\n第2期\r\n（再掲）"');
    const records: Record<string, string>[] = parse(csv, { bom: true, columns: true });
    expect(records).toHaveLength(1);
    expect(records[0]['事務事業名']).toBe(name);
    expect(records[0]['事業番号']).toBe('088');
    const json = JSON.parse(toJson([openDataRow(columns, sheet, sheet.costs.personnelCost)]).toString('utf8'));
    expect(json[0].name).toBe(name);
  });

  it('a name with a line break is refused by the checks, as build refuses it', async () => {
    const dataDir = bundledDataDir({ '088': (s) => (s.name = '情報化\n推進') });
    const logs: string[] = [];
    const summary = await runExport({ year: 2021, dataDir, outDir: outDir(), format: 'csv' }, (l) => logs.push(l));
    expect(summary.file).toBeUndefined();
    expect(summary.failed).toEqual([join(dataDir, '2021', '088.yaml')]);
    expect(logs.some((l) => l.includes('088.yaml:') && l.includes('事務事業名'))).toBe(true);
  });

  it('a sheet that leaves out 人件費計 exports the amount computed from the personnel rates', async () => {
    const dataDir = bundledDataDir({
      '087': (s) => {
        delete s.costs.personnelCost;
        s.costs.staffRatio[2021] = 2; // 2 × 6834.6 + 400 × 2.430 = 14641.2 → 14641
      },
    });
    const logs: string[] = [];
    const summary = await runExport({ year: 2021, dataDir, outDir: outDir(), format: 'csv' }, (l) => logs.push(l));
    expect(summary.failed).toEqual([]);
    const r = csvRecords(summary.file!)[0];
    expect(r['人件費計 令和元年度（千円）']).toBe('7768'); // 1 × 6784 + 400 × 2.460
    expect(r['人件費計 令和3年度（千円）']).toBe('14641');
    expect(r['トータルコスト（決算） 令和3年度（千円）']).toBe(String(19083 + 14641));
    expect(r['トータルコスト（予算） 令和3年度（千円）']).toBe(String(6844 + 14641));
  });
});

describe('a sheet with an error', () => {
  it('is reported, and nothing is written: an earlier export stays byte-identical', async () => {
    const dataDir = bundledDataDir();
    const out = outDir();
    const first = await runExport({ year: 2021, dataDir, outDir: out, format: 'csv' }, quiet);
    const before = readFileSync(first.file!);

    const broken = bundledSheet('089');
    broken.costs.settled[2020] = '24,857円';
    broken.name = '書き換えた名前';
    writeFileSync(join(dataDir, '2021', '089.yaml'), stringify(broken, { lineWidth: 0 }));

    const logs: string[] = [];
    const summary = await runExport({ year: 2021, dataDir, outDir: out, format: 'csv' }, (l) => logs.push(l));
    expect(summary.file).toBeUndefined();
    expect(summary.failed).toEqual([join(dataDir, '2021', '089.yaml')]);
    expect(logs.some((l) => l.includes('089.yaml:') && l.includes('エラー') && l.includes('数値を入力してください'))).toBe(true);
    expect(logs.some((l) => l.includes('書き出しませんでした'))).toBe(true);
    expect(logs.some((l) => l.startsWith('作成:'))).toBe(false);
    expect(readFileSync(first.file!).equals(before)).toBe(true);
  });

  it('writes no file at all when there was none before', async () => {
    const dataDir = bundledDataDir({ '090': (s) => (s.evaluation.priority.score = 'とても高い') });
    const out = outDir();
    const summary = await runExport({ year: 2021, dataDir, outDir: out, format: 'json' }, quiet);
    expect(summary.failed).toEqual([join(dataDir, '2021', '090.yaml')]);
    expect(() => readFileSync(join(out, '2021', 'opendata.json'))).toThrow();
  });
});

describe('two files with one project number', () => {
  it('are both reported and nothing is written (a row per number)', async () => {
    const dataDir = bundledDataDir();
    writeFileSync(join(dataDir, '2021', '87.yaml'), stringify(bundledSheet('087'), { lineWidth: 0 }));
    const out = outDir();
    const logs: string[] = [];
    const summary = await runExport({ year: 2021, dataDir, outDir: out, format: 'csv' }, (l) => logs.push(l));
    expect(summary.file).toBeUndefined();
    expect([...summary.failed].sort()).toEqual([join(dataDir, '2021', '087.yaml'), join(dataDir, '2021', '87.yaml')].sort());
    expect(logs.some((l) => l.includes('同じ事業番号'))).toBe(true);
    expect(() => readFileSync(join(out, '2021', 'opendata.csv'))).toThrow();
  });
});
