// `sheetbook errata`: after publication, what changed — a 正誤表 (PDF and CSV), replacement pages that carry the
// booklet's own page numbers, the corrected booklet marked as revised, and a record of the correction.
import { join } from 'node:path';
import { assembleBooklet, type BookletPart } from '../batch/booklet';
import { stageSheetPdfs } from '../batch/sheet-pdfs';
import { issuedOn, yearSettings } from '../model/city';
import { eraYearLabel, eraYearText, japaneseDate } from '../model/era';
import { displayPath } from '../model/report';
import { writePdf } from '../pdf/writer';
import { renderPages } from '../pipeline/render';
import { FileTransaction, removeStaleTemporaries } from '../pipeline/write';
import { compare, errataCsv, type CurrentSheet } from '../publication/errata';
import { checkCorrectionDate, recordToCorrect, sha256, sheetKey, stageRecord, type PublicationRecord } from '../publication/record';
import { OVERVIEW_TITLE, overviewPdf, overviewValues, renderOverview, overviewData } from '../publication/overview';
import { printedValuesOf, renderYear } from '../publication/year';
import { restatementsOf } from '../pipeline/check-last-year';
import { selectYear } from '../batch/selection';
import { documentPdf, openWorkspace, type Workspace } from '../pipeline/sheet';
import { createProgress } from './progress';
import { announcedYear, undatedRefusal } from './target-year';

export interface ErrataOptions {
  year?: number;
  /** The record to compare with (its date); the latest when absent. */
  since?: string;
  /** YYYY-MM-DD: the date of this correction, printed on the 正誤表 and the replacement pages. */
  date: string;
  dataDir: string;
  outDir: string;
}

export interface ErrataResult {
  rows: number;
  files: string[];
  /** Sheets that moved pages: replacement pages cannot carry them. */
  moved: string[];
}

export async function runErrata(options: ErrataOptions, log: (line: string) => void = console.log): Promise<ErrataResult | undefined> {
  // Everything that can refuse the correction is checked before anything is written: the record, the date.
  const fiscalYear = options.year ?? selectYear(options.dataDir);
  const record = recordToCorrect(options.dataDir, fiscalYear, options.date, options.since);
  const workspace = openWorkspace(options.dataDir);
  const issueDate = yearSettings(workspace.city, fiscalYear).issueDate;
  // The revised booklet and the replacement pages carry the 発行日 (cover, PDF dates): none, no correction.
  if (!issueDate) throw undatedRefusal(options.dataDir, fiscalYear, '訂正できません');
  checkCorrectionDate(options.date, { date: issueDate, what: `発行日（${join(options.dataDir, 'city.yaml')}）` });
  const rendered = await renderYear(
    { ...options, year: record.fiscalYear, workspace },
    log,
    (tally) => createProgress('訂正', log, tally),
    '正誤表は作りませんでした。直してから、もう一度実行してください',
  );
  if (!rendered) return undefined;
  const { year, sheets } = rendered;
  const printed = printedValuesOf(rendered);
  const summary = overviewData(year, sheets.map((s) => s.sheet!), workspace.city);
  const overview = await rendered.cache.rendering('overview', summary, () => renderOverview(workspace, year, summary));
  const booklet = assembleBooklet(workspace, year, sheets, { only: [], departments: [] }, { after: overview, revised: options.date });
  const current: Record<string, CurrentSheet> = Object.fromEntries(
    sheets.map((s) => [
      sheetKey(s.entry!.number),
      { name: s.entry!.name, department: s.entry!.department, division: s.entry!.division, firstPage: booklet.sheetPages.get(s.entry!.number)!, values: printed.get(s.entry!.number) ?? [], reasons: restatementReasons(s.sheet) },
    ]),
  );
  const pageMap = new Map(Object.entries(current).map(([n, s]) => [n, s.firstPage!]));
  const overviewNow = { firstPage: booklet.parts.find((p) => p.name === 'overview')!.numbers[0], values: overviewValues(summary, overview) };
  const comparison = compare(record, current, pageMap, overviewNow);
  const since = `${japaneseDate(record.date)}${record.kind}`;
  const movedLines = [
    `ページが動く変更があるため、差し替えページでは対応できません${comparison.rows.length > 0 ? '（正誤表だけを作りました）' : ''}: ${comparison.moved.join('、')}`,
    'シートの追加・削除・番号の変更は、冊子を発行し直して（data/city.yaml の発行日を改めて sheetbook publish）知らせてください。',
  ];
  if (comparison.rows.length === 0) {
    log(`${since}の内容から、印刷される値は何も変わっていません。正誤表は作りませんでした。`);
    if (comparison.moved.length > 0) movedLines.forEach((line) => log(line));
    return { rows: 0, files: [], moved: comparison.moved };
  }

  // All the files of the correction, with its record, are written together or not at all.
  const dir = join(options.outDir, String(year));
  removeStaleTemporaries(dir);
  const transaction = new FileTransaction();
  const files: string[] = [];
  const stage = (name: string, bytes: Buffer) => {
    const file = join(dir, name);
    transaction.stage(file, bytes, () => log(`作成: ${displayPath(file)}`));
    files.push(file);
  };
  const rowsLine = `正誤表: ${comparison.rows.length} 箇所（${since}と比べて、シート ${comparison.changedSheets.join('、') || 'なし'}）`;
  stage(`正誤表-${options.date}.csv`, errataCsv(comparison.rows));
  stage(`正誤表-${options.date}.pdf`, errataPdf(workspace, year, options.date, comparison.rows));

  if (comparison.moved.length > 0) {
    // Only the 正誤表 is issued: the printed booklet stays as it was, and the record says so (its pages, the values
    // now corrected), so that the next correction does not issue these rows again.
    const correction: PublicationRecord = {
      ...record,
      kind: '訂正',
      date: options.date,
      sheets: Object.fromEntries(Object.entries(record.sheets).map(([n, s]) => [n, current[n] ? { ...s, values: current[n].values } : s])),
      overview: record.overview && record.overview.firstPage === overviewNow.firstPage ? { firstPage: record.overview.firstPage, values: overviewNow.values } : record.overview,
    };
    const recordFile = stageRecord(transaction, options.dataDir, correction);
    transaction.commit();
    log(rowsLine);
    movedLines.forEach((line) => log(line));
    log(`訂正の記録: ${displayPath(recordFile)}（正誤表だけの訂正）`);
    return { rows: comparison.rows.length, files, moved: comparison.moved };
  }

  // Replacement pages: the changed sheets' pages, and the contents or overview pages that changed with them.
  const changed = new Set(comparison.changedSheets.map(Number));
  const replaced = booklet.parts.filter(
    (part) =>
      (typeof part.name === 'number' && changed.has(part.name)) ||
      ((part.name === 'contents' || part.name === 'overview') && part.numbers.some((n) => booklet.pageDigests[n - 1] !== record.booklet.pageDigests[n - 1])),
  );
  stage(`差し替え-${options.date}.pdf`, replacementPdf(workspace, year, options.date, replaced));
  stage('booklet.pdf', booklet.bytes);
  if (replaced.some((p) => p.name === 'overview')) stage(`${OVERVIEW_TITLE}.pdf`, overviewPdf(workspace, year, overview));
  const sheetPdfs = stageSheetPdfs(workspace, rendered.cache, sheets, options.outDir, year, transaction, log);

  const correction: PublicationRecord = {
    fiscalYear: year,
    kind: '訂正',
    date: options.date,
    booklet: { pages: booklet.pageCount, sha256: sha256(booklet.bytes), pageDigests: booklet.pageDigests },
    sheets: Object.fromEntries(Object.entries(current).map(([n, { reasons, ...s }]) => [n, { ...s, firstPage: s.firstPage! }])),
    overview: overviewNow,
  };
  const recordFile = stageRecord(transaction, options.dataDir, correction);
  transaction.commit();
  sheetPdfs.committed();
  log(rowsLine);
  log(`差し替えページ: ${replaced.flatMap((p) => p.numbers).join('、')} ページ。改訂した冊子も作りました（${japaneseDate(options.date)} 改訂）。`);
  log(`訂正の記録: ${displayPath(recordFile)}`);
  return { rows: comparison.rows.length, files, moved: [] };
}

/** A sheet's restatements, reason by value key (`costs.settled.2020`), as the 正誤表 shows them. */
function restatementReasons(sheet: unknown): Record<string, string> | undefined {
  const reasons = Object.fromEntries([...restatementsOf(sheet)].map(([key, r]) => [key, r.reason]));
  return Object.keys(reasons).length > 0 ? reasons : undefined;
}

/** The 正誤表 as a PDF: heading, date, the ruled table (templates/errata.hbs), pages numbered `1 / N`. */
function errataPdf(workspace: Workspace, year: number, date: string, rows: ReturnType<typeof compare>['rows']): Buffer {
  const { layout } = workspace.templates;
  // A restated value says why, under its new value.
  const shown = rows.map((r) => (r.reason ? { ...r, after: [...r.after, { text: `\n（理由: ${r.reason}）` }] } : r));
  const errata = { title: `${eraYearText(year)} ${workspace.city.documentTitle} 正誤表`, date: japaneseDate(date), rows: shown };
  const doc = renderPages(workspace.templates.errata({ layout, errata }), layout, workspace.fontSet);
  const info = { title: errata.title, author: workspace.city.name, subject: `${errata.title}（${errata.date}）` };
  return documentPdf(workspace, doc, info, new Date(`${date}T00:00:00+09:00`));
}

/** The replaced pages exactly as the corrected booklet places them (page numbers, binding shift), each marked. */
function replacementPdf(workspace: Workspace, year: number, date: string, parts: BookletPart[]): Buffer {
  const { layout } = workspace.templates;
  const mark = `${japaneseDate(date)} 差し替え`;
  const title = `${eraYearLabel(year)} ${workspace.city.documentTitle} 差し替えページ`;
  return writePdf(
    {
      // Each page keeps its booklet page number (its label in a viewer too); its structure is its part's.
      pages: parts.flatMap((p, index) => p.pages.map((placed) => ({ ...placed, part: index, mark }))),
      glyphs: parts.map((p) => p.glyphs),
      structures: parts.map((p) => p.structure),
      info: { title, author: workspace.city.name, subject: `${title}（${mark}、${parts.flatMap((p) => p.numbers).join('・')} ページ）` },
      lang: 'ja',
      creationDate: issuedOn(workspace.city, year),
      pageNumber: { font: workspace.fontSet.fonts[0].id, fontSize: layout.page.number.fontSize, bottom: layout.page.number.bottom },
    },
    workspace.fontSet,
  );
}

/** `sheetbook errata`: exit 1 when a sheet has an error (nothing is written). */
export async function main(options: ErrataOptions): Promise<number> {
  const result = await runErrata({ ...options, year: announcedYear(options.dataDir, options.year) });
  return result ? 0 : 1;
}
