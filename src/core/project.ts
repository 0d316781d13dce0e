// Where things are: the data folder's fiscal years and sheet files.
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import fg from 'fast-glob';
import { UserError } from './errors';

export const SHEET_FILE = /^([0-9]{1,4})\.ya?ml$/;

export function fiscalYears(dataDir: string): number[] {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new UserError(`データのフォルダ「${dataDir}」が見つかりません。--data で指定してください。`, 2);
  }
  return fg
    .sync('[0-9][0-9][0-9][0-9]', { cwd: dataDir, onlyDirectories: true })
    .map(Number)
    .sort((a, b) => a - b);
}

export function newestFiscalYear(dataDir: string): number {
  const years = fiscalYears(dataDir);
  if (years.length === 0) throw new UserError(`「${dataDir}」に年度のフォルダ（例: 2021）がありません。`, 2);
  return years[years.length - 1];
}

/** The sheet files of one fiscal year, in project-number order. */
export function sheetFiles(dataDir: string, year: number): string[] {
  const dir = join(dataDir, String(year));
  if (!existsSync(dir)) throw new UserError(`${year}年度のフォルダ「${dir}」がありません。`, 2);
  return fg
    .sync('*.{yaml,yml}', { cwd: dir, onlyFiles: true })
    .filter((f) => SHEET_FILE.test(f))
    .sort((a, b) => Number(SHEET_FILE.exec(a)![1]) - Number(SHEET_FILE.exec(b)![1]))
    .map((f) => join(dir, f));
}

/** The project number a sheet file's name promises (`087.yaml` → 87). */
export function numberFromFileName(file: string): number | undefined {
  const match = SHEET_FILE.exec(basename(file));
  return match ? Number(match[1]) : undefined;
}

export function outputPathFor(outDir: string, year: number, number: number): string {
  return join(outDir, String(year), `${String(number).padStart(3, '0')}.pdf`);
}
