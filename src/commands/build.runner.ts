// `sheetbook build`: validate, then write each sheet to output/<year>/<number>.pdf (nothing for a sheet with errors).
import { join } from 'node:path';
import { removeStaleTemporaries } from '../pipeline/write';
import { openWorkspace } from '../pipeline/sheet';
import { formatFinding } from '../model/report';
import { processSheets } from '../batch/sheets';
import { cacheFor } from '../batch/cache';
import { writeSheetPdfs } from '../batch/sheet-pdfs';
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
  summary.failed.push(...results.filter((r) => !r.rendered || !r.entry).map((r) => r.file));
  summary.built.push(...writeSheetPdfs(workspace, cache, results, options.outDir, year, log));
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
