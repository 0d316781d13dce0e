// Where each box prints, read from the templates: the cell that prints `{{> box value=…}}` carries the box's name
// (`sheetbookBox`, from templates/partials/box.hbs), so the template's cell order is the one place that says which
// table and columns a box fills. The fit stage needs each box's text width before anything is laid out: the sheet,
// the booklet's contents and the 評価結果一覧 are laid out once, with a made-up input, and their cells read here.
import type { CityData } from '../model/city';
import { UserError } from '../model/errors';
import { sampleSheet } from '../model/form';
import type { InlineRun } from '../model/line-breaking';
import type { DocDefinition } from '../pdf/pdfmake';
import { deriveSheetView, type TextBox } from './derive';
import type { LayoutSpec, Templates } from './layout';

/** A box's place: the text width of its columns, and of the whole cell it sits in (wider when it shares the cell). */
export interface BoxPlace {
  width: number;
  cell: number;
  /** The template that prints it (for messages). */
  template: string;
}

export type BoxPlaces = Map<string, BoxPlace>;

/** The key box.hbs adds to a cell it fills (pdfmake ignores keys it does not know). */
export const BOX_MARK = 'sheetbookBox';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Boxes marked anywhere inside a value (a box set inside a cell's `columns`, beside other text). */
function marksWithin(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) marksWithin(v, found);
  else if (isNode(value)) {
    if (typeof value[BOX_MARK] === 'string') found.push(value[BOX_MARK] as string);
    // A table inside the cell places its own boxes.
    for (const [key, v] of Object.entries(value)) if (key !== 'table') marksWithin(v, found);
  }
  return found;
}

/**
 * Every marked cell of a document definition, with the width of its text: the widths of its columns
 * `[c, c + colSpan)`, plus the padding and rules between them. A box set inside a cell beside other text (the
 * contents' name, before its leader dots and page number) takes the cell's first column: the rest is kept for what
 * follows it. The same box in several cells must have one width.
 */
export function boxPlaces(doc: DocDefinition, layout: LayoutSpec, template: string, places: BoxPlaces = new Map()): BoxPlaces {
  const place = (box: string, width: number, cell: number) => {
    const seen = places.get(box);
    if (seen && (Math.abs(seen.width - width) > 1e-6 || Math.abs(seen.cell - cell) > 1e-6)) {
      throw new UserError(`${template}: 枠「${box}」が幅の違う欄に置かれています（${round(seen.width)}pt と ${round(width)}pt）。同じ枠は同じ幅の欄に置いてください。`);
    }
    places.set(box, { width, cell, template });
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isNode(value)) return;
    const table = value.table;
    if (isNode(table) && Array.isArray(table.body) && Array.isArray(table.widths)) {
      const widths = table.widths as number[];
      const ruling = layout.tableLayouts[String(value.layout)];
      if (!ruling) throw new UserError(`${template}: 表の罫線「${String(value.layout)}」が templates/layout.yaml の tableLayouts にありません。`);
      const between = ruling.padding[0] + ruling.padding[2] + ruling.lineWidth;
      const span = (c: number, n: number) => widths.slice(c, c + n).reduce((sum, w) => sum + w, 0) + (n - 1) * between;
      for (const row of table.body as unknown[][]) {
        // A row holds one entry per column: a spanned column's entry is a placeholder `{}`.
        row.forEach((cell, c) => {
          if (!isNode(cell)) return;
          const n = typeof cell.colSpan === 'number' ? cell.colSpan : 1;
          const whole = span(c, n);
          if (typeof cell[BOX_MARK] === 'string') place(cell[BOX_MARK] as string, whole, whole);
          else for (const box of marksWithin(cell)) place(box, span(c, 1), whole);
          visit(cell);
        });
      }
      return;
    }
    for (const v of Object.values(value)) visit(v);
  };
  visit(doc);
  return places;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A box "fitted" without measuring: its text as one run at the body size (only its place is wanted). */
function asIs(layout: LayoutSpec, box: string, text = '見本'): TextBox & { fontSize: number; characterSpacing: number; runs: InlineRun[] } {
  return { box, text, field: [], fontSize: layout.fontSize.body, characterSpacing: 0, runs: [text] };
}

function fittedAsIs(value: unknown, layout: LayoutSpec): unknown {
  if (Array.isArray(value)) return value.map((v) => fittedAsIs(v, layout));
  if (!isNode(value)) return value;
  if ('box' in value && 'text' in value) return asIs(layout, (value as unknown as TextBox).box, (value as unknown as TextBox).text);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fittedAsIs(v, layout)]));
}

/** The sheet laid out with a made-up sheet (model/form.ts sampleSheet). */
function sheetDefinition(templates: Templates, city: CityData): DocDefinition {
  const view = fittedAsIs(deriveSheetView(sampleSheet(), city), templates.layout);
  return templates.sheet({ sheet: view, city, layout: templates.layout });
}

/** The contents with one 部, one 課 and one sheet (the context src/batch/booklet.ts gives it). */
function tocDefinition(templates: Templates): DocDefinition {
  const { layout } = templates;
  const rows = [
    { kind: 'department', title: asIs(layout, 'tocDepartment'), continued: false, height: layout.booklet.toc.department.height, tag: 'TOCI' },
    { kind: 'division', title: asIs(layout, 'tocDivision'), continued: false, height: layout.booklet.toc.division.height, tag: 'TOCI' },
    { kind: 'sheet', number: '001', name: asIs(layout, 'tocName'), leader: { text: '', characterSpacing: 0 }, page: '5', height: layout.booklet.toc.sheet.height, tag: 'TOCI' },
  ];
  return templates.booklet.toc({ layout, pages: [{ rows }] });
}

/** The 評価結果一覧 with one 部 and one project (the context src/publication/overview.ts gives it). */
function overviewDefinition(templates: Templates): DocDefinition {
  const { layout } = templates;
  const tally = { counts: ['1'], projects: '1' };
  const chart = { svg: '<svg xmlns="http://www.w3.org/2000/svg"/>', width: 100, alt: '', parts: '' };
  const context = {
    layout,
    title: '評価結果一覧',
    city: '見本市',
    directions: ['見本'],
    evaluationItems: ['見本'],
    counts: { rows: [{ department: asIs(layout, 'overviewDepartment'), ...tally }], total: tally },
    charts: { direction: chart, cost: chart },
    list: {
      rows: [{ number: '001', name: asIs(layout, 'overviewName'), unit: asIs(layout, 'overviewUnit'), direction: '見本', scores: ['1'], total: '1' }],
      total: '1',
      totalSpan: 1,
      spanned: [],
    },
  };
  return templates.overview(context);
}

/**
 * Every box's place, from the sheet, the contents and the 評価結果一覧 laid out once; and the check that every box
 * of layout.yaml's `boxes:` is printed by some cell and every marked cell's box is in `boxes:`.
 */
export function findBoxPlaces(templates: Templates, city: CityData): BoxPlaces {
  const places: BoxPlaces = new Map();
  boxPlaces(sheetDefinition(templates, city), templates.layout, 'templates/sheet.hbs', places);
  boxPlaces(tocDefinition(templates), templates.layout, 'templates/booklet-toc.hbs', places);
  boxPlaces(overviewDefinition(templates), templates.layout, 'templates/overview.hbs', places);
  const defined = templates.layout.boxes;
  for (const [box, { template }] of places) {
    if (!(box in defined)) throw new UserError(`${template}: 枠「${box}」が templates/layout.yaml の boxes にありません。boxes に大きさを書いてください。`);
  }
  const unplaced = Object.keys(defined).filter((box) => !places.has(box));
  if (unplaced.length > 0) {
    throw new UserError(
      `templates/layout.yaml の boxes の${unplaced.map((b) => `「${b}」`).join('')}を印刷する欄がテンプレート（templates/sheet.hbs、booklet-toc.hbs、overview.hbs）にありません。`,
    );
  }
  return places;
}
