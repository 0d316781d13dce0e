// `sheetbook build`: validate, then write each sheet to output/<year>/<number>.pdf (nothing for a sheet with errors).
import { join } from 'node:path';
import { removeStaleTemporaries } from '../pipeline/write';
import { openWorkspace, type Workspace } from '../pipeline/sheet';
import { formatFinding } from '../model/report';
import { processSheets, type Progress } from '../batch/sheets';
import { cacheFor, type RenderCache } from '../batch/cache';
import { writeSheetPdfs } from '../batch/sheet-pdfs';
import { folderFindings, selectSheetFiles, type SheetSelection } from '../batch/selection';
import type { SheetResult } from '../batch/sheet-job';
import { createProgress, summaryLine, type Tally } from './progress';
import { announcedYear, hasIssueDate, undatedSheetsWarning } from './target-year';

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

/**
 * The work of build once the files are chosen and the workspace is open (for build, and for watch, which keeps both
 * open between saves): report the files of the year folder that are not read (look-alikes, files that share a number,
 * unreadable links), check and render the others through the cache, and write the PDFs whose rendering changed.
 * `prune` after a pass over a whole year.
 */
export async function buildSelection(
  workspace: Workspace,
  cache: RenderCache,
  selection: SheetSelection,
  outDir: string,
  progress: Progress,
  tally: Tally,
  log: (line: string) => void,
  { prune = false } = {},
): Promise<BuildSummary & { results: SheetResult[] }> {
  const summary: BuildSummary = { built: [], failed: [], tally };
  for (const finding of folderFindings(selection)) log(formatFinding(finding));
  summary.failed.push(...selection.excluded);
  tally.failed += selection.excluded.length;
  const results = await processSheets(selection.files, workspace, cache, progress);
  if (prune) cache.prune();
  summary.failed.push(...results.filter((r) => !r.rendered || !r.entry).map((r) => r.file));
  summary.built.push(...writeSheetPdfs(workspace, cache, results, outDir, selection.year, log));
  return { ...summary, results };
}

export async function runBuild(options: BuildOptions, log: (line: string) => void = console.log): Promise<BuildSummary> {
  const started = Date.now();
  const selection = selectSheetFiles(options);
  const { year } = selection;

  const workspace = openWorkspace(options.dataDir);
  if (!hasIssueDate(workspace.city, year)) log(undatedSheetsWarning(options.dataDir, year));
  removeStaleTemporaries(join(options.outDir, String(year)));
  const tally: Tally = { built: 0, reused: 0, failed: 0 };
  const cache = cacheFor(workspace, options.outDir, year);
  const progress = createProgress('シート', log, tally);
  const { built, failed } = await buildSelection(workspace, cache, selection, options.outDir, progress, tally, log, { prune: options.numbers.length === 0 });
  log(summaryLine(`${year}年度のシート`, tally, started));
  if (failed.length > 0) {
    log(`誤りのある ${failed.length} 件は PDF にしませんでした（前に作った PDF はそのままです）。上の一覧を直して、もう一度実行してください。`);
  }
  return { built, failed, tally };
}

/** `sheetbook build`: exit 1 when a sheet was left out for its errors. */
export async function main(options: BuildOptions): Promise<number> {
  const summary = await runBuild({ ...options, year: announcedYear(options.dataDir, options.year) });
  return summary.failed.length > 0 ? 1 : 0;
}
