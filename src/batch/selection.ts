// Which year and which sheet files a command works on: one routine for every command, so that a missing year
// folder, a number that has no sheet and two files claiming one number are treated alike everywhere.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../model/errors';
import { duplicateNumberFindings, newestFiscalYear, numberFromFileName, sheetFiles } from '../model/data-folder';
import { formatNumber } from '../model/format';
import type { Finding } from '../model/types';

export interface SheetRequest {
  dataDir: string;
  /** The fiscal year; the newest year folder of dataDir when absent. */
  year?: number;
  /** Project numbers; every sheet of the year when absent or empty. */
  numbers?: number[];
}

export interface SheetSelection {
  year: number;
  /** Every selected file, in number order, files that share a number included (for checks that report all). */
  all: string[];
  /** The sheets to work on, in number order. Files that share their number with another are not among them. */
  files: string[];
  /** Selected files left out because another file of the year has the same number (`087.yaml` and `87.yaml`). */
  excluded: string[];
  /** One error finding for each excluded file, to report like any other finding. */
  duplicates: Finding[];
}

/** The year a command works on: the one asked for (its folder must exist), or the newest one. */
export function selectYear(dataDir: string, year?: number): number {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new UserError(`データのフォルダ「${dataDir}」が見つかりません。--data で指定してください。`, 2);
  }
  if (year === undefined) return newestFiscalYear(dataDir);
  const dir = join(dataDir, String(year));
  if (!existsSync(dir)) throw new UserError(`${year}年度のフォルダ「${dir}」がありません。`, 2);
  return year;
}

/**
 * The year and the sheet files of a request. Throws a Japanese UserError when the year folder is missing,
 * when a number asked for has no sheet, or when there is no sheet at all.
 */
export function selectSheetFiles(request: SheetRequest): SheetSelection {
  const year = selectYear(request.dataDir, request.year);
  const numbers = request.numbers ?? [];
  let files = sheetFiles(request.dataDir, year);
  if (numbers.length > 0) {
    const missing = numbers.filter((n) => !files.some((f) => numberFromFileName(f) === n));
    if (missing.length > 0) {
      const names = [...new Set(missing)].map(formatNumber).join('、');
      throw new UserError(`${year}年度のシート ${names} が見つかりません（${join(request.dataDir, String(year))}）。`);
    }
    files = files.filter((f) => numbers.includes(numberFromFileName(f)!));
  }
  if (files.length === 0) throw new UserError(`${year}年度のシートがありません（${join(request.dataDir, String(year))}）。`);
  // Two files claiming one number would make one PDF twice: neither is used until it is settled.
  const duplicates = duplicateNumberFindings(files);
  const excluded = files.filter((f) => duplicates.some((d) => d.file === f));
  return { year, all: files, files: files.filter((f) => !excluded.includes(f)), excluded, duplicates };
}

/** The existing files of a year that hold the sheet with this number (none, one, or several). */
export function filesForNumber(dataDir: string, year: number, number: number): string[] {
  if (!existsSync(join(dataDir, String(year)))) return [];
  return sheetFiles(dataDir, year).filter((f) => numberFromFileName(f) === number);
}
