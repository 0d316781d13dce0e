// The text layer of a PDF read back by the two readers people use — pdf.js (Firefox, most web viewers) and poppler
// (`pdftotext -raw`) — and compared, page by page, with the strings the model puts on that page.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { japaneseDate, eraYearLabel } from '../../src/model/era';
import { formatNumber } from '../../src/model/format';
import { deriveSheetView } from '../../src/pipeline/derive';
import { checkData, type Workspace } from '../../src/pipeline/sheet';
import { printedValues, type PrintedValue } from '../../src/publication/printed';
import type { PublicationRecord } from '../../src/publication/record';
import { parseToUnicode } from './conformance';
import { readingOrder } from './expected';
import { firstOutOfOrder, parsePdf, squash } from './pdf';
import { nameOf, operators, PdfObjects, Ref, PdfString, Stream } from '../../src/interchange/pdf-objects';

export const HAS_POPPLER = spawnSync('pdftotext', ['-v']).status === 0;

/** What one page must say: strings in this order (labels and values of a form), and strings anywhere on it. */
export interface PageText {
  ordered?: string[];
  contains?: string[];
}

/**
 * `pdf.js` and `poppler` are the readers people use. `tounicode` is the file's own statement, read here without
 * either: each code shown, in content order, through its font's ToUnicode map (U+FFFD where the map has none).
 * It costs a few milliseconds, so it can read every one of hundreds of files a session writes.
 */
export type Extractor = 'pdf.js' | 'poppler' | 'tounicode';
export const PEOPLES_READERS: Extractor[] = ['pdf.js', 'poppler'];

/** Each page's text as its fonts' ToUnicode maps spell the codes it shows (no spaces, no line breaks). */
export function toUnicodePages(bytes: Buffer): string[] {
  const pdf = new PdfObjects(bytes, { exact: true });
  const maps = new Map<number, Map<number, number[]>>();
  const mapOf = (ref: Ref) => {
    let map = maps.get(ref.num);
    if (!map) {
      const cmap = pdf.get(pdf.dict(ref)?.get('ToUnicode') ?? null);
      map = cmap instanceof Stream ? parseToUnicode(pdf.decode(cmap).toString('latin1')) : new Map();
      maps.set(ref.num, map);
    }
    return map;
  };
  return pdf.pages().map(({ dict: page }) => {
    const fonts = pdf.dict(pdf.dict(page.get('Resources'))?.get('Font'));
    let map: Map<number, number[]> | undefined;
    let text = '';
    for (const { op, args } of operators(pdf.content(page))) {
      if (op === 'Tf') {
        const ref = fonts?.get(nameOf(args[0]) ?? '');
        map = ref instanceof Ref ? mapOf(ref) : undefined;
      } else if (op === 'Tj' || op === 'TJ' || op === "'" || op === '"') {
        for (const s of args.flatMap((a) => (Array.isArray(a) ? a : [a])).filter((a): a is PdfString => a instanceof PdfString)) {
          for (let i = 0; i + 1 < s.bytes.length; i += 2) {
            const units = map?.get(s.bytes.readUInt16BE(i));
            text += units ? String.fromCharCode(...units) : '\ufffd';
          }
        }
      }
    }
    return text;
  });
}

/** Each page's text, as poppler's `pdftotext -raw` gives it (content-stream order). */
export function popplerPages(file: string): string[] {
  const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const pages = text.split('\f');
  if (pages.at(-1) === '') pages.pop();
  return pages;
}

/** Counts for the report: how many PDFs, pages and strings were read back, by each reader. */
export class TextLayerTally {
  pdfs = 0;
  pages = 0;
  /** Expected strings per reader (a string checked by both readers counts once here). */
  strings = 0;
  readonly files = new Map<string, number>();
  /** Expected strings, by kind of PDF. */
  readonly stringsOf = new Map<string, number>();
  /** PDFs read by each reader. */
  readonly reads = new Map<Extractor, number>();

  summary(): string {
    const kinds = [...this.files.entries()].map(([k, n]) => `${k} ${n} (${this.stringsOf.get(k) ?? 0} strings)`).join(', ');
    const reads = [...this.reads.entries()].map(([k, n]) => `${k} ${n}`).join(', ');
    return `text layer: ${this.pdfs} PDFs (${kinds}), ${this.pages} pages, ${this.strings} expected strings; PDFs read by ${reads}`;
  }
}

/**
 * Read `file` back with both readers and compare each page with `expected` (indexed by page, 0-based; pages
 * without an entry are not compared). Returns every difference, as lines a person can read; [] when all is there.
 */
export async function compareTextLayer(
  tally: TextLayerTally,
  kind: string,
  file: string,
  expected: (PageText | undefined)[],
  { pageCount = expected.length, readers: which = PEOPLES_READERS, bytes }: { pageCount?: number; readers?: Extractor[]; bytes?: Buffer } = {},
): Promise<string[]> {
  const problems: string[] = [];
  const content = bytes ?? readFileSync(file);
  const readers: [Extractor, string[]][] = [];
  if (which.includes('pdf.js')) readers.push(['pdf.js', (await parsePdf(content)).pages]);
  if (which.includes('poppler') && HAS_POPPLER) readers.push(['poppler', popplerPages(file)]);
  if (which.includes('tounicode')) readers.push(['tounicode', toUnicodePages(content)]);
  tally.pdfs++;
  tally.files.set(kind, (tally.files.get(kind) ?? 0) + 1);
  tally.pages += pageCount;
  for (const [reader] of readers) tally.reads.set(reader, (tally.reads.get(reader) ?? 0) + 1);
  let strings = 0;
  expected.forEach((page) => (strings += (page?.ordered?.length ?? 0) + (page?.contains?.length ?? 0)));
  tally.strings += strings;
  tally.stringsOf.set(kind, (tally.stringsOf.get(kind) ?? 0) + strings);
  for (const [reader, pages] of readers) {
    const where = (p: number) => `${file} page ${p + 1} (${reader})`;
    if (pages.length !== pageCount) problems.push(`${file} (${reader}): ${pages.length} pages, expected ${pageCount}`);
    expected.forEach((want, p) => {
      if (!want) return;
      const text = pages[p] ?? '';
      const unmapped = text.indexOf('\ufffd');
      if (unmapped >= 0) problems.push(`${where(p)}: U+FFFD in ${JSON.stringify(text.slice(Math.max(0, unmapped - 20), unmapped + 20))}`);
      const missing = firstOutOfOrder(text, want.ordered ?? []);
      if (missing) problems.push(`${where(p)}: missing or out of order ${JSON.stringify(missing.needle)}; near ${JSON.stringify(nearest(text, missing.needle))}`);
      const squashed = squash(text);
      for (const s of want.contains ?? []) {
        if (!squashed.includes(squash(s))) problems.push(`${where(p)}: missing ${JSON.stringify(s)}; near ${JSON.stringify(nearest(text, s))}`);
      }
    });
  }
  return problems;
}

/** The stretch of `text` that starts most like `needle` (for a readable failure). */
function nearest(text: string, needle: string): string {
  const t = squash(text);
  const n = squash(needle);
  for (let len = Math.min(n.length, 12); len > 0; len--) {
    const at = t.indexOf(n.slice(0, len));
    if (at >= 0) return t.slice(at, at + n.length + 4);
  }
  return '';
}

/** The form's section headings on each page of a sheet. */
const HEADINGS = [
  ['事業の基本情報', '事業の概要', 'コストの推移', '市民参加の取組状況'],
  ['指標の推移', '事業の成果と課題', '評価', '方向性'],
];

/**
 * A sheet's two pages as the model prints them: the form's labels and values in reading order (test/helpers/
 * expected.ts, worked out from the YAML alone) and every printed value of the model (src/publication/printed.ts), on
 * the page it belongs to. Page numbers (`1 / 2`) are left out: a booklet numbers its pages otherwise.
 */
export function sheetPageTexts(file: string, workspace: Workspace): PageText[] {
  const order = readingOrder(parse(readFileSync(file, 'utf8')));
  const split = order.indexOf('1 / 2');
  const ordered = [order.slice(0, split), order.slice(split + 1).filter((s) => s !== '2 / 2')];
  const checked = checkData(file, workspace);
  if (!checked.sheet) throw new Error(`${file}: ${checked.findings.map((f) => f.message).join('; ')}`);
  const values = printedValues(deriveSheetView(checked.sheet, workspace.city));
  return [0, 1].map((p) => ({
    ordered: ordered[p],
    contains: [...HEADINGS[p], ...values.filter((v) => v.page === p + 1).map((v) => v.text)],
  }));
}

/**
 * The 評価結果一覧's pages: its title and headings, and every value the model prints of it (as a publication record
 * keeps them: src/publication/overview.ts, overviewValues), each on its page.
 */
export function overviewPageTexts(year: number, values: PrintedValue[], workspace: Workspace, pageCount: number): PageText[] {
  return Array.from({ length: pageCount }, (_, p) => ({
    contains: [
      ...(p === 0 ? [`${eraYearLabel(year)} 評価結果一覧`, workspace.city.name, '方向性別の事業数', '方向性の内訳', '部別のトータルコスト'] : []),
      ...values.filter((v) => v.page === p + 1).map((v) => v.text),
      // The list names each project on the page of its row.
      ...values.filter((v) => v.page === p + 1 && v.place[2] === '方向性').map((v) => v.place[1]),
    ],
  }));
}

/** The 評価結果一覧 of a publication record: its values, and the pages they take. */
export function recordedOverview(record: PublicationRecord): { values: PrintedValue[]; pages: number } {
  const values = record.overview!.values;
  return { values, pages: Math.max(...values.map((v) => v.page)) };
}

export interface BookletPlan {
  year: number;
  /** The sheets in the booklet, with their YAML files, in number order. */
  sheets: { number: number; file: string; name: string; department: string; division: string }[];
  pageCount: number;
  /**
   * With the 評価結果一覧 after the contents (the year's booklet): its first page, its values and its pages (without
   * them, its first page is checked for its headings, and its pages are the ones before the first sheet).
   */
  overview?: { firstPage: number; values?: PrintedValue[]; pages?: number };
  /** YYYY-MM-DD of the correction it carries (a revised booklet). */
  revised?: string;
  selection?: boolean;
}

/**
 * Every page of a booklet: the cover, the contents (each 部, 課, project), the 評価結果一覧, each sheet on its own
 * pages (the sheets are always last, two pages each), and the blank pages.
 */
export function bookletPageTexts(plan: BookletPlan, workspace: Workspace): (PageText | undefined)[] {
  const pages: (PageText | undefined)[] = new Array(plan.pageCount);
  const issue = workspace.city.years[String(plan.year)]?.issueDate;
  pages[0] = {
    ordered: [
      `${eraYearLabel(plan.year)} ${workspace.city.documentTitle}`,
      ...(plan.selection ? ['（抜粋）'] : []),
      workspace.city.name,
      ...(issue ? [`${japaneseDate(issue)}発行`] : []),
      ...(plan.revised ? [`${japaneseDate(plan.revised)} 改訂`] : []),
    ],
  };
  pages[1] = { ordered: ['（白紙）'] };
  const firstSheet = plan.pageCount - 2 * plan.sheets.length + 1;
  const contentsEnd = (plan.overview?.firstPage ?? firstSheet) - 1;
  // The contents: 部 › 課 › `087 情報化推進事業` and its page, in order (on one page for a handful of sheets).
  const contents: string[] = ['目次'];
  let department = '';
  let division = '';
  plan.sheets.forEach((s, k) => {
    if (s.department !== department) contents.push((department = s.department));
    if (s.division !== division) contents.push((division = s.division));
    contents.push(`${formatNumber(s.number)} ${s.name}`, String(firstSheet + 2 * k));
  });
  pages[2] = { ordered: contents };
  for (let p = 4; p <= contentsEnd; p++) pages[p - 1] = p === contentsEnd && p % 2 === 0 ? { ordered: ['（白紙）'] } : undefined;
  if (plan.overview) {
    const { firstPage, values = [], pages: count } = plan.overview;
    overviewPageTexts(plan.year, values, workspace, count ?? 1).forEach((page, i) => (pages[firstPage - 1 + i] = page));
    if (count !== undefined && count % 2 === 1) pages[firstPage - 1 + count] = { ordered: ['（白紙）'] };
  }
  plan.sheets.forEach((s, k) => {
    const [one, two] = sheetPageTexts(s.file, workspace);
    pages[firstSheet - 1 + 2 * k] = one;
    pages[firstSheet + 2 * k] = two;
  });
  return pages;
}
