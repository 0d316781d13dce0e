// The text of a PDF's pages, line by line, as pdf.js extracts it — except where the content says what its text
// is (/ActualText, ISO 32000-1 14.9.4), as sheetbook does for every run that holds a full-width space: there the
// stated text is used, as the standard asks of a reader that extracts text. pdf.js reads every space glyph as a half-width space and
// ignores ActualText; it does report where marked-content sequences begin and end, and pdf-marked-content.ts
// reads what their properties say.
import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api';
import { CREATOR, PRODUCER } from '../pdf/identity';
import { markedContent, type MarkedContent } from './pdf-marked-content';
import { PdfObjects } from './pdf-objects';

/**
 * One line of a page: cells separated by tabs, and a line break the PDF states kept as `\n` in the text (at the end of
 * the cell whose text breaks there); `stated`, the ActualText of the runs on it (their spaces are known);
 * `artifact`, when all its text is drawn as an artifact (a page number, say: not content, ISO 32000-1 14.8.2.2);
 * `y`, its baseline from the top of the page, and `size`, the height of its largest glyphs (both in points).
 */
export interface PdfLine {
  text: string;
  stated: string[];
  artifact?: true;
  y: number;
  size: number;
}

/** A page's lines; `tagged` when its content is marked as the structure's (MCIDs), so that what is not is an artifact. */
export interface PdfPage {
  lines: PdfLine[];
  tagged: boolean;
}

/**
 * The text of a PDF. `fromSheetbook`: the file is one that sheetbook wrote (its Creator and Producer), unchanged
 * since (a single revision), and the marked content of every page was read. sheetbook states every run that holds
 * a full-width space (ActualText), so in such a file every other space is a half-width one.
 */
export interface PdfText {
  pages: PdfPage[];
  fromSheetbook: boolean;
}

type Item = TextItem & { stated?: string; artifact?: true };

const WHITE_SPACE = /\s/;

/**
 * The strings of `items` with `actual` put in their place, item by item, when the two hold the same characters
 * apart from white space (which is what ActualText corrects here): each item keeps its place on the page. White
 * space before the first character stays as pdf.js has it (the gap from the text before the run), then comes
 * the run's own. Undefined when the characters differ.
 */
function restate(items: TextItem[], actual: string): string[] | undefined {
  const visible = (s: string) => [...s].filter((c) => !WHITE_SPACE.test(c)).join('');
  const chars = visible(items.map((i) => i.str).join(''));
  if (chars === '' || chars !== visible(actual)) return undefined;
  // The white space of `actual` before each of its characters, and after the last.
  const before: string[] = [];
  let pending = '';
  for (const c of actual) {
    if (WHITE_SPACE.test(c)) pending += c;
    else {
      before.push(pending);
      pending = '';
    }
  }
  const out = items.map(() => '');
  let k = 0;
  let last = -1;
  items.forEach((item, i) => {
    for (const c of item.str) {
      if (WHITE_SPACE.test(c)) {
        if (k === 0) out[i] += c;
        continue;
      }
      out[i] += before[k++] + c;
      last = i;
    }
  });
  out[last] += pending;
  return out;
}

/**
 * The text items of a page, with the text of each marked-content sequence that has ActualText put in, and those
 * drawn inside an Artifact sequence marked so. `read`: whether the ActualText of the page is known — the page
 * states none (`marks` undefined), or both readers saw the same sequences.
 */
function withActualText(content: (TextItem | TextMarkedContent)[], marks: MarkedContent[] | undefined): { items: Item[]; tagged: boolean; read: boolean } {
  const items: Item[] = [];
  const begins = content.filter((i): i is TextMarkedContent => 'type' in i && i.type !== 'endMarkedContent');
  const tagOf = (b: TextMarkedContent) => (b as TextMarkedContent & { tag?: string | null }).tag ?? null;
  const mcidOf = (b: TextMarkedContent) => /_mc(\d+)$/.exec(b.id ?? '')?.[1];
  // Only when both readers saw the same sequences (tags and MCIDs) in the same order.
  const agree =
    marks !== undefined &&
    marks.length === begins.length &&
    begins.every((b, k) => {
      const mcid = mcidOf(b);
      return tagOf(b) === marks[k].tag && (mcid === undefined ? marks[k].mcid === undefined : Number(mcid) === marks[k].mcid);
    });
  let k = 0;
  let depth = 0;
  // The depths at which Artifact sequences were opened (an artifact may hold sequences of its own).
  const artifacts: number[] = [];
  const mark = (item: TextItem): Item => (artifacts.length > 0 ? { ...item, artifact: true } : item);
  // The sequence with ActualText being read: its depth, its text, the items inside.
  let open: { depth: number; actual: string; items: Item[] } | undefined;
  for (const item of content) {
    if ('type' in item) {
      if (item.type === 'endMarkedContent') {
        depth--;
        if (artifacts.at(-1) === depth) artifacts.pop();
        if (open && depth === open.depth) {
          items.push(...replace(open.items, open.actual));
          open = undefined;
        }
        continue;
      }
      const actual = agree ? marks[k].actualText?.replace(/\r\n?/g, '\n') : undefined;
      k++;
      if (tagOf(item) === 'Artifact') artifacts.push(depth);
      if (!open && actual !== undefined) open = { depth, actual, items: [] };
      depth++;
      continue;
    }
    if (open) open.items.push(mark(item));
    else items.push(mark(item));
  }
  if (open) items.push(...open.items);
  return { items, tagged: begins.some((b) => mcidOf(b) !== undefined), read: marks === undefined || agree };
}

/**
 * A line break the PDF states (sheetbook states each one its text has), while lines are put together: it is part
 * of the text, not the end of a line of the page.
 */
const STATED_BREAK = '\ue000';

/** The items of one sequence with its ActualText in their place. */
function replace(items: Item[], actual: string): Item[] {
  if (items.every((i) => i.str.trim() === '')) return items;
  const breaks = (str: string) => str.replace(/\n/g, STATED_BREAK);
  const strings = restate(items, actual);
  if (strings) return items.map((item, i) => ({ ...item, str: breaks(strings[i]), stated: actual }));
  // Other text than the glyphs show (an abbreviation's expansion, a word joined across lines): the whole text,
  // in the place of the first character; the gap before it stays.
  const first = items.findIndex((i) => i.str.trim() !== '');
  return items.map((item, i) => (i < first ? item : { ...item, str: i === first ? breaks(actual) : '', stated: actual }));
}

/**
 * Lines of text from the items, as pdf-parse 2 joins them by default (its getPageText): a line break where the
 * text moves down more than 4.6 units, a tab between items on one line more than 7 units apart.
 */
function lines(items: Item[], viewport: { convertToViewportPoint(x: number, y: number): number[] }): PdfLine[] {
  const LINE = 4.6;
  const CELL = 7;
  const pieces: { text: string; item?: Item; y?: number }[] = [];
  let lastX: number | undefined;
  let lastY: number | undefined;
  let lineHeight = 0;
  for (const item of items) {
    const [x, y] = viewport.convertToViewportPoint(item.transform[4], item.transform[5]);
    let str = item.str;
    if (lastY !== undefined && Math.abs(lastY - y) > LINE) {
      const startsLine = str.startsWith('\n') || (str.trim() === '' && item.hasEOL);
      if (pieces.at(-1)?.text.endsWith('\n') === false && !startsLine && Math.abs(lastY - y) - 1 > lineHeight) {
        pieces.push({ text: '\n' });
        lineHeight = 0;
      }
    }
    if (lastY !== undefined && Math.abs(lastY - y) < LINE && lastX !== undefined && Math.abs(lastX - x) > CELL) str = `\t${str}`;
    pieces.push({ text: str, item, y });
    lastX = x + item.width;
    lastY = y;
    lineHeight = Math.max(lineHeight, item.height);
    if (item.hasEOL) pieces.push({ text: '\n' });
    if (item.hasEOL || str.endsWith('\n')) lineHeight = 0;
  }
  const blank = (): PdfLine => ({ text: '', stated: [], y: 0, size: 0 });
  const out: PdfLine[] = [blank()];
  // Per line: whether any of its text is drawn outside an artifact.
  const content: boolean[] = [false];
  for (const { text, item, y } of pieces) {
    text.split('\n').forEach((part, i) => {
      if (i > 0) {
        out.push(blank());
        content.push(false);
      }
      const line = out[out.length - 1];
      line.text += part;
      if (!item || part.trim() === '') return;
      if (item.stated !== undefined && !line.stated.includes(item.stated)) line.stated.push(item.stated);
      if (line.size === 0) line.y = y!;
      line.size = Math.max(line.size, item.height);
      if (item.artifact) line.artifact = true;
      else content[out.length - 1] = true;
    });
  }
  out.forEach((line, i) => {
    if (content[i]) delete line.artifact;
    if (line.text.includes(STATED_BREAK)) line.text = line.text.replaceAll(STATED_BREAK, '\n');
  });
  return out;
}

/** The text of a PDF, page by page and line by line, ActualText honoured; and whether sheetbook wrote it. */
export async function readPdfText(bytes: Uint8Array): Promise<PdfText> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // A copy for pdf.js, which may take the buffer over; the file is read here too, for the marked content.
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: pdfjs.VerbosityLevel.ERRORS, isEvalSupported: false }).promise;
  let objects: PdfObjects | undefined;
  try {
    objects = new PdfObjects(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    objects = undefined;
  }
  // A file sheetbook wrote and no one has changed since (an incremental update may take ActualText away).
  let fromSheetbook = objects !== undefined && objects.revisions === 1 && objects.info('Creator') === CREATOR && objects.info('Producer') === PRODUCER;
  try {
    const pages: PdfPage[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      // Unicode normalisation would change the text as printed (it is not what the original holds).
      const content = await page.getTextContent({ includeMarkedContent: true, disableNormalization: true });
      let marks: MarkedContent[] | undefined;
      let known = objects !== undefined && page.ref !== null;
      try {
        marks = known ? markedContent(objects!, page.ref!.num) : undefined;
      } catch {
        marks = undefined;
        known = false;
      }
      const { items, tagged, read } = withActualText(content.items, marks);
      if (!known || !read) fromSheetbook = false;
      pages.push({ lines: lines(items, page.getViewport({ scale: 1 })), tagged });
      page.cleanup();
    }
    return { pages, fromSheetbook };
  } finally {
    await doc.destroy();
  }
}

/** Each page of the PDF as lines of text, ActualText honoured. */
export async function pdfPageLines(bytes: Uint8Array): Promise<PdfLine[][]> {
  return (await readPdfText(bytes)).pages.map((page) => page.lines);
}
