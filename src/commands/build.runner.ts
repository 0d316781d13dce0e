// `sheetbook build`: validate, then write each sheet to output/<year>/<number>.pdf (nothing for a sheet with errors).
import { join } from 'node:path';
import { removeStaleTemporaries, writeFileAtomic } from '../pipeline/write';
import { openWorkspace, sheetPdf } from '../pipeline/sheet';
import { outputPathFor } from '../model/data-folder';
import { displayPath, formatFinding } from '../model/report';
import { processSheets } from '../batch/sheets';
import { cacheFor } from '../batch/cache';
import { selectSheetFiles } from '../batch/selection';
import { createProgress, summaryLine, type Tally } from './progress';

export interface BuildOptions {
  numbers: number[];
  year?: number;
  dataDir: string;
  outDir: string;
}

export interface BuildSummary {
  built: string[];
  failed: string[];
  tally: Tally;
}

export async function runBuild(options: BuildOptions, log: (line: string) => void = console.log): Promise<BuildSummary> {
  const started = Date.now();
  const { year, files, excluded, duplicates } = selectSheetFiles(options);

  const workspace = openWorkspace(options.dataDir);
  removeStaleTemporaries(join(options.outDir, String(year)));
  const tally: Tally = { built: 0, reused: 0, failed: 0 };
  const summary: BuildSummary = { built: [], failed: [], tally };
  for (const finding of duplicates) log(formatFinding(finding));
  summary.failed.push(...excluded);
  tally.failed += excluded.length;
  const cache = cacheFor(workspace, options.outDir, year);
  const results = await processSheets(files, workspace, cache, createProgress('シート', log, tally));
  if (options.numbers.length === 0) cache.prune();
  // A PDF already written from the same rendering is left as it is: every line below is a file really written.
  let unchanged = 0;
  for (const result of results) {
    if (!result.rendered || !result.entry) {
      summary.failed.push(result.file);
      continue;
    }
    const target = outputPathFor(options.outDir, year, result.entry.number);
    if (result.key && cache.inStep(target, result.key)) {
      unchanged++;
      continue;
    }
    writeFileAtomic(target, sheetPdf(workspace, result.rendered, year));
    if (result.key) cache.markWritten(target, result.key);
    summary.built.push(target);
    log(`作成: ${displayPath(target)}${result.reused ? '（前回の描画から）' : ''}`);
  }
  cache.saveWritten();
  if (unchanged > 0) log(`変わっていない PDF ${unchanged} 件はそのままです。`);
  log(summaryLine(`${year}年度のシート`, tally, started));
  if (summary.failed.length > 0) {
    log(`誤りのある ${summary.failed.length} 件は PDF にしませんでした（前に作った PDF はそのままです）。上の一覧を直して、もう一度実行してください。`);
  }
  return summary;
}

/** `sheetbook build`: exit 1 when a sheet was left out for its errors. */
export async function main(options: BuildOptions): Promise<number> {
  const summary = await runBuild(options);
  return summary.failed.length > 0 ? 1 : 0;
}
