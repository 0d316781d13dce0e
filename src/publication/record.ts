// What was published: every sheet's printed values, the booklet's page map and its bytes' digest, kept with the data
// (data/<year>/published/<date>.json) because output/ is disposable and the record must outlive it. A 正誤表 compares
// the data of today with the last record (or a named one).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../model/errors';
import { japaneseDate } from '../model/era';
import { formatNumber } from '../model/format';
import { removeStaleTemporaries, type FileTransaction } from '../pipeline/write';
import type { PrintedValue } from './printed';

export interface PublishedSheet {
  name: string;
  department: string;
  division: string;
  /** The booklet page the sheet starts on (it always takes two). */
  firstPage: number;
  values: PrintedValue[];
}

export interface PublicationRecord {
  fiscalYear: number;
  /** 発行 for the first publication, 訂正 for one issued with a 正誤表. */
  kind: '発行' | '訂正';
  /** YYYY-MM-DD: the issue date, or the date of the correction. */
  date: string;
  booklet: { pages: number; sha256: string; pageDigests: string[] };
  /** By project number, three digits: `087`. */
  sheets: Record<string, PublishedSheet>;
  /** The 評価結果一覧 placed after the contents: its first booklet page and its printed values. */
  overview?: { firstPage: number; values: PrintedValue[] };
  /**
   * For a year in the review flow: every sheet 確認済, or those that were not and that `--allow-unchecked` let through
   * (src/publication/review-gate.ts). Absent for a year never put through the flow.
   */
  review?: { allChecked: boolean; allowUnchecked?: true; unchecked?: { sheet: string; state: string; changedSince?: boolean }[] };
}

export const recordsDir = (dataDir: string, year: number) => join(dataDir, String(year), 'published');

/** The dates that have a record, oldest first. */
export function recordDates(dataDir: string, year: number): string[] {
  const dir = recordsDir(dataDir, year);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((name) => /^([0-9]{4}-[0-9]{2}-[0-9]{2})\.json$/.exec(name)?.[1] ?? [])
    .sort();
}

export function readRecord(dataDir: string, year: number, date: string): PublicationRecord {
  const file = join(recordsDir(dataDir, year), `${date}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PublicationRecord;
  } catch (error) {
    throw new UserError(`発行の記録 ${file} を読み取れません（${(error as Error).message}）。`);
  }
}

/** The record of `date`, or of the latest date; a date without a record is a usage error listing those there are. */
export function findRecord(dataDir: string, year: number, date?: string): PublicationRecord {
  const dates = recordDates(dataDir, year);
  if (dates.length === 0) {
    throw new UserError(`${year}年度はまだ発行の記録がありません（${recordsDir(dataDir, year)}）。先に「sheetbook publish --year ${year}」で発行してください。`);
  }
  if (date === undefined) return readRecord(dataDir, year, dates[dates.length - 1]);
  if (!dates.includes(date)) {
    throw new UserError(`${date} の発行の記録はありません。記録がある日: ${dates.map((d) => `${d}（${japaneseDate(d)}）`).join('、')}`, 2);
  }
  return readRecord(dataDir, year, date);
}

/** Stable JSON: the same record gives the same bytes. */
export function recordBytes(record: PublicationRecord): Buffer {
  return Buffer.from(`${JSON.stringify(record, null, 1)}\n`, 'utf8');
}

export const recordFile = (dataDir: string, year: number, date: string): string => join(recordsDir(dataDir, year), `${date}.json`);

/** 2022-11-01 → 2022-11-02 (the first date a correction after that day can carry). */
export function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

const dated = (date: string) => `${date}（${japaneseDate(date)}）`;

/**
 * Before publish writes anything: true when the very same record is already kept for its date (publishing twice
 * changes nothing), false when it is new. A different record of that date, or any record after it (a correction
 * made since: publishing again would replace the corrected booklet), is refused.
 */
export function checkPublication(dataDir: string, record: PublicationRecord): boolean {
  const year = record.fiscalYear;
  const later = recordDates(dataDir, year).filter((d) => d > record.date);
  if (later.length > 0) {
    const last = later[later.length - 1];
    throw new UserError(
      `${dated(record.date)}の発行の後に、${later.map(dated).join('、')}の記録があります（${recordsDir(dataDir, year)}）。何も書き換えていません。` +
        `発行した後の訂正は「sheetbook errata --date ${dayAfter(last)}」（${dayAfter(last)} 以降の日付）で行います。` +
        `冊子を発行し直すときは、data/city.yaml の ${year} の発行日（issueDate）を ${dayAfter(last)} 以降にしてください。`,
      2,
    );
  }
  const file = recordFile(dataDir, year, record.date);
  if (!existsSync(file)) return false;
  const before = readFileSync(file);
  if (before.equals(recordBytes(record))) return true;
  const old = JSON.parse(before.toString('utf8')) as PublicationRecord;
  if (JSON.stringify(old.sheets) === JSON.stringify(record.sheets) && old.kind === record.kind) return true; // same content, other program version
  throw new UserError(
    `${dated(record.date)}の記録が既にあり、内容が違います（${file}）。何も書き換えていません。発行した後の訂正は「sheetbook errata --date ${dayAfter(record.date)}」` +
      `（${dayAfter(record.date)} 以降の日付）で行います。`,
    2,
  );
}

/**
 * Before errata writes anything: the record to compare with, and the date of the correction checked against the
 * records there are. A correction is dated after every record of the year (so the latest record is always the
 * one to compare with, and no correction is issued twice); `--since` may only name that latest record.
 */
export function recordToCorrect(dataDir: string, year: number, date: string, since?: string): PublicationRecord {
  const record = findRecord(dataDir, year, since);
  const dates = recordDates(dataDir, year);
  const last = dates[dates.length - 1];
  if (since !== undefined && since !== last) {
    const after = dates.filter((d) => d > since);
    throw new UserError(
      `--since ${dated(since)}の後に、${after.map(dated).join('、')}の記録があります。そこで出した訂正をもう一度出さないよう、正誤表は最新の記録と比べます。` +
        `--since を省くか、--since ${last} にしてください。`,
      2,
    );
  }
  if (dates.includes(date)) {
    throw new UserError(
      `--date ${dated(date)}には既に${recordKind(dataDir, year, date)}の記録があります（${recordFile(dataDir, year, date)}）。何も書き換えていません。` +
        `新しい訂正の日付は、最後の記録 ${dated(last)}の翌日 ${dayAfter(last)} 以降にしてください（例: --date ${dayAfter(last)}）。`,
      2,
    );
  }
  checkCorrectionDate(date, { date: last, what: `最後の記録（${recordKind(dataDir, year, last)}）`, file: recordFile(dataDir, year, last) });
  return record;
}

/** The kind of the record of a date: 発行 or 訂正. */
function recordKind(dataDir: string, year: number, date: string): string {
  try {
    return (JSON.parse(readFileSync(recordFile(dataDir, year, date), 'utf8')) as PublicationRecord).kind ?? '記録';
  } catch {
    return '記録';
  }
}

/**
 * A correction's date must come after `bound` (the last record, or the issue date the booklet prints): on or before
 * it, the 正誤表 would be dated before what it corrects, or share a date (and a file) with it. Exit 2, naming the
 * first date that works.
 */
export function checkCorrectionDate(date: string, bound: { date: string; what: string; file?: string }): void {
  if (date > bound.date) return;
  const same = date === bound.date;
  const where = bound.file ? `（${bound.file}）` : '';
  throw new UserError(
    `--date ${dated(date)}は、${bound.what}の日付 ${dated(bound.date)}${same ? 'と同じです' : 'より前です'}${where}。何も書き換えていません。` +
      `訂正の日付は ${dayAfter(bound.date)} 以降にしてください（例: --date ${dayAfter(bound.date)}）。`,
    2,
  );
}

/** Stage a record in a transaction (it is written with the files it records, or not at all). */
export function stageRecord(transaction: FileTransaction, dataDir: string, record: PublicationRecord, onCommit?: () => void): string {
  const file = recordFile(dataDir, record.fiscalYear, record.date);
  removeStaleTemporaries(recordsDir(dataDir, record.fiscalYear));
  transaction.stage(file, recordBytes(record), onCommit);
  return file;
}

export const sha256 = (bytes: Buffer | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const sheetKey = (number: number): string => formatNumber(number);
