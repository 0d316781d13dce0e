// `sheetbook booklet`: the year's booklet, or a selection for a council session.
import { join } from 'node:path';
import { assembleBooklet, bookletFileName, isEverything, selectSheets, type Selection } from '../batch/booklet';
import { cacheFor } from '../batch/cache';
import { selectSheetFiles } from '../batch/selection';
import { UserError } from '../model/errors';
import { writeFileAtomic } from '../pipeline/write';
import { openWorkspace } from '../pipeline/sheet';
import { displayPath, formatFinding } from '../model/report';
import { processSheets } from '../batch/sheets';
import { createProgress, summaryLine, type Tally } from './progress';

export interface BookletOptions {
  year?: number;
  dataDir: string;
  outDir: string;
  selection: Selection;
}

export async function runBooklet(options: BookletOptions, log: (line: string) => void = console.log): Promise<{ file?: string; tally: Tally }> {
  const started = Date.now();
  const { only } = options.selection;
  const { year, files, excluded, duplicates } = selectSheetFiles({ dataDir: options.dataDir, year: options.year, numbers: only });

  const workspace = openWorkspace(options.dataDir);
  const tally: Tally = { built: 0, reused: 0, failed: 0 };
  for (const finding of duplicates) log(formatFinding(finding));
  tally.failed += excluded.length;
  const cache = cacheFor(workspace, options.outDir, year);
  const results = await processSheets(files, workspace, cache, createProgress('冊子', log, tally));
  if (only.length === 0) cache.prune();
  const file = join(options.outDir, String(year), bookletFileName(options.selection));
  if (tally.failed > 0) {
    log(summaryLine(`${year}年度の冊子`, tally, started));
    log(`誤りのあるシートがあるため、冊子 ${displayPath(file)} は作りませんでした（前の冊子はそのままです）。`);
    return { tally };
  }
  const chosen = selectSheets(results, options.selection);
  if (chosen.length === 0) {
    const which = options.selection.departments.map((d) => `「${d}」`).join('、');
    throw new UserError(`選んだ条件に合うシートがありません${which ? `（部: ${which}）` : ''}。部の名前はシートの department と同じに書いてください。`);
  }
  const booklet = assembleBooklet(workspace, year, chosen, options.selection);
  writeFileAtomic(file, booklet.bytes);
  log(summaryLine(`${year}年度の冊子`, tally, started));
  log(`作成: ${displayPath(file)}（${chosen.length} 事業、${booklet.pageCount} ページ${isEverything(options.selection) ? '' : '、抜粋'}）`);
  return { file, tally };
}

/** `sheetbook booklet`: exit 1 when the booklet was not made for errors in its sheets. */
export async function main(options: BookletOptions): Promise<number> {
  const result = await runBooklet(options);
  return result.file ? 0 : 1;
}
