// `sheetbook publish`: the year's sheets, booklet and overview, and a record of what was published, kept with the data.
import { join } from 'node:path';
import { assembleBooklet } from '../batch/booklet';
import { stageSheetPdfs } from '../batch/sheet-pdfs';
import { yearSettings } from '../model/city';
import { japaneseDate } from '../model/era';
import { displayPath } from '../model/report';
import { FileTransaction, removeStaleTemporaries } from '../pipeline/write';
import { checkPublication, recordFile, sha256, sheetKey, stageRecord, type PublicationRecord } from '../publication/record';
import { overviewPath, overviewPdf, overviewValues, renderOverview, overviewData } from '../publication/overview';
import { printedValuesOf, renderYear } from '../publication/year';
import { selectYear } from '../batch/selection';
import { openWorkspace } from '../pipeline/sheet';
import { checkReview, uncheckedNote } from '../publication/review-gate';
import { createProgress } from './progress';
import { announcedYear, hasIssueDate, undatedRefusal } from './target-year';

export interface PublishOptions {
  year?: number;
  dataDir: string;
  outDir: string;
  /** Publish a year in the review flow although some sheets are not 確認済 (the record says which). */
  allowUnchecked?: boolean;
}

export async function runPublish(options: PublishOptions, log: (line: string) => void = console.log): Promise<{ record?: PublicationRecord; written: boolean }> {
  // Refused before any sheet is rendered: a year without its 発行日 has no date to publish under.
  const year = selectYear(options.dataDir, options.year);
  const workspace = openWorkspace(options.dataDir);
  if (!hasIssueDate(workspace.city, year)) throw undatedRefusal(options.dataDir, year, '発行できません');
  // A year in the review flow waits for every sheet to be 確認済 (src/publication/review-gate.ts).
  const review = checkReview(options.dataDir, year, options.allowUnchecked ?? false);
  const rendered = await renderYear({ ...options, year, workspace }, log, (tally) => createProgress('発行', log, tally), '発行しませんでした（データも記録もそのままです）。直してから、もう一度実行してください');
  if (!rendered) return { written: false };
  const { cache, sheets } = rendered;
  const issueDate = yearSettings(workspace.city, year).issueDate!;
  // The 評価結果一覧: its own PDF, and the pages after the booklet's contents.
  const printed = printedValuesOf(rendered);
  const summary = overviewData(year, sheets.map((s) => s.sheet!), workspace.city);
  const overview = await rendered.cache.rendering('overview', summary, () => renderOverview(workspace, year, summary));
  const booklet = assembleBooklet(workspace, year, sheets, { only: [], departments: [] }, { after: overview });
  const bookletFile = join(options.outDir, String(year), 'booklet.pdf');

  const record: PublicationRecord = {
    fiscalYear: year,
    kind: '発行',
    date: issueDate,
    booklet: { pages: booklet.pageCount, sha256: sha256(booklet.bytes), pageDigests: booklet.pageDigests },
    sheets: Object.fromEntries(
      sheets.map((s) => [
        sheetKey(s.entry!.number),
        { name: s.entry!.name, department: s.entry!.department, division: s.entry!.division, firstPage: booklet.sheetPages.get(s.entry!.number)!, values: printed.get(s.entry!.number) ?? [] },
      ]),
    ),
    overview: { firstPage: booklet.parts.find((p) => p.name === 'overview')!.numbers[0], values: overviewValues(summary, overview) },
    ...(review ? { review } : {}),
  };
  // Refused before anything is written: a different record of this date, or a correction made since.
  const recorded = checkPublication(options.dataDir, record);

  // The sheets, the 評価結果一覧, the booklet and the record are written together or not at all.
  removeStaleTemporaries(join(options.outDir, String(year)));
  const transaction = new FileTransaction();
  const sheetPdfs = stageSheetPdfs(workspace, cache, sheets, options.outDir, year, transaction, log);
  const overviewFile = overviewPath(options.outDir, year);
  transaction.stage(overviewFile, overviewPdf(workspace, year, overview), () => log(`作成: ${displayPath(overviewFile)}`));
  transaction.stage(bookletFile, booklet.bytes, () => log(`作成: ${displayPath(bookletFile)}（${sheets.length} 事業、${booklet.pageCount} ページ）`));
  const where = displayPath(recordFile(options.dataDir, year, issueDate));
  if (!recorded) stageRecord(transaction, options.dataDir, record);
  transaction.commit();
  sheetPdfs.committed();
  const note = uncheckedNote(review);
  if (note) log(note);
  log(recorded ? `発行の記録 ${where} は既にあり、内容も同じです（何も変えていません）。` : `発行の記録: ${where}（${japaneseDate(issueDate)}発行）`);
  return { record, written: !recorded };
}

/** `sheetbook publish`: exit 1 when a sheet has an error (nothing is published). */
export async function main(options: PublishOptions): Promise<number> {
  const result = await runPublish({ ...options, year: announcedYear(options.dataDir, options.year) });
  return result.record ? 0 : 1;
}
