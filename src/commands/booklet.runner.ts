// `sheetbook booklet`: the year's booklet, or a selection for a council session.
import { join } from 'node:path';
import { assembleBooklet, bookletFileName, isEverything, type Selection } from '../batch/booklet';
import { cacheFor, type RenderCache } from '../batch/cache';
import { chooseDepartments, selectSheetFiles } from '../batch/selection';
import type { SheetResult } from '../batch/sheet-job';
import { outputPathFor, sheetFiles } from '../model/data-folder';
import { formatNumber } from '../model/format';
import { renderOverview, overviewData } from '../publication/overview';
import { writeFileAtomic } from '../pipeline/write';
import { openWorkspace, type Workspace } from '../pipeline/sheet';
import { displayPath, formatFinding } from '../model/report';
import { processSheets, type Progress } from '../batch/sheets';
import { createProgress, summaryLine, type Tally } from './progress';
import { announcedYear, hasIssueDate, undatedRefusal } from './target-year';

export interface BookletOptions {
  year?: number;
  dataDir: string;
  outDir: string;
  selection: Selection;
}

/** What a caller that keeps things open between runs (watch) hands over. */
export interface BookletContext {
  /** An open workspace of options.dataDir, instead of opening one. */
  workspace?: Workspace;
  /** The progress shown while the sheets are gathered, instead of the usual one. */
  progress?: (tally: Tally) => Progress;
}

export async function runBooklet(options: BookletOptions, log: (line: string) => void = console.log, context: BookletContext = {}): Promise<{ file?: string; tally: Tally }> {
  const started = Date.now();
  const { only, departments } = options.selection;
  const picked = selectSheetFiles({ dataDir: options.dataDir, year: options.year, numbers: only });
  const { year } = picked;
  const everything = isEverything(options.selection);
  // A selection depends only on the sheets it holds: a 部 is chosen before anything is checked.
  let files = picked.all;
  if (departments.length > 0) {
    const choice = chooseDepartments(picked.all, departments, sheetFiles(options.dataDir, year), only);
    for (const file of choice.unreadable) log(`${displayPath(file)}: 読み取れないため、どの部のシートか分かりません（この抜粋には入りません）。`);
    files = choice.files;
  }
  const refused = picked.refused.filter((d) => files.includes(d.file));
  files = files.filter((f) => !picked.excluded.includes(f));

  const workspace = context.workspace ?? openWorkspace(options.dataDir);
  // A booklet's cover and its PDF carry the year's 発行日: without one there is nothing true to print.
  if (!hasIssueDate(workspace.city, year)) throw undatedRefusal(options.dataDir, year, '冊子は作りません');
  const tally: Tally = { built: 0, reused: 0, failed: refused.length };
  for (const finding of [...picked.ignored, ...refused]) log(formatFinding(finding));
  const cache = cacheFor(workspace, options.outDir, year);
  const results = await processSheets(files, workspace, cache, (context.progress ?? ((t) => createProgress('冊子', log, t)))(tally));
  if (everything) cache.prune();
  const file = join(options.outDir, String(year), bookletFileName(options.selection));
  const failed = [...refused.map((d) => ({ file: d.file, line: d.line })), ...results.filter((r) => !r.rendered).map((r) => ({ file: r.file, line: r.findings.find((f) => f.severity === 'error')?.line ?? 1 }))];
  if (failed.length > 0) {
    log(summaryLine(`${year}年度の冊子`, tally, started));
    log(`誤りのあるシートが ${failed.length} 件あるため、冊子 ${displayPath(file)} は作りませんでした（前の冊子はそのままです）: ${failed.map((f) => `${displayPath(f.file)}:${f.line}`).join('、')}`);
    if (everything) log('直すまでの間も、ほかのシートの抜粋は --only か --department で作れます（例: sheetbook booklet --department 総務部）。');
    return { tally };
  }
  const chosen = results.filter((r) => r.entry);
  // The year's booklet holds the 評価結果一覧 after its contents, as the published one does (same page numbers);
  // a council selection does not. Its rendering is kept by its figures, so a correction of a text costs nothing here.
  const summary = everything ? overviewData(year, chosen.map((r) => r.sheet!), workspace.city) : undefined;
  const overview = summary ? await cache.rendering('overview', summary, () => renderOverview(workspace, year, summary)) : undefined;
  const booklet = assembleBooklet(workspace, year, chosen, options.selection, { after: overview });
  writeFileAtomic(file, booklet.bytes);
  log(summaryLine(`${year}年度の冊子`, tally, started));
  log(`作成: ${displayPath(file)}（${chosen.length} 事業、${booklet.pageCount} ページ${everything ? '' : '、抜粋'}）`);
  for (const line of stalePdfLines(chosen, cache, options.outDir, year)) log(line);
  return { file, tally };
}

/**
 * The booklet holds every sheet as its data says now; a sheet's own PDF may be older (booklet does not rewrite
 * them). Say which, and how to bring them in step.
 */
function stalePdfLines(results: SheetResult[], cache: RenderCache, outDir: string, year: number): string[] {
  const stale = results.filter((r) => r.key && r.entry && !cache.inStep(outputPathFor(outDir, year, r.entry.number), r.key)).map((r) => r.entry!.number);
  if (stale.length === 0) return [];
  const names = stale.slice(0, 10).map((n) => displayPath(outputPathFor(outDir, year, n)));
  const more = stale.length > 10 ? ` ほか ${stale.length - 10} 件` : '';
  const numbers = stale.length <= 10 ? ` ${stale.map(formatNumber).join(' ')}` : '';
  return [`シートごとの PDF ${stale.length} 件は、まだないか、データより古いままです: ${names.join('、')}${more}。「sheetbook build${numbers}」で冊子と同じ内容にそろいます。`];
}

/** `sheetbook booklet`: exit 1 when the booklet was not made for errors in its sheets. */
export async function main(options: BookletOptions): Promise<number> {
  const result = await runBooklet({ ...options, year: announcedYear(options.dataDir, options.year) });
  return result.file ? 0 : 1;
}
