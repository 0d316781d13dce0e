// A 新旧対照表: the printed values of a sheet that differ from those of last year's sheets it continues (or of a
// published record), old and new side by side, in the form's order, with the reason of a restatement. The command
// (`sheetbook diff`) prints it and writes it as CSV and PDF; the editor shows it beside the form.
import { dirname } from 'node:path';
import type { CityData } from '../model/city';
import { eraYearText, japaneseDate } from '../model/era';
import { UserError } from '../model/errors';
import { formatNumber } from '../model/format';
import { SHEET_FORM, type FieldNode, type Sheet } from '../model/form';
import { displayPath } from '../model/report';
import { restatementsOf } from '../pipeline/check-last-year';
import { deriveSheetView } from '../pipeline/derive';
import { continuedNumbers, lastYearOf, yearAt, type ReferenceSheet } from '../pipeline/last-year';
import { loadSheetFile, parseSheetText } from '../pipeline/load';
import { validateSheet } from '../pipeline/validate';
import { spreadsheetCsv } from '../interchange/csv';
import { emphasise, type Run } from './errata';
import { printedValues, type PrintedValue } from './printed';
import { findRecord, recordDates, type PublicationRecord } from './record';

export interface DiffRow {
  /** The value's place in the data: `costs.settled.2020`. */
  key: string;
  /** Section › item › year, as findings and the 正誤表 name it. */
  place: string;
  /** The number of the old sheet it is compared with (`088`, for one of a merge). */
  from: string;
  before: string;
  after: string;
  /** The restatement's reason, when the sheet says why it changed a past figure. */
  reason?: string;
}

export interface SheetDiff {
  /** `令和4年度 事務事業マネジメントシート 新旧対照表`. */
  title: string;
  /** What is compared with what: `旧: 令和3年度の 087（data/2021/087.yaml） 新: 令和4年度の 087 情報化推進事業`. */
  basis: string;
  beforeHead: string;
  afterHead: string;
  rows: DiffRow[];
}

/** One side of the comparison: a sheet's printed values, and what to call it. */
interface Side {
  number: number;
  label: string;
  values: PrintedValue[];
}

const isYearKey = (key: string) => /\.[0-9]{4}$/.test(key);

/**
 * Where a value stands in the form's order: at each step, its field's place among its parent's (the schema's
 * order), a list's index, a year. So the cost table reads row by row, and each indicator's fields stay together.
 */
function formOrder(key: string): number[] {
  const order: number[] = [];
  let node: FieldNode | undefined = SHEET_FORM;
  for (const step of key.split('.')) {
    if (/^[0-9]+$/.test(step)) {
      order.push(Number(step));
      node = node?.items ?? (typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined);
    } else {
      const keys = Object.keys(node?.properties ?? {});
      order.push(keys.indexOf(step));
      node = node?.properties?.[step];
    }
  }
  return order;
}

const byFormOrder = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
};

/**
 * The values that differ, in the form's order. A year only one of the tables has (the year that fell off, the new
 * year) is no change.
 */
export function diffValues(before: PrintedValue[], after: PrintedValue[], from: string, reasons: Map<string, string>): DiffRow[] {
  const old = new Map(before.map((v) => [v.key, v]));
  const now = new Map(after.map((v) => [v.key, v]));
  const places = new Map([...new Set([...now.keys(), ...old.keys()])].map((key) => [key, formOrder(key)]));
  const order = [...places.keys()].sort((a, b) => byFormOrder(places.get(a)!, places.get(b)!));
  const rows: DiffRow[] = [];
  for (const key of order) {
    const b = old.get(key);
    const a = now.get(key);
    if ((!b || !a) && isYearKey(key)) continue;
    if ((b?.text ?? '') === (a?.text ?? '')) continue;
    const reason = reasons.get(key);
    rows.push({ key, place: (a ?? b)!.place.join(' › '), from, before: b?.text ?? '', after: a?.text ?? '', ...(reason ? { reason } : {}) });
  }
  return rows;
}

/** A sheet file's data, refused with a Japanese message when it does not pass the schema. */
function validSheet(file: string, bytes?: Buffer): Sheet {
  const result = validateSheet(bytes === undefined ? loadSheetFile(file) : parseSheetText(file, bytes));
  if (!result.ok) {
    const first = result.findings[0];
    throw new UserError(`${displayPath(file)} に誤りがあるため比べられません（${first ? `${first.line} 行目: ${first.message}` : '読み取れません'}）。sheetbook validate で確かめて直してください。`);
  }
  return result.sheet;
}

const sideOfSheet = (sheet: Sheet, city: CityData, label: string): Side => ({ number: sheet.number, label, values: printedValues(deriveSheetView(sheet, city)) });

/** The data folder a reference was read from (`data/2021/087.yaml`, `data/2021/published/2022-10-01.json`). */
const dataDirOf = (ref: ReferenceSheet) => dirname(dirname(ref.origin === 'record' ? dirname(ref.file) : ref.file));

/** The sheets of `fromYear` a sheet continues, following `continues` back year by year (a record: its own number). */
export function referencesBack(file: string, sheet: Sheet, fromYear: number): ReferenceSheet[] {
  let refs: ReferenceSheet[] = [];
  let current: { file: string; fiscalYear: number; data: { number?: unknown; continues?: unknown }; ref?: ReferenceSheet }[] = [{ file, fiscalYear: sheet.fiscalYear, data: sheet }];
  for (let year = sheet.fiscalYear - 1; year >= fromYear; year--) {
    refs = [];
    for (const c of current) {
      const last = c.ref?.origin === 'record' ? yearAt(dataDirOf(c.ref), year) : lastYearOf(c.file, c.fiscalYear);
      const numbers = c.ref?.origin === 'record' ? [c.ref.number] : continuedNumbers(c.data);
      for (const n of numbers) {
        const ref = last?.sheet(n);
        if (ref && !refs.some((r) => r.file === ref.file && r.number === ref.number)) refs.push(ref);
      }
    }
    current = refs.map((ref) => ({ file: ref.file, fiscalYear: ref.fiscalYear, data: { number: ref.number, continues: ref.data.continues }, ref }));
  }
  return refs;
}

function sideOfReference(ref: ReferenceSheet, city: CityData): Side {
  if (ref.origin === 'data') return sideOfSheet(validSheet(ref.file), city, ref.label);
  const record = findRecord(dataDirOf(ref), ref.fiscalYear, ref.recordDate);
  return { number: ref.number, label: ref.label, values: record.sheets[formatNumber(ref.number)]?.values ?? [] };
}

export interface DiffRequest {
  /** The sheet file of today (`data/2022/087.yaml`), and its unsaved bytes (the editor's) if any. */
  file: string;
  bytes?: Buffer;
  dataDir: string;
  city: CityData;
  /** Compare with the sheets of this year it continues (by default, the year before its own)… */
  from?: number;
  /** …or with the published record of this date (of its own year, or of last year). */
  published?: string;
}

export function sheetDiff(request: DiffRequest): SheetDiff {
  const { city } = request;
  const sheet = validSheet(request.file, request.bytes);
  const year = sheet.fiscalYear;
  const project = `${formatNumber(sheet.number)} ${sheet.name}`;
  const now = sideOfSheet(sheet, city, `${eraYearText(year)}の ${project}`);
  const reasons = new Map([...restatementsOf(sheet)].map(([key, r]) => [key, r.reason]));
  const title = `${eraYearText(year)} ${city.documentTitle} 新旧対照表`;
  let olds: Side[];
  let beforeHead: string;
  if (request.published !== undefined) {
    const { record, sides } = publishedSides(request, sheet);
    olds = sides;
    beforeHead = `旧（${japaneseDate(record.date)}${record.kind}）`;
  } else {
    const from = request.from ?? year - 1;
    if (from >= year) throw new UserError(`--from には${eraYearText(year)}より前の年度を指定してください（${from}）。`, 2);
    const refs = referencesBack(request.file, sheet, from);
    if (refs.length === 0) throw new UserError(nothingToCompare(now.label, sheet, from, request.dataDir));
    olds = refs.map((ref) => sideOfReference(ref, city));
    beforeHead = `旧（${eraYearText(from)}）`;
  }
  const rows = olds.flatMap((old) => diffValues(old.values, now.values, formatNumber(old.number), reasons));
  return { title, basis: `旧: ${olds.map((o) => o.label).join('、')}　新: ${now.label}`, beforeHead, afterHead: `新（${eraYearText(year)}）`, rows };
}

/** Why a sheet has nothing of `from` to be compared with: a new project, a year not in the data, or a wrong number. */
function nothingToCompare(label: string, sheet: Sheet, from: number, dataDir: string): string {
  const folder = `${displayPath(dataDir)}/${from}/`;
  if (Array.isArray(sheet.continues) && sheet.continues.length === 0) return `${label} は新しい事業です（continues: []）。比べる前年度のシートはありません。`;
  if (!yearAt(dataDir, from).known()) return `${eraYearText(from)}のシートがないため（${folder} にもその発行の記録にもありません）、比べられません。`;
  return (
    `${label} が引き継ぐ${eraYearText(from)}のシートが見つかりません（continues: ${JSON.stringify(continuedNumbers(sheet))}、${folder} と発行の記録）。` +
    'continues に前年度の事業番号を書いてください。'
  );
}

/** The published versions of a sheet: a record of its own year, or of last year (the sheets it continues). */
function publishedSides(request: DiffRequest, sheet: Sheet): { record: PublicationRecord; sides: Side[] } {
  const date = request.published!;
  const year = sheet.fiscalYear;
  for (const [recordYear, numbers] of [
    [year, [sheet.number]],
    [year - 1, continuedNumbers(sheet)],
  ] as const) {
    if (!recordDates(request.dataDir, recordYear).includes(date)) continue;
    const record = findRecord(request.dataDir, recordYear, date);
    const sides = numbers.flatMap((n) => {
      const published = record.sheets[formatNumber(n)];
      return published ? [{ number: n, label: `${japaneseDate(date)}に${record.kind}した${eraYearText(recordYear)}の ${formatNumber(n)}`, values: published.values }] : [];
    });
    if (sides.length === 0) throw new UserError(`${date} の発行の記録（${eraYearText(recordYear)}）に事業番号 ${numbers.map(formatNumber).join('、')} のシートはありません。`);
    return { record, sides };
  }
  const dates = [...recordDates(request.dataDir, year - 1), ...recordDates(request.dataDir, year)];
  throw new UserError(
    `${date} の発行の記録はありません（${eraYearText(year - 1)}と${eraYearText(year)}）。${dates.length > 0 ? `記録がある日: ${dates.join('、')}` : 'まだ発行の記録がありません'}。`,
    2,
  );
}

/** The 新旧対照表 as CSV: UTF-8 with BOM and CRLF, as the 正誤表's. */
export function diffCsv(diff: SheetDiff): Buffer {
  return spreadsheetCsv([['箇所', '前の事業', '旧', '新', '理由'], ...diff.rows.map((r) => [r.place, r.from, r.before, r.after, r.reason ?? ''])]);
}

/** The rows as the PDF's table prints them: what changed in bold, the old sheet named where a merge has several. */
export function diffTableRows(diff: SheetDiff): { place: string; before: Run[]; after: Run[]; reason: string }[] {
  const several = new Set(diff.rows.map((r) => r.from)).size > 1;
  return diff.rows.map((r) => {
    const shown = emphasise(r.before, r.after);
    const blank = (runs: Run[]) => (runs.length > 0 ? runs : [{ text: '（空欄）' }]);
    return { place: several ? `（${r.from}）${r.place}` : r.place, before: blank(shown.before), after: blank(shown.after), reason: r.reason ?? '' };
  });
}
