// `sheetbook validate`: every problem of every file, one line each, in one run. Nothing is written.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { UserError } from '../core/errors';
import { checkSheet, openWorkspace, type Workspace } from '../core/pipeline';
import { fiscalYears, numberFromFileName, sheetFiles } from '../core/project';
import { findingsAsJson, formatFinding } from '../core/report';
import type { Finding } from '../core/types';

export interface ValidateOptions {
  paths: string[];
  dataDir: string;
  format: 'text' | 'json';
}

export interface ValidateResult {
  files: number;
  findings: Finding[];
}

/** Expand files and folders into sheet files: a data folder holds year folders, a year folder holds sheets. */
function collectFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new UserError(`「${path}」が見つかりません。`, 2);
    if (statSync(path).isFile()) files.push(path);
    else if (/^[0-9]{4}$/.test(basename(resolve(path)))) files.push(...sheetFiles(dirname(resolve(path)), Number(basename(resolve(path)))).map((f) => join(path, basename(f))));
    else for (const year of fiscalYears(path)) files.push(...sheetFiles(path, year).map((f) => join(path, String(year), basename(f))));
  }
  return [...new Set(files)];
}

/** The data folder a sheet belongs to (the parent of its year folder), for the city's rates and sentences. */
function dataDirOf(file: string, fallback: string): string {
  const yearDir = dirname(resolve(file));
  return /^[0-9]{4}$/.test(basename(yearDir)) ? dirname(yearDir) : fallback;
}

/** Two files of one year that claim the same project number (`087.yaml` and `87.yaml`). */
function duplicateNumbers(files: string[]): Finding[] {
  const byYear = new Map<string, string[]>();
  for (const file of files) {
    const key = `${dirname(resolve(file))}#${numberFromFileName(file)}`;
    if (numberFromFileName(file) === undefined) continue;
    byYear.set(key, [...(byYear.get(key) ?? []), file]);
  }
  const findings: Finding[] = [];
  for (const group of byYear.values()) {
    if (group.length < 2) continue;
    for (const file of group) {
      const others = group.filter((f) => f !== file).map((f) => basename(f)).join('、');
      findings.push({ file, line: 1, column: 1, severity: 'error', labels: [], path: [],
        message: `同じ年度に同じ事業番号のファイルがあります（${others}）。どちらか一方にまとめてください` });
    }
  }
  return findings;
}

export function validateFiles(options: Omit<ValidateOptions, 'format'>): ValidateResult {
  const paths = options.paths.length > 0 ? options.paths : [options.dataDir];
  const files = collectFiles(paths);
  const workspaces = new Map<string, Workspace>();
  const findings: Finding[] = duplicateNumbers(files);
  for (const file of files) {
    const dataDir = dataDirOf(file, options.dataDir);
    if (!workspaces.has(dataDir)) workspaces.set(dataDir, openWorkspace(dataDir));
    findings.push(...checkSheet(file, workspaces.get(dataDir)!).findings);
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { files: files.length, findings };
}

export function runValidate(options: ValidateOptions, log: (line: string) => void = console.log): number {
  const result = validateFiles(options);
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
