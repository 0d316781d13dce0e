// Where things are: the data folder's fiscal years and sheet files. This module alone decides which files of a year
// folder are sheets; every command asks it, so that no command reads a file another leaves out, and every file that
// looks like a sheet is either read or named with the reason it is not.
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UserError } from './errors';
import { displayPath } from './report';
import type { Finding } from './types';

export const SHEET_FILE = /^([0-9]{1,4})\.ya?ml$/;

export function fiscalYears(dataDir: string): number[] {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new UserError(`データのフォルダ「${dataDir}」が見つかりません。--data で指定してください。`, 2);
  }
  return readdirSync(dataDir, { withFileTypes: true })
    .filter((e) => /^[0-9]{4}$/.test(e.name) && (e.isDirectory() || (e.isSymbolicLink() && isDirectory(join(dataDir, e.name)))))
    .map((e) => Number(e.name))
    .sort((a, b) => a - b);
}

export function newestFiscalYear(dataDir: string): number {
  const years = fiscalYears(dataDir);
  if (years.length === 0) throw new UserError(`「${dataDir}」に年度のフォルダ（例: 2021）がありません。`, 2);
  return years[years.length - 1];
}

/** What a year folder holds, as every command sees it. */
export interface YearFolder {
  /** The sheet files, in project-number order: files named `087.yaml` (or `87.yml`), and links to such a file inside the data folder. */
  sheets: string[];
  /**
   * Files named as sheets that are not read: a link leading outside the data folder, a broken link, a folder. One
   * error each (their sheet is missing from every document until it is settled), in number order.
   */
  refused: Finding[];
  /** Files that look like sheets but are not named as one (`092.YAML`, `087.yaml.bak`): one warning each, saying why. */
  ignored: Finding[];
}

/** The sheet files of one fiscal year, in project-number order. */
export function sheetFiles(dataDir: string, year: number): string[] {
  return readYearFolder(dataDir, year).sheets;
}

/** Every file of a year folder that is, or looks like, a sheet, judged by `judgeEntry`. */
export function readYearFolder(dataDir: string, year: number): YearFolder {
  const dir = join(dataDir, String(year));
  if (!existsSync(dir)) throw new UserError(`${year}年度のフォルダ「${dir}」がありません。`, 2);
  const inside = insideDataFolder(dataDir);
  const outside = inside(dir) ? undefined : realpathSync(dir);
  if (outside !== undefined) {
    throw new UserError(`${year}年度のフォルダ ${displayPath(dir)} は、データのフォルダ（${displayPath(dataDir)}）の外の ${displayPath(outside)} へのリンクです。データのフォルダの外のファイルは読みません（発行の記録やバックアップに入らないため）。フォルダを ${displayPath(dataDir)} の中に移してください。`);
  }
  const folder: YearFolder = { sheets: [], refused: [], ignored: [] };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    const judged = judgeEntry(dataDir, file, entry, inside);
    if (judged.kind === 'sheet') folder.sheets.push(file);
    else if (judged.kind === 'refused') folder.refused.push(folderFinding(file, 'error', judged.why));
    else if (judged.kind === 'ignored') folder.ignored.push(folderFinding(file, 'warning', judged.why));
  }
  const byNumber = (a: string, b: string) => numberFromFileName(a)! - numberFromFileName(b)! || (a < b ? -1 : a > b ? 1 : 0);
  folder.sheets.sort(byNumber);
  folder.refused.sort((a, b) => byNumber(a.file, b.file));
  folder.ignored.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return folder;
}

/** What a file of a year folder is: a sheet, a file named as a sheet that cannot be read as one, a look-alike, or nothing to do with sheets. */
export type Judgement = { kind: 'sheet' } | { kind: 'refused'; why: string } | { kind: 'ignored'; why: string } | { kind: 'other' };

/**
 * Judge one file of a year folder (`entry` when it comes from a listing, saving a stat). A link is read when it
 * leads to a file inside the data folder: what is published must be in the data folder, which is what is kept and
 * backed up. Names that start with `.` or `#` are editors' and sheetbook's own temporary files: nothing is said.
 */
export function judgeEntry(dataDir: string, file: string, entry?: Dirent, inside = insideDataFolder(dataDir)): Judgement {
  const name = basename(file);
  if (name.startsWith('.') || name.startsWith('#')) return { kind: 'other' };
  let type: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean };
  try {
    type = entry ?? lstatSync(file);
  } catch {
    return { kind: 'other' }; // gone since it was listed
  }
  if (SHEET_FILE.test(name)) {
    if (type.isFile()) return { kind: 'sheet' };
    if (type.isSymbolicLink()) return judgeLink(dataDir, file, inside);
    if (type.isDirectory()) return { kind: 'refused', why: 'シートのファイル名ですが、ファイルではなくフォルダです。シートは番号.yaml のファイルに書きます' };
    return { kind: 'refused', why: 'シートのファイル名ですが、普通のファイルではないため読めません' };
  }
  if (type.isDirectory() || !looksLikeSheet(name)) return { kind: 'other' };
  const upper = /^([0-9]{1,4})\.(ya?ml)$/i.exec(name);
  if (upper) return { kind: 'ignored', why: `シートのファイルとしては読みません（拡張子が大文字です。「${upper[1]}.${upper[2].toLowerCase()}」に名前を変えると読みます）` };
  return { kind: 'ignored', why: 'シートのファイルとしては読みません（シートのファイル名は 087.yaml のような「番号.yaml」です。シートなら名前を変え、控えならデータのフォルダの外に移してください）' };
}

/** A name a person may have meant as a sheet: anything with `.yaml`/`.yml` in it, or a number with another extension (`087.txt`). */
function looksLikeSheet(name: string): boolean {
  return /\.ya?ml/i.test(name) || /^[0-9]{1,4}\.[^.]+$/.test(name);
}

function judgeLink(dataDir: string, file: string, inside: (path: string) => boolean): Judgement {
  let target: string;
  try {
    target = realpathSync(file);
  } catch {
    const written = (() => {
      try {
        return readlinkSync(file);
      } catch {
        return '';
      }
    })();
    return { kind: 'refused', why: `リンク先のファイル ${written} がありません。リンク先を直すか、このリンクを消してください` };
  }
  if (!inside(target)) {
    return {
      kind: 'refused',
      why: `データのフォルダ（${displayPath(dataDir)}）の外のファイル ${displayPath(target)} へのリンクです。データのフォルダの外のファイルは読みません（発行の記録やバックアップに入らないため）。ファイルをデータのフォルダの中に移すか、コピーしてください`,
    };
  }
  if (!statSync(target).isFile()) return { kind: 'refused', why: `リンク先 ${displayPath(target)} がファイルではありません` };
  return { kind: 'sheet' };
}

/** A test of whether a path, links followed, lies inside the data folder (itself found through any link). */
function insideDataFolder(dataDir: string): (path: string) => boolean {
  const root = realpathSync(dataDir);
  return (path: string) => {
    const rel = relative(root, realpathSync(path));
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const folderFinding = (file: string, severity: Finding['severity'], message: string): Finding => ({ file, line: 1, column: 1, severity, labels: [], path: [], message });

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
