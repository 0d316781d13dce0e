// A 正誤表: every printed value that differs between what was published and what the data says now, in page order.
// Values are compared as printed, so a figure written 1.5 or 1.50 is no change, and a computed value (人件費計) that
// follows from a change is one.
import { spreadsheetCsv } from '../interchange/csv';
import { formatNumber } from '../model/format';
import type { PrintedValue } from './printed';
import type { PublicationRecord, PublishedSheet } from './record';

/** Part of a long text, bold where it changed. */
export interface Run {
  text: string;
  bold?: boolean;
}

export interface ErrataRow {
  /** The booklet page the value is printed on. */
  page: number;
  /** `087 情報化推進事業`. */
  project: string;
  /** Section › item › year. */
  place: string;
  before: Run[];
  after: Run[];
  /** Why the value differs from last year's sheet, when the sheet restates it (`restatements`). */
  reason?: string;
}

/** What a sheet holds now, as a record would keep it, with the reasons of its restatements by value key. */
export type CurrentSheet = Omit<PublishedSheet, 'firstPage'> & { firstPage?: number; reasons?: Record<string, string> };

export interface Comparison {
  rows: ErrataRow[];
  /** Sheets whose project numbers changed place (added, removed, renumbered): replacement pages cannot carry them. */
  moved: string[];
  /** Numbers of the sheets with at least one changed value. */
  changedSheets: string[];
}


/** The sentences of a text that changed, on both sides (a long text is not repeated whole), the changed characters in bold. */
export function changedSentences(before: string, after: string): { before: Run[]; after: Run[] } {
  const split = (text: string) => text.match(/[^。！？!?\n]*[。！？!?\n]?/g)!.filter((s) => s !== '');
  const a = split(before);
  const b = split(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return emphasise(a.slice(head, a.length - tail).join(''), b.slice(head, b.length - tail).join(''));
}

/** Both texts with what differs between their common start and common end in bold. */
export function emphasise(before: string, after: string): { before: Run[]; after: Run[] } {
  const a = [...before];
  const b = [...after];
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const runs = (chars: string[]): Run[] =>
    [
      { text: chars.slice(0, head).join('') },
      { text: chars.slice(head, chars.length - tail).join(''), bold: true },
      { text: chars.slice(chars.length - tail).join('') },
    ].filter((r) => r.text !== '');
  return { before: runs(a), after: runs(b) };
}

export const runsText = (runs: Run[]): string => runs.map((r) => r.text).join('');

/**
 * Compare a record with the sheets as they are now (by three-digit number). Values that only one side has are
 * changes too (an indicator slot filled in, say).
 */
export function compare(
  record: PublicationRecord,
  current: Record<string, CurrentSheet>,
  pageMap: Map<string, number>,
  overview?: PublicationRecord['overview'],
): Comparison {
  const was = Object.keys(record.sheets);
  const now = Object.keys(current);
  const moved = [
    ...was.filter((n) => !now.includes(n)).map((n) => `${n} ${record.sheets[n].name}（削除または番号の変更）`),
    ...now.filter((n) => !was.includes(n)).map((n) => `${n} ${current[n].name}（追加または番号の変更）`),
    ...now.filter((n) => was.includes(n) && pageMap.has(n) && pageMap.get(n) !== record.sheets[n].firstPage).map((n) => `${n} ${current[n].name}（ページが移動）`),
  ];
  const rows: ErrataRow[] = [];
  const changedSheets: string[] = [];
  for (const number of now.filter((n) => was.includes(n)).sort()) {
    const old = record.sheets[number];
    const next = current[number];
    const firstPage = old.firstPage;
    const project = `${number} ${old.name}`;
    const before = new Map(old.values.map((v) => [v.key, v]));
    const after = new Map(next.values.map((v) => [v.key, v]));
    const keys = [...new Set([...old.values.map((v) => v.key), ...next.values.map((v) => v.key)])];
    let changed = false;
    for (const key of keys) {
      const b: PrintedValue | undefined = before.get(key);
      const a: PrintedValue | undefined = after.get(key);
      if ((b?.text ?? '') === (a?.text ?? '')) continue;
      changed = true;
      const at = (a ?? b)!;
      const shown = changedSentences(b?.text ?? '', a?.text ?? '');
      const reason = next.reasons?.[key];
      rows.push({ page: firstPage + at.page - 1, project, place: at.place.join(' › '), before: shown.before, after: shown.after, ...(reason ? { reason } : {}) });
    }
    if (changed) changedSheets.push(number);
  }
  // The 評価結果一覧 prints figures that follow from the sheets (counts, costs): each one that changed is a row too.
  if (record.overview && overview && record.overview.firstPage === overview.firstPage) {
    const before = new Map(record.overview.values.map((v) => [v.key, v]));
    for (const value of overview.values) {
      const was = before.get(value.key);
      if (was && was.text === value.text) continue;
      const shown = changedSentences(was?.text ?? '', value.text);
      rows.push({ page: overview.firstPage + value.page - 1, project: value.place[0], place: value.place.slice(1).join(' › '), before: shown.before, after: shown.after });
    }
  }
  // Page order; within a page, the order of the form (the values' own order, kept by the stable sort).
  rows.sort((x, y) => x.page - y.page);
  return { rows, moved, changedSheets };
}

/** The 正誤表 as CSV: UTF-8 with BOM and CRLF, as spreadsheet software on Japanese Windows reads it. */
export function errataCsv(rows: ErrataRow[]): Buffer {
  return spreadsheetCsv([
    ['ページ', '事業', '箇所', '誤', '正', '理由'],
    ...rows.map((r) => [String(r.page), r.project, r.place, runsText(r.before), runsText(r.after), r.reason ?? '']),
  ]);
}

export const projectLabel = (number: number, name: string): string => `${formatNumber(number)} ${name}`;
