// `sheetbook publish`: the year's sheets, booklet and overview, and a record of what was published, kept with the data.
import { join } from 'node:path';
import { assembleBooklet } from '../batch/booklet';
import { writeSheetPdfs } from '../batch/sheet-pdfs';
import { yearSettings } from '../model/city';
import { eraYearText, japaneseDate } from '../model/era';
import { UserError } from '../model/errors';
import { displayPath } from '../model/report';
import { writeFileAtomic } from '../pipeline/write';
import { recordsDir, sha256, sheetKey, writeRecord, type PublicationRecord } from '../publication/record';
import { overviewValues, renderOverview, summarize, writeOverview } from '../publication/overview';
import { printedValuesOf, renderYear } from '../publication/year';
import { createProgress } from './progress';

export interface PublishOptions {
  year?: number;
  dataDir: string;
  outDir: string;
}

export async function runPublish(options: PublishOptions, log: (line: string) => void = console.log): Promise<{ record?: PublicationRecord; written: boolean }> {
  const rendered = await renderYear(options, log, (tally) => createProgress('発行', log, tally), '発行しませんでした（データも記録もそのままです）。直してから、もう一度実行してください');
  if (!rendered) return { written: false };
  const { year, workspace, cache, sheets } = rendered;
  const issueDate = yearSettings(workspace.city, year).issueDate;
  if (!issueDate) {
    throw new UserError(`${eraYearText(year)}の発行日が ${join(options.dataDir, 'city.yaml')} にありません。years: の下に「${year}: {issueDate: YYYY-MM-DD}」を書いてください。`);
  }
  writeSheetPdfs(workspace, cache, sheets, options.outDir, year, log);
  // The 評価結果一覧: its own PDF, and the pages after the booklet's contents.
  const printed = printedValuesOf(rendered);
  const summary = summarize(year, sheets.map((s) => s.project!), workspace.city);
  const overview = await rendered.cache.rendering('overview', summary, () => renderOverview(workspace, year, summary));
  log(`作成: ${displayPath(writeOverview(workspace, year, overview, options.outDir))}`);
  const booklet = assembleBooklet(workspace, year, sheets, { only: [], departments: [] }, { after: overview });
  const bookletFile = join(options.outDir, String(year), 'booklet.pdf');
  writeFileAtomic(bookletFile, booklet.bytes);
  log(`作成: ${displayPath(bookletFile)}（${sheets.length} 事業、${booklet.pageCount} ページ）`);

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
  };
  const written = writeRecord(options.dataDir, record);
  const where = displayPath(join(recordsDir(options.dataDir, year), `${issueDate}.json`));
  log(written ? `発行の記録: ${where}（${japaneseDate(issueDate)}発行）` : `発行の記録 ${where} は既にあり、内容も同じです（何も変えていません）。`);
  return { record, written };
}

/** `sheetbook publish`: exit 1 when a sheet has an error (nothing is published). */
export async function main(options: PublishOptions): Promise<number> {
  const result = await runPublish(options);
  return result.record ? 0 : 1;
}
