// What was published: every sheet's printed values, the booklet's page map and its bytes' digest, kept with the data
// (data/<year>/published/<date>.json) because output/ is disposable and the record must outlive it. A 正誤表 compares
// the data of today with the last record (or a named one).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../model/errors';
import { japaneseDate } from '../model/era';
import { formatNumber } from '../model/format';
import { writeFileAtomic } from '../pipeline/write';
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

/** Write a record; false when the very same record is already there (publishing twice changes nothing). */
export function writeRecord(dataDir: string, record: PublicationRecord): boolean {
  const file = join(recordsDir(dataDir, record.fiscalYear), `${record.date}.json`);
  const bytes = recordBytes(record);
  if (existsSync(file)) {
    const before = readFileSync(file);
    if (before.equals(bytes)) return false;
    const old = JSON.parse(before.toString('utf8')) as PublicationRecord;
    if (JSON.stringify(old.sheets) === JSON.stringify(record.sheets) && old.kind === record.kind) return false; // same content, other program version
    throw new UserError(
      `${japaneseDate(record.date)}（${record.date}）の記録が既にあり、内容が違います（${file}）。発行した後の訂正は「sheetbook errata」で行います。`,
    );
  }
  writeFileAtomic(file, bytes);
  return true;
}

export const sha256 = (bytes: Buffer | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const sheetKey = (number: number): string => formatNumber(number);
