// Where things are: the data folder's fiscal years and sheet files.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from './errors';
import type { Finding } from './types';

export const SHEET_FILE = /^([0-9]{1,4})\.ya?ml$/;

export function fiscalYears(dataDir: string): number[] {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new UserError(`データのフォルダ「${dataDir}」が見つかりません。--data で指定してください。`, 2);
  }
  return readdirSync(dataDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-9]{4}$/.test(e.name))
    .map((e) => Number(e.name))
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
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && SHEET_FILE.test(e.name))
    .map((e) => e.name)
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

/** Two files of one year that claim the same project number (`087.yaml` and `87.yaml`): both are errors. */
export function duplicateNumberFindings(files: string[]): Finding[] {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const number = numberFromFileName(file);
    if (number === undefined) continue;
    const key = `${dirname(resolve(file))}#${number}`;
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  const findings: Finding[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    for (const file of group) {
      const others = group.filter((f) => f !== file).map((f) => basename(f)).join('、');
      findings.push({
        file, line: 1, column: 1, severity: 'error', labels: [], path: [],
        message: `同じ年度に同じ事業番号のファイルがあります（${others}）。どちらか一方にまとめてください`,
      });
    }
  }
  return findings;
}
