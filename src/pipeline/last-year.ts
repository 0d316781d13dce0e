// Last year's sheets as the reference of this year's: the sheets a sheet continues (`continues`, or its own number),
// read from data/<year-1>/ or, where that folder no longer holds them, from last year's latest publication record
// (data/<year-1>/published/<date>.json, whose printed values are read back as data). Files are kept parsed, keyed by
// their size and time, so that checking a year reads each of last year's sheets once and an edit is seen at once.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { judgeEntry, numberFromFileName, sheetFiles } from '../model/data-folder';
import { eraYearText } from '../model/era';
import { formatNumber } from '../model/format';
import { displayPath } from '../model/report';
import type { DataPath } from '../model/types';
import { loadSheetFile, type SheetSource } from './load';

/** One of last year's sheets, as this year's checks and the 新旧対照表 read it. */
export interface ReferenceSheet {
  number: number;
  fiscalYear: number;
  /** Its YAML file, or the publication record it was read from. */
  file: string;
  origin: 'data' | 'record';
  /** For a record: the date of the record and the booklet page the sheet starts on. */
  recordDate?: string;
  firstPage?: number;
  /** Its data: as written (a file), or every printed value at its place, figures read back as numbers (a record). */
  data: Record<string, any>;
  /** Where a value stands, for a message: `data/2021/087.yaml:34:20`, or the record and the booklet page. */
  where(path: DataPath): string;
  /** `令和3年度の 087`. */
  label: string;
}

/** Last year as a sheet of this year sees it: which folder, whether it is known at all, its sheets by number. */
export interface LastYear {
  year: number;
  dataDir: string;
  /** True when data/<year>/ holds sheets or a publication record: a number it lacks is then a mistake. */
  known(): boolean;
  sheet(number: number): ReferenceSheet | undefined;
  /** Every project number last year has (for a message naming them). */
  numbers(): number[];
}

const stamped = new Map<string, { stamp: string; value: unknown }>();

/** A file's value (or a folder's), made again only when its size or time changed. */
function cached<T>(file: string, make: () => T, kind = 'file'): T {
  let stamp = '';
  try {
    const s = statSync(file);
    stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    stamp = 'missing';
  }
  const key = `${kind}\0${file}`;
  const known = stamped.get(key);
  if (known && known.stamp === stamp) return known.value as T;
  const value = make();
  stamped.set(key, { stamp, value });
  return value;
}

interface RecordSheet {
  name?: string;
  firstPage?: number;
  values?: { key: string; page: number; text: string }[];
}
interface RecordFile {
  date?: string;
  sheets?: Record<string, RecordSheet>;
}

const RECORD = /^([0-9]{4}-[0-9]{2}-[0-9]{2})\.json$/;

/** The latest publication record of a year folder (the published file's shape is src/publication/record.ts's). */
function latestRecord(yearDir: string): { file: string; record: RecordFile } | undefined {
  const dir = join(yearDir, 'published');
  if (!existsSync(dir)) return undefined;
  const dates = readdirSync(dir).flatMap((name) => RECORD.exec(name)?.[1] ?? []).sort();
  if (dates.length === 0) return undefined;
  const file = join(dir, `${dates[dates.length - 1]}.json`);
  const record = cached(file, () => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as RecordFile;
    } catch {
      return undefined; // an unreadable record: `errata` and `status` report it
    }
  });
  return record ? { file, record } : undefined;
}

/** A printed figure read back as the number it prints (`24,857` → 24857); a text stays text. */
function printedValue(text: string): unknown {
  const figure = text.replace(/,/g, '');
  return /^-?[0-9]+(\.[0-9]+)?$/.test(figure) ? Number(figure) : text;
}

/** A record's printed values as data at their places (`costs.settled.2020`, `indicators.0.actual.2021`). */
function recordData(values: NonNullable<RecordSheet['values']>): Record<string, any> {
  const data: Record<string, any> = {};
  for (const { key, text } of values) {
    if (text === '') continue; // an unused slot
    const steps = key.split('.');
    let node: any = data;
    // A value whose place another value's place contains (a list printed whole beside its items) is left out.
    for (const step of steps.slice(0, -1)) {
      node[step] ??= /^[0-9]{1,3}$/.test(steps[steps.indexOf(step) + 1]) ? [] : {};
      node = typeof node[step] === 'object' ? node[step] : undefined;
      if (!node) break;
    }
    const last = steps[steps.length - 1];
    if (node && typeof node[last] !== 'object') node[last] = printedValue(text);
  }
  return data;
}

function fromFile(file: string, year: number): ReferenceSheet | undefined {
  const source = cached(file, () => {
    try {
      return loadSheetFile(file);
    } catch {
      return undefined;
    }
  }) as SheetSource | undefined;
  if (!source || source.data === undefined || typeof source.data !== 'object' || source.data === null) return undefined;
  const number = numberFromFileName(file)!;
  return {
    number,
    fiscalYear: year,
    file,
    origin: 'data',
    data: source.data as Record<string, any>,
    where: (path) => {
      const pos = source.locate(path);
      return `${displayPath(file)}:${pos.line}:${pos.column}`;
    },
    label: `${eraYearText(year)}の ${formatNumber(number)}`,
  };
}

function fromRecord(yearDir: string, number: number, year: number): ReferenceSheet | undefined {
  const latest = latestRecord(yearDir);
  const sheet = latest?.record.sheets?.[formatNumber(number)];
  if (!latest || !sheet || !Array.isArray(sheet.values)) return undefined;
  const pages = new Map(sheet.values.map((v) => [v.key, v.page]));
  const firstPage = sheet.firstPage ?? 1;
  return {
    number,
    fiscalYear: year,
    file: latest.file,
    origin: 'record',
    recordDate: basename(latest.file, '.json'),
    firstPage,
    data: recordData(sheet.values),
    where: (path) => `${displayPath(latest.file)}、冊子 ${firstPage + (pages.get(path.join('.')) ?? 1) - 1} ページ`,
    label: `${eraYearText(year)}の ${formatNumber(number)}`,
  };
}

/** The file of a year folder that holds project `number`, if exactly one does (and it is read as a sheet). */
function sheetFileOf(dataDir: string, yearDir: string, number: number): string | undefined {
  const names = [...new Set([`${formatNumber(number)}.yaml`, `${number}.yaml`, `${formatNumber(number)}.yml`, `${number}.yml`])];
  const files = names.map((name) => join(yearDir, name)).filter((f) => existsSync(f) && judgeEntry(dataDir, f).kind === 'sheet');
  return files.length === 1 ? files[0] : undefined;
}

/**
 * Last year of a sheet file of `fiscalYear`: the folder beside its own (`data/2021` for `data/2022/087.yaml`).
 * Undefined when the file does not stand in a year folder of its data folder (a sample, a file given elsewhere).
 */
export function lastYearOf(sheetFile: string, fiscalYear: number): LastYear | undefined {
  const ownDir = dirname(sheetFile);
  if (basename(ownDir) !== String(fiscalYear)) return undefined;
  return yearAt(dirname(ownDir), fiscalYear - 1);
}

/** A year of a data folder as the reference of the year after it. */
export function yearAt(dataDir: string, year: number): LastYear {
  const yearDir = join(dataDir, String(year));
  const folderExists = existsSync(yearDir);
  // Asked only when a sheet names a number last year lacks: the folder is listed then, and kept while it stays as it is.
  const listed = () =>
    cached(
      yearDir,
      () => {
        try {
          return sheetFiles(dataDir, year).map((f) => numberFromFileName(f)!);
        } catch {
          return [];
        }
      },
      'listing',
    );
  const recorded = () => Object.keys(latestRecord(yearDir)?.record.sheets ?? {}).map(Number);
  return {
    year,
    dataDir,
    known: () => folderExists && (listed().length > 0 || recorded().length > 0),
    sheet: (number) => {
      if (!folderExists) return undefined;
      const file = sheetFileOf(dataDir, yearDir, number);
      return (file ? fromFile(file, year) : undefined) ?? fromRecord(yearDir, number, year);
    },
    numbers: () => [...new Set([...listed(), ...recorded()])].sort((a, b) => a - b),
  };
}

/** The numbers of last year's sheets a sheet continues: `continues` as written, or its own number when it says none. */
export function continuedNumbers(sheet: { number?: unknown; continues?: unknown }): number[] {
  if (Array.isArray(sheet.continues)) return sheet.continues.filter((n): n is number => Number.isInteger(n));
  return Number.isInteger(sheet.number) ? [sheet.number as number] : [];
}
