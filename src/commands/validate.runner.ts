// `sheetbook validate`: every problem of every file, one line each, in one run. Nothing is written.
import { findingOrder } from '../model/types';
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { UserError } from '../model/errors';
import { openWorkspace, type Workspace } from '../pipeline/sheet';
import { checkOnly } from '../batch/sheet-job';
import { dataFileFindings } from '../pipeline/city-data';
import { checkInWorkers, worthWorkers } from '../batch/sheets';
import { folderFindings, selectSheetFiles } from '../batch/selection';
import { duplicateNumberFindings, fiscalYears, judgeEntry, readYearFolder } from '../model/data-folder';
import { findingsAsJson, formatFinding } from '../model/report';
import type { Finding } from '../model/types';

export interface ValidateOptions {
  /** Files and folders to check; with none, the year given, or every year of dataDir. */
  paths: string[];
  dataDir: string;
  /** Check only this fiscal year of dataDir (not together with paths). */
  year?: number;
  format: 'text' | 'json';
}

export interface ValidateResult {
  files: number;
  findings: Finding[];
}

/**
 * Expand files and folders into sheet files: a data folder holds year folders, a year folder holds sheets, judged as
 * every command judges them (data-folder.ts): the files not read are named, as `notes`, and not checked.
 * Patterns such as `data/2021/08*.yaml` are expanded here too, for shells that do not (Windows).
 */
function collectFiles(patterns: string[]): { files: string[]; notes: Finding[] } {
  const files: string[] = [];
  const notes: Finding[] = [];
  const paths = patterns.flatMap((p) => {
    if (existsSync(p) || !/[*?[{]/.test(p)) return [p];
    const fg = require('fast-glob') as typeof import('fast-glob');
    const matches = fg.sync(p.replace(/\\/g, '/'), { onlyFiles: false }).sort();
    if (matches.length === 0) throw new UserError(`「${p}」に当てはまるファイルがありません。`, 2);
    return matches;
  });
  const yearFolder = (dataDir: string, year: number, shown: string) => {
    const folder = readYearFolder(dataDir, year);
    files.push(...folder.sheets.map((f) => join(shown, basename(f))));
    notes.push(...[...folder.ignored, ...folder.refused].map((f) => ({ ...f, file: join(shown, basename(f.file)) })));
  };
  for (const path of paths) {
    if (!existsSync(path) && !isLink(path)) throw new UserError(`「${path}」が見つかりません。`, 2);
    if (!isFolder(path)) files.push(...fileInYearFolder(path, notes));
    else if (/^[0-9]{4}$/.test(basename(resolve(path)))) yearFolder(dirname(resolve(path)), Number(basename(resolve(path))), path);
    else if (fiscalYears(path).length > 0) for (const year of fiscalYears(path)) yearFolder(path, year, join(path, String(year)));
    // Any other folder: the YAML files directly in it (drafts, copies sent by a division…).
    else files.push(...readdirSync(path).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(path, f)));
  }
  if (files.length === 0 && notes.length === 0) throw new UserError(`検査するシートが見つかりません（${patterns.join(' ')}）。`, 2);
  return { files: [...new Set(files)], notes };
}

/**
 * A file named on the command line: checked, unless it lies in a year folder and no other command would read it
 * either (a link leading outside the data folder): then only that is said. A look-alike (`092.YAML`) is checked and
 * named as one that the other commands do not read.
 */
function fileInYearFolder(file: string, notes: Finding[]): string[] {
  const yearDir = dirname(resolve(file));
  if (!/^[0-9]{4}$/.test(basename(yearDir))) return [file];
  const judged = judgeEntry(dirname(yearDir), resolve(file));
  if (judged.kind === 'refused' || judged.kind === 'ignored') {
    notes.push({ file, line: 1, column: 1, severity: judged.kind === 'refused' ? 'error' : 'warning', labels: [], path: [], message: judged.why });
  }
  return judged.kind === 'refused' ? [] : [file];
}

const isLink = (path: string) => {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
};

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a broken link: judged as a file
  }
};

/** The data folder a sheet belongs to (the parent of its year folder), for the city's rates and sentences. */
function dataDirOf(file: string, fallback: string): string {
  const yearDir = dirname(resolve(file));
  return /^[0-9]{4}$/.test(basename(yearDir)) ? dirname(yearDir) : fallback;
}

/** The files to check, grouped by the data folder whose city data applies to them. */
function plan(options: Omit<ValidateOptions, 'format'>): { files: string[]; groups: Map<string, string[]>; findings: Finding[] } {
  let files: string[];
  let findings: Finding[];
  if (options.year !== undefined) {
    if (options.paths.length > 0) throw new UserError('ファイルやフォルダを指定したときは --year を使えません。年度のシートを検査するには --year だけを指定してください。', 2);
    // Every readable file of the year is checked, both files of a duplicated number included: validate reports all.
    const selection = selectSheetFiles({ dataDir: options.dataDir, year: options.year });
    files = selection.all.filter((f) => !selection.unreadable.includes(f));
    findings = folderFindings(selection);
  } else {
    const collected = collectFiles(options.paths.length > 0 ? options.paths : [options.dataDir]);
    files = collected.files;
    findings = [...collected.notes, ...duplicateNumberFindings(files)];
  }
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const dataDir = dataDirOf(file, options.dataDir);
    groups.set(dataDir, [...(groups.get(dataDir) ?? []), file]);
  }
  return { files, groups, findings };
}

/** The data files' findings first (they concern every sheet), then the sheets', each by file, line and column. */
function sorted(files: string[], findings: Finding[], dataFindings: Finding[]): ValidateResult {
  findings.sort(findingOrder);
  // templates/layout.yaml is shared by every data folder: its findings are listed once.
  const data = new Map(dataFindings.map((f) => [`${f.file}:${f.line}:${f.column}:${f.message}`, f]));
  return { files: files.length, findings: [...data.values(), ...findings] };
}

/**
 * The workspace to check a data folder's sheets with, after the findings of its data files. Sheets are checked
 * against what is valid in the city's files; with templates/layout.yaml wrong they cannot be checked at all.
 */
function workspaceFor(dataDir: string, dataFindings: Finding[]): Workspace | undefined {
  dataFindings.push(...dataFileFindings(dataDir));
  try {
    return openWorkspace(dataDir, undefined, { tolerateDataErrors: true });
  } catch (error) {
    if (dataFindings.length > 0) return undefined;
    throw error;
  }
}

/** Check in this thread (for programs and tests). */
export function validateFiles(options: Omit<ValidateOptions, 'format'>): ValidateResult {
  const { files, groups, findings } = plan(options);
  const dataFindings: Finding[] = [];
  for (const [dataDir, group] of groups) {
    const workspace = workspaceFor(dataDir, dataFindings);
    if (workspace) for (const file of group) findings.push(...checkOnly(file, workspace).findings);
  }
  return sorted(files, findings, dataFindings);
}

/** Check with the machine's cores (for the command: a whole year at once). */
export async function validateFilesInParallel(options: Omit<ValidateOptions, 'format'>): Promise<ValidateResult> {
  const { files, groups, findings } = plan(options);
  const dataFindings: Finding[] = [];
  for (const [dataDir, group] of groups) {
    if (!worthWorkers(group.length)) {
      const workspace = workspaceFor(dataDir, dataFindings);
      if (workspace) for (const file of group) findings.push(...checkOnly(file, workspace).findings);
      continue;
    }
    // The workers open their own workspaces, while this one reads the data files, then checks sheets with them.
    const here = () => {
      try {
        const workspace = openWorkspace(dataDir, undefined, { tolerateDataErrors: true });
        return (file: string) => checkOnly(file, workspace);
      } catch {
        return undefined; // templates/layout.yaml: reported with the data files' findings
      }
    };
    const checking = checkInWorkers(group, dataDir, undefined, here);
    checking.catch(() => undefined);
    const own = dataFileFindings(dataDir);
    dataFindings.push(...own);
    try {
      for (const result of await checking) findings.push(...result.findings);
    } catch (error) {
      // Without a readable templates/layout.yaml no sheet can be checked: its findings say why.
      if (own.length === 0) throw error;
    }
  }
  return sorted(files, findings, dataFindings);
}

export async function runValidate(options: ValidateOptions, log: (line: string) => void = console.log): Promise<number> {
  const result = await validateFilesInParallel(options);
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  if (options.format === 'json') {
    log(`{"files": ${result.files}, "errors": ${errors}, "warnings": ${warnings}, "findings": ${findingsAsJson(result.findings)}}`);
  } else {
    for (const finding of result.findings) log(formatFinding(finding));
    log(`${result.files} ファイルを検査しました: エラー ${errors} 件、警告 ${warnings} 件`);
  }
  return errors > 0 ? 1 : 0;
}

/** `sheetbook validate`. */
export async function main(options: ValidateOptions): Promise<number> {
  return runValidate(options);
}
