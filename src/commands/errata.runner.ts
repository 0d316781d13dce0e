// `sheetbook errata`: after publication, what changed — a 正誤表 (PDF and CSV), replacement pages that carry the
// booklet's own page numbers, the corrected booklet marked as revised, and a record of the correction.
import { join } from 'node:path';
import { assembleBooklet, type BookletPart } from '../batch/booklet';
import { writeSheetPdfs } from '../batch/sheet-pdfs';
import { issuedOn } from '../model/city';
import { eraYearLabel, eraYearText, japaneseDate } from '../model/era';
import { displayPath } from '../model/report';
import { writePdf } from '../pdf/writer';
import { renderPages } from '../pipeline/render';
import { writeFileAtomic } from '../pipeline/write';
import { compare, errataCsv, type CurrentSheet } from '../publication/errata';
import { findRecord, sha256, sheetKey, writeRecord, type PublicationRecord } from '../publication/record';
import { OVERVIEW_TITLE, overviewPdf, overviewValues, renderOverview, summarize } from '../publication/overview';
import { printedValuesOf, renderYear } from '../publication/year';
import { selectYear } from '../batch/selection';
import { documentPdf, type Workspace } from '../pipeline/sheet';
import { createProgress } from './progress';

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
  const record = findRecord(options.dataDir, options.year ?? selectYear(options.dataDir), options.since);
  const rendered = await renderYear(
    { ...options, year: record.fiscalYear },
    log,
    (tally) => createProgress('訂正', log, tally),
    '正誤表は作りませんでした。直してから、もう一度実行してください',
  );
  if (!rendered) return undefined;
  const { year, workspace, sheets } = rendered;
  const printed = printedValuesOf(rendered);
  const summary = summarize(year, sheets.map((s) => s.project!), workspace.city);
  const overview = await rendered.cache.rendering('overview', summary, () => renderOverview(workspace, year, summary));
  const booklet = assembleBooklet(workspace, year, sheets, { only: [], departments: [] }, { after: overview, revised: options.date });
  const current: Record<string, CurrentSheet> = Object.fromEntries(
    sheets.map((s) => [sheetKey(s.entry!.number), { name: s.entry!.name, department: s.entry!.department, division: s.entry!.division, firstPage: booklet.sheetPages.get(s.entry!.number)!, values: printed.get(s.entry!.number) ?? [] }]),
  );
  const pageMap = new Map(Object.entries(current).map(([n, s]) => [n, s.firstPage!]));
  const overviewNow = { firstPage: booklet.parts.find((p) => p.name === 'overview')!.numbers[0], values: overviewValues(summary, overview) };
  const comparison = compare(record, current, pageMap, overviewNow);
  const since = `${japaneseDate(record.date)}${record.kind}`;
  if (comparison.rows.length === 0 && comparison.moved.length === 0) {
    log(`${since}の内容から、印刷される値は何も変わっていません。正誤表は作りませんでした。`);
    return { rows: 0, files: [], moved: [] };
  }

  const dir = join(options.outDir, String(year));
  const files: string[] = [];
  const write = (name: string, bytes: Buffer) => {
    const file = join(dir, name);
    writeFileAtomic(file, bytes);
    files.push(file);
    log(`作成: ${displayPath(file)}`);
  };
  write(`正誤表-${options.date}.csv`, errataCsv(comparison.rows));
  write(`正誤表-${options.date}.pdf`, errataPdf(workspace, year, options.date, comparison.rows));
  log(`正誤表: ${comparison.rows.length} 箇所（${since}と比べて、シート ${comparison.changedSheets.join('、') || 'なし'}）`);

  if (comparison.moved.length > 0) {
    log(`ページが動く変更があるため、差し替えページでは対応できません（正誤表だけを作りました）: ${comparison.moved.join('、')}`);
    log('シートの追加・削除・番号の変更は、冊子を発行し直して（data/city.yaml の発行日を改めて sheetbook publish）知らせてください。');
    return { rows: comparison.rows.length, files, moved: comparison.moved };
  }

  // Replacement pages: the changed sheets' pages, and the contents or overview pages that changed with them.
  const changed = new Set(comparison.changedSheets.map(Number));
  const replaced = booklet.parts.filter(
    (part) =>
      (typeof part.name === 'number' && changed.has(part.name)) ||
      ((part.name === 'contents' || part.name === 'overview') && part.numbers.some((n) => booklet.pageDigests[n - 1] !== record.booklet.pageDigests[n - 1])),
  );
  write(`差し替え-${options.date}.pdf`, replacementPdf(workspace, year, options.date, replaced));
  write('booklet.pdf', booklet.bytes);
  if (replaced.some((p) => p.name === 'overview')) write(`${OVERVIEW_TITLE}.pdf`, overviewPdf(workspace, year, overview));
  writeSheetPdfs(workspace, rendered.cache, sheets, options.outDir, year, log);
  log(`差し替えページ: ${replaced.flatMap((p) => p.numbers).join('、')} ページ。改訂した冊子も作りました（${japaneseDate(options.date)} 改訂）。`);

  const correction: PublicationRecord = {
    fiscalYear: year,
    kind: '訂正',
    date: options.date,
    booklet: { pages: booklet.pageCount, sha256: sha256(booklet.bytes), pageDigests: booklet.pageDigests },
    sheets: Object.fromEntries(Object.entries(current).map(([n, s]) => [n, { ...s, firstPage: s.firstPage! }])),
    overview: overviewNow,
  };
  writeRecord(options.dataDir, correction);
  log(`訂正の記録: ${displayPath(join(options.dataDir, String(year), 'published', `${options.date}.json`))}`);
  return { rows: comparison.rows.length, files, moved: [] };
}

/** The 正誤表 as a PDF: heading, date, the ruled table (templates/errata.hbs), pages numbered `1 / N`. */
function errataPdf(workspace: Workspace, year: number, date: string, rows: ReturnType<typeof compare>['rows']): Buffer {
  const { layout } = workspace.templates;
  const errata = { title: `${eraYearText(year)} ${workspace.city.documentTitle} 正誤表`, date: japaneseDate(date), rows };
  const doc = renderPages(JSON.parse(workspace.templates.errata({ layout, errata })), layout, workspace.fontSet);
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
  const result = await runErrata(options);
  return result ? 0 : 1;
}
