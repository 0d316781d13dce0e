// Which year and which sheet files a command works on: one routine for every command, so that a missing year
// folder, a number that has no sheet, two files claiming one number, a link that is refused and a file that only
// looks like a sheet (as model/data-folder.ts judges them) are treated alike everywhere.
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../model/errors';
import { duplicateNumberFindings, newestFiscalYear, numberFromFileName, readYearFolder, sheetFiles } from '../model/data-folder';
import { formatNumber } from '../model/format';
import { loadSheetFile } from '../pipeline/load';
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
  /** Every selected file named as a sheet, in number order, the excluded included (for checks that report all). */
  all: string[];
  /** The sheets to work on, in number order: neither files that share their number with another nor unreadable ones. */
  files: string[];
  /** Selected files left out: they share their number with another file (`087.yaml` and `87.yaml`), or are unreadable. */
  excluded: string[];
  /** Selected files named as sheets that are not read at all (a link leading outside the data folder, a broken link). */
  unreadable: string[];
  /** One error finding for each excluded file, to report like any other finding. */
  refused: Finding[];
  /** One warning for each file of the year that looks like a sheet but is not one (`092.YAML`, `087.yaml.bak`). */
  ignored: Finding[];
}

/** What a command says about the year folder before the sheets' own findings: the files not read, and why. */
export const folderFindings = (selection: SheetSelection): Finding[] => [...selection.ignored, ...selection.refused];

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
  const folder = readYearFolder(request.dataDir, year);
  const unreadableOf = new Map(folder.refused.map((f) => [f.file, f]));
  // Unreadable files keep their place: a number asked for is theirs, and the year's documents wait for them.
  let files = [...folder.sheets, ...unreadableOf.keys()].sort((a, b) => numberFromFileName(a)! - numberFromFileName(b)!);
  if (numbers.length > 0) {
    const missing = numbers.filter((n) => !files.some((f) => numberFromFileName(f) === n));
    if (missing.length > 0) {
      const names = [...new Set(missing)].map(formatNumber).join('、');
      const lookalikes = folder.ignored.filter((f) => missing.includes(Number(/^([0-9]{1,4})\./.exec(basename(f.file))?.[1])));
      const hint = lookalikes.map((f) => `${basename(f.file)}: ${f.message}。`).join('');
      // A number with no sheet is a mistake in the command, not in a sheet: a usage error.
      throw new UserError(`${year}年度のシート ${names} が見つかりません（${join(request.dataDir, String(year))}）。${hint}番号を確かめてください。`, 2);
    }
    files = files.filter((f) => numbers.includes(numberFromFileName(f)!));
  }
  if (files.length === 0) {
    const hint = folder.ignored.map((f) => `${basename(f.file)}: ${f.message}。`).join('');
    throw new UserError(`${year}年度のシートがありません（${join(request.dataDir, String(year))}）。${hint}`);
  }
  // Two files claiming one number would make one PDF twice: neither is used until it is settled.
  const readable = files.filter((f) => !unreadableOf.has(f));
  const duplicates = duplicateNumberFindings(readable);
  const unreadable = files.filter((f) => unreadableOf.has(f));
  const excluded = files.filter((f) => unreadableOf.has(f) || duplicates.some((d) => d.file === f));
  return {
    year,
    all: files,
    files: files.filter((f) => !excluded.includes(f)),
    excluded,
    unreadable,
    refused: [...unreadable.map((f) => unreadableOf.get(f)!), ...duplicates].sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file)),
    ignored: folder.ignored,
  };
}

/** The existing files of a year that hold the sheet with this number (none, one, or several). */
export function filesForNumber(dataDir: string, year: number, number: number): string[] {
  if (!existsSync(join(dataDir, String(year)))) return [];
  return sheetFiles(dataDir, year).filter((f) => numberFromFileName(f) === number);
}

/** The 部 a sheet file names, read without checking the rest; undefined when the file cannot be read. */
export function departmentOf(file: string): string | undefined {
  const data = loadSheetFile(file).data as { department?: unknown } | undefined;
  return typeof data?.department === 'string' && data.department.trim() !== '' ? data.department : undefined;
}

/** A 部 asked for that no sheet of the year names is a usage error that lists the 部 there are. */
export function checkDepartments(departments: string[], named: string[]): void {
  const known = [...new Set(named)];
  const unknown = departments.filter((d) => !known.includes(d));
  if (unknown.length > 0) {
    throw new UserError(
      `部「${unknown.join('」「')}」のシートはありません。この年度の部: ${known.map((d) => `「${d}」`).join('')}（部の名前はシートの department と同じに書きます）。`,
      2,
    );
  }
}

export interface DepartmentChoice {
  /** The files of the chosen 部, in number order. */
  files: string[];
  /** Files whose 部 cannot be read (a YAML error): they cannot be placed in any 部. */
  unreadable: string[];
}

/**
 * The sheets of the given 部 among `files`. A 部 that no sheet of the year names is a usage error that lists the
 * 部 there are; so is a choice of numbers none of which belongs to the 部 asked for.
 */
export function chooseDepartments(files: string[], departments: string[], yearFiles: string[], numbers: number[]): DepartmentChoice {
  const named = new Map(yearFiles.map((f) => [f, departmentOf(f)]));
  checkDepartments(departments, [...named.values()].filter((d): d is string => d !== undefined));
  const chosen = files.filter((f) => departments.includes(named.get(f) ?? ''));
  if (chosen.length === 0) {
    const belongs = files.map((f) => `${formatNumber(numberFromFileName(f)!)} は「${named.get(f) ?? '部が読み取れない'}」`).join('、');
    throw new UserError(`--only ${numbers.map(formatNumber).join(',')} で選んだシートは、部「${departments.join('」「')}」にありません（${belongs}のシートです）。`, 2);
  }
  return { files: chosen, unreadable: files.filter((f) => named.get(f) === undefined) };
}
