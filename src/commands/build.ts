// `sheetbook build`: validate, then render each sheet to output/<year>/<number>.pdf.
import { checkSheet, openWorkspace, renderSheet, sheetPdf } from '../core/pipeline';
import { removeStaleTemporaries, writeFileAtomic } from '../core/output';
import { newestFiscalYear, numberFromFileName, outputPathFor, sheetFiles } from '../core/project';
import { displayPath, formatFinding } from '../core/report';
import { UserError } from '../core/errors';
import { join } from 'node:path';

export interface BuildOptions {
  numbers: number[];
  year?: number;
  dataDir: string;
  outDir: string;
}

export interface BuildSummary {
  built: string[];
  failed: string[];
}

export async function runBuild(options: BuildOptions, log: (line: string) => void = console.log): Promise<BuildSummary> {
  const started = Date.now();
  const year = options.year ?? newestFiscalYear(options.dataDir);
  let files = sheetFiles(options.dataDir, year);
  if (options.numbers.length > 0) {
    const wanted = new Set(options.numbers);
    const missing = options.numbers.filter((n) => !files.some((f) => numberFromFileName(f) === n));
    if (missing.length > 0) {
      const names = missing.map((n) => String(n).padStart(3, '0')).join('、');
      throw new UserError(`${year}年度のシート ${names} が見つかりません（${displayPath(options.dataDir)}/${year}/）。`);
    }
    files = files.filter((f) => wanted.has(numberFromFileName(f)!));
  }
  if (files.length === 0) throw new UserError(`${year}年度のシートがありません。`);

  const workspace = openWorkspace(options.dataDir);
  removeStaleTemporaries(join(options.outDir, String(year)));
  const summary: BuildSummary = { built: [], failed: [] };
  for (const file of files) {
    const checked = checkSheet(file, workspace);
    for (const finding of checked.findings) log(formatFinding(finding));
    if (!checked.sheet || !checked.view) {
      summary.failed.push(file);
      continue;
    }
    const pdf = sheetPdf(workspace, renderSheet(workspace, checked.view));
    const target = outputPathFor(options.outDir, year, checked.sheet.number);
    writeFileAtomic(target, pdf);
    summary.built.push(target);
    log(`作成: ${displayPath(target)}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`${year}年度: ${summary.built.length} 件を作成、${summary.failed.length} 件は誤りのため作成しませんでした（${seconds} 秒）`);
  return summary;
}
