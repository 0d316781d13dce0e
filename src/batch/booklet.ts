// The annual booklet (or a council selection): cover, contents by 部 and 課, then every sheet in number order,
// each starting on a right-hand page, numbered through, with bookmarks 部 › 課 › sheet.
// Every sheet is exactly two pages and every contents row has a known height, so all page numbers are known
// before anything is drawn.
import { createHash } from 'node:crypto';
import { issuedOn, yearSettings } from '../model/city';
import type { BoxSpec, FitNote, FittedBox } from '../pipeline/fit';
import { createMeasurer } from '../pipeline/measure';
import { UserError } from '../model/errors';
import type { InlineRun } from '../model/line-breaking';
import { eraYearLabel, japaneseDate } from '../model/era';
import { formatNumber } from '../model/format';
import type { Workspace } from '../pipeline/sheet';
import type { LayoutSpec } from '../pipeline/layout';
import { writePdf, type LinkSpec, type OutlineItem, type PlacedPage } from '../pdf/writer';
import type { GlyphTable, RenderedDocument, RenderedPage } from '../pdf/pages';
import { lineWidthMeter } from '../pdf/pdfmake';
import { renderPages } from '../pipeline/render';
import type { StructNode } from '../pdf/structure';
import type { SheetEntry, SheetResult } from './sheet-job';

export interface Selection {
  only: number[];
  departments: string[];
}

export const isEverything = (s: Selection) => s.only.length === 0 && s.departments.length === 0;

/** `booklet.pdf`, or a name that says what a selection holds: `booklet-政策イノベーション部-087-089.pdf`. */
export function bookletFileName(selection: Selection): string {
  const parts = [...selection.departments, ...[...selection.only].sort((a, b) => a - b).map(formatNumber)];
  const name = ['booklet', ...parts].join('-').replace(/[\\/:*?"<>|\s]/g, '_');
  return `${name.length > 150 ? `${name.slice(0, 150)}-etc` : name}.pdf`;
}

/** The width pdfmake gives a one-line text (an `auto` column's width), in the booklet's font. */
function widthMeter(workspace: Workspace): (text: string | InlineRun[], fontSize: number, characterSpacing: number) => number {
  const { layout } = workspace.templates;
  return lineWidthMeter(workspace.fontSet.pdfmake, layout.font, layout.lineHeight);
}

/** Fail early, with a clear message, when a contents row is smaller than its text: the row would grow. */
function checkRowHeights(workspace: Workspace, toc: BookletLayout['toc']): void {
  const { layout } = workspace.templates;
  const measurer = createMeasurer(workspace.fontSet);
  const lineHeight = (fontSize: number, bold?: boolean) => measurer.measure('目', 1000, { font: layout.font, fontSize, lineHeight: layout.lineHeight, bold }).height;
  const box = (name: string) => layout.boxes[name] as BoxSpec;
  const checks: [string, number, number][] = [
    ['title', lineHeight(toc.title.fontSize, true), toc.title.height],
    ['department', lineHeight(box('tocDepartment').size ?? layout.fontSize.body, true), toc.department.height],
    ['division', lineHeight(box('tocDivision').size ?? layout.fontSize.body, true), toc.division.height],
    ['sheet', lineHeight(Math.max(box('tocName').size ?? layout.fontSize.body, toc.leader.fontSize)), toc.sheet.height],
  ];
  for (const [row, needed, height] of checks) {
    if (needed > height + 1e-6) {
      throw new UserError(`templates/layout.yaml の booklet.toc.${row}.height（${height}pt）が文字の高さ（${Math.ceil(needed * 10) / 10}pt）より小さくなっています。`);
    }
  }
}

/** The contents' sizes (templates/layout.yaml, `booklet`). */
type BookletLayout = LayoutSpec['booklet'];

/** One line of the contents. `height` is its row's height on the page (layout.booklet.toc). */
export type TocRow =
  | { kind: 'department' | 'division'; title: FittedBox; continued: boolean; height: number }
  | { kind: 'sheet'; number: number; name: FittedBox; leader: { text: string; characterSpacing: number }; page: string; height: number };

interface Group<T> {
  key: string;
  items: T[];
}

/** Group in order of first appearance (entries come in number order). */
function groupBy<T>(items: T[], key: (t: T) => string): Group<T>[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.entries()].map(([k, v]) => ({ key: k, items: v }));
}

type Department = Group<SheetEntry> & { divisions: Group<SheetEntry>[] };

/**
 * The contents cut into pages. Every row is one line in a row of fixed height, so a page holds rows while their
 * heights add up to no more than the page's text area below the title. A 部 heading is kept with its first 課 and
 * that 課's first sheet, a 課 heading with its first sheet: a heading is never the last line of a page. A page that
 * starts inside a 部 (or 課) repeats it first, marked as continued.
 * Only the entries' order and the row heights decide the cut. Page numbers do not: a wider number takes room from
 * the leader dots, never a second line. So the number of contents pages, and with it every sheet's page number, is
 * final after one pass; there is nothing to iterate.
 */
export function paginateContents<R>(
  departments: Department[],
  available: number,
  heights: Pick<BookletLayout['toc'], 'department' | 'division' | 'sheet'>,
  make: {
    heading: (kind: 'department' | 'division', title: string, continued: boolean) => R;
    sheet: (entry: SheetEntry) => R;
  },
): R[][] {
  const [dh, vh, sh] = [heights.department.height, heights.division.height, heights.sheet.height];
  if (dh + vh + sh > available + 1e-6) {
    throw new UserError('目次の 1 ページに部・課・事業の 3 行が入りません。templates/layout.yaml の booklet.toc の高さを小さくしてください。');
  }
  const pages: R[][] = [];
  let page: R[] = [];
  let used = Infinity; // no page yet
  for (const d of departments) {
    d.divisions.forEach((v, j) => {
      v.items.forEach((e, k) => {
        const need = sh + (k === 0 ? vh + (j === 0 ? dh : 0) : 0);
        if (used + need > available + 1e-6) {
          page = [];
          pages.push(page);
          used = 0;
          // Carried over: the 部 unless it starts here, the 課 unless it starts here.
          if (j > 0 || k > 0) {
            page.push(make.heading('department', d.key, true));
            used += dh;
          }
          if (k > 0) {
            page.push(make.heading('division', v.key, true));
            used += vh;
          }
        }
        if (j === 0 && k === 0) {
          page.push(make.heading('department', d.key, false));
          used += dh;
        }
        if (k === 0) {
          page.push(make.heading('division', v.key, false));
          used += vh;
        }
        page.push(make.sheet(e));
        used += sh;
      });
    });
  }
  return pages.length > 0 ? pages : [[]];
}

/** Pages of the booklet placed as printed, with the glyphs they use: the unit of replacement pages (差し替え). */
export interface BookletPart {
  /** `cover`, `contents`, `overview`, or a sheet's number. */
  name: string | number;
  /** 1-based booklet page numbers of these pages. */
  numbers: number[];
  pages: PlacedPage[];
  glyphs: GlyphTable;
  /** The structure of the document these pages come from, and its index among the booklet's. */
  structure: StructNode[];
  index: number;
}

export interface BookletResult {
  bytes: Buffer;
  pageCount: number;
  sheetPages: Map<number, number>;
  parts: BookletPart[];
  /** Per page, a digest of what it prints (content and page number): which pages a correction changes. */
  pageDigests: string[];
}

export interface BookletOptions {
  /** Pages placed after the contents (the 評価結果一覧 of a publication), padded to an even count. */
  after?: RenderedDocument;
  /** YYYY-MM-DD of the correction this booklet carries: the cover and the metadata say 「…改訂」. */
  revised?: string;
}

export function assembleBooklet(workspace: Workspace, year: number, sheets: SheetResult[], selection: Selection, options: BookletOptions = {}): BookletResult {
  const { layout } = workspace.templates;
  const ordered = [...sheets].sort((a, b) => a.entry!.number - b.entry!.number);
  const entries = ordered.map((s) => s.entry!);

  const departments: Department[] = groupBy(entries, (e) => e.department).map((d) => ({ ...d, divisions: groupBy(d.items, (e) => e.division) }));

  const title = `${eraYearLabel(year)} ${workspace.city.documentTitle}`;
  const settings = yearSettings(workspace.city, year);
  const cover = {
    title,
    subtitle: settings.cover?.subtitle || (isEverything(selection) ? '' : '（抜粋）'),
    city: workspace.city.name,
    issued: settings.issueDate ? `${japaneseDate(settings.issueDate)}発行` : '',
    revised: options.revised ? `${japaneseDate(options.revised)} 改訂` : '',
  };
  // The cover and, as its second page, the blank page (used again to pad the contents to an even count).
  const coverDoc = renderPages(workspace.templates.booklet.cover({ layout, city: workspace.city, cover }), layout, workspace.fontSet);
  const [coverPage, blank] = coverDoc.pages;
  if (!blank) throw new Error('templates/booklet-cover.hbs には表紙と白紙の 2 ページが必要です。');

  // The contents, cut into pages by the heights of their rows; then the page plan: cover, blank, contents (padded
  // to an even count), sheets on odd pages.
  const toc = layout.booklet.toc;
  checkRowHeights(workspace, toc);
  const [, top, , bottom] = layout.page.margins;
  const available = coverPage.height - top - bottom - toc.title.height;
  const nameBox = layout.boxes.tocName as BoxSpec;
  const numberSize = nameBox.size ?? layout.fontSize.body; // the page number's (the template's default size)
  // The cell the name shares with its leader dots and page number (booklet-toc.hbs), as the template places it.
  const leaderCell = workspace.fitter.places.get('tocName')!.cell;
  const fit = (box: string, text: string, field: string): FittedBox => {
    const notes: FitNote[] = [];
    const fitted = workspace.fitter.fitBox({ box, text, field: [field] }, notes);
    if (notes.some((n) => n.severity === 'error')) throw new UserError(`目次の「${text}」が 1 行に収まりません。templates/layout.yaml の boxes.${box} を見直してください。`);
    return fitted;
  };
  const sheetRows: Extract<TocRow, { kind: 'sheet' }>[] = [];
  const tocPages = paginateContents<TocRow>(departments, available, toc, {
    heading: (kind, key, continued) => ({
      kind,
      title: fit(kind === 'department' ? 'tocDepartment' : 'tocDivision', continued ? `${key}${toc.continued}` : key, kind),
      continued,
      height: toc[kind].height,
    }),
    sheet: (e) => {
      const row = { kind: 'sheet' as const, number: e.number, name: fit('tocName', e.name, 'name'), leader: { text: '', characterSpacing: 0 }, page: '', height: toc.sheet.height };
      sheetRows.push(row);
      return row;
    },
  });
  const tocPageCount = tocPages.length;
  const afterCount = options.after ? options.after.pages.length + (options.after.pages.length % 2) : 0;
  const firstSheetPage = 3 + tocPageCount + (tocPageCount % 2) + afterCount;
  const sheetPages = new Map(entries.map((e, k) => [e.number, firstSheetPage + 2 * k]));
  // Leader dots fill what the name and the page number leave of their cell (the name column and the page column),
  // measured as pdfmake measures them, so the dots run from just after the name to just before the number.
  const width = widthMeter(workspace);
  const dotWidth = width(toc.leader.text, toc.leader.fontSize, 0);
  for (const row of sheetRows) {
    row.page = String(sheetPages.get(row.number));
    const room = leaderCell - width(row.name.runs, row.name.fontSize, row.name.characterSpacing) - width(row.page, numberSize, 0) - 2 * toc.leader.gap - 0.5;
    let dots = dotWidth > 0 ? Math.max(0, Math.floor(room / dotWidth)) : 0;
    // What is left over (less than one dot) is shared out between the dots, where that does not show (a long row);
    // otherwise it stays between the name and the dots.
    let spacing = dots > 1 ? Math.floor(Math.min((room - dots * dotWidth) / (dots - 1), dotWidth * 0.03) * 1000) / 1000 : 0;
    if (dots > 0 && width(toc.leader.text.repeat(dots), toc.leader.fontSize, spacing) > room) [dots, spacing] = [dots - 1, 0];
    row.leader = { text: toc.leader.text.repeat(dots), characterSpacing: spacing };
  }

  // Each row's place in the structure tree (pdf/structure.ts): TOC › 部 › TOC › 課 › TOC › sheet › Link. Headings
  // carried over to the next page are pagination artifacts: the tree reads each 部 and 課 once.
  let d = -1;
  let v = -1;
  const tagOf = (row: TocRow): string => {
    if (row.kind === 'department') {
      if (row.continued) return 'Artifact:Pagination';
      [d, v] = [d + 1, -1];
      return `TOC/TOCI#d${d}/P`;
    }
    if (row.kind === 'division') {
      if (row.continued) return 'Artifact:Pagination';
      v += 1;
      return `TOC/TOCI#d${d}/TOC/TOCI#v${v}/P`;
    }
    if (row.kind !== 'sheet') throw new Error('unreachable');
    return `TOC/TOCI#d${d}/TOC/TOCI#v${v}/TOC/TOCI#s${row.number}/Link#s${row.number}`;
  };
  const tocContext = {
    layout,
    city: workspace.city,
    pages: tocPages.map((rows) => ({ rows: rows.map((r) => ({ ...r, tag: tagOf(r), ...(r.kind === 'sheet' ? { number: formatNumber(r.number) } : {}) })) })),
  };
  const tocDoc = renderPages(workspace.templates.booklet.toc(tocContext), layout, workspace.fontSet);
  if (tocDoc.pages.length !== tocPageCount) {
    // Only a template whose rows are taller than layout.booklet.toc says can get here.
    throw new Error(
      `目次が ${tocDoc.pages.length} ページになりました（${tocPageCount} ページのはずです）。templates/booklet-toc.hbs の行の高さが layout.yaml の booklet.toc と合っていません。`,
    );
  }

  const pages: PlacedPage[] = [];
  const parts: BookletPart[] = [];
  const structures: StructNode[][] = [];
  const shift = layout.page.bindingShift;
  const part = (name: BookletPart['name'], doc: Pick<RenderedDocument, 'glyphs' | 'structure'>): BookletPart => {
    const made = { name, numbers: [], pages: [], glyphs: doc.glyphs, structure: doc.structure, index: structures.length };
    structures.push(doc.structure);
    parts.push(made);
    return made;
  };
  // Viewers show the printed number as the page's label; the cover and blank pages, which have none, say what they are.
  // A blank page's only text is an artifact, so the structure it is placed with does not matter.
  const place = (into: BookletPart, page: RenderedPage, numbered: boolean, word?: string) => {
    const number = pages.length + 1;
    // Right-hand (odd) pages move away from the binding on their left, left-hand pages the other way.
    const placed: PlacedPage = {
      page,
      part: into.index,
      label: numbered ? String(number) : undefined,
      pageLabel: numbered ? { number } : { prefix: word ?? '' },
      shiftX: number % 2 === 1 ? shift : -shift,
    };
    pages.push(placed);
    into.pages.push(placed);
    into.numbers.push(number);
  };
  // Blank pages carry no page number (they count, so every sheet still starts on an odd page).
  const front = part('cover', coverDoc);
  place(front, coverPage, false, '表紙');
  place(front, blank, false, '白紙');
  const contents = part('contents', tocDoc);
  const firstTocPage = pages.length;
  tocDoc.pages.forEach((p) => place(contents, p, true));
  if (tocPageCount % 2 === 1) place(contents, blank, false, '白紙');
  if (options.after) {
    const after = part('overview', options.after);
    options.after.pages.forEach((p) => place(after, p, true));
    if (options.after.pages.length % 2 === 1) place(after, blank, false, '白紙');
  }
  for (const sheet of ordered) {
    const own = part(sheet.entry!.number, sheet.rendered!);
    sheet.rendered!.pages.forEach((p) => place(own, p, true));
  }
  const glyphs = parts.map((p) => p.glyphs);
  if (pages.length !== firstSheetPage - 1 + 2 * ordered.length) throw new Error('冊子のページの割り付けが合いません。');

  // Every contents entry is a link to its sheet's first page, over its number, name and page number.
  const linkRows = new Map<string, Extract<TocRow, { kind: 'sheet' }>>(sheetRows.map((r) => [`s${r.number}`, r]));
  const boxes = new Map<string, { node: number; page: number; rect: [number, number, number, number] }>();
  for (const region of tocDoc.regions) {
    const key = `${region.node}@${region.page}`;
    const known = boxes.get(key);
    if (!known) boxes.set(key, { ...region, rect: [...region.rect] });
    else known.rect = [Math.min(known.rect[0], region.rect[0]), Math.min(known.rect[1], region.rect[1]), Math.max(known.rect[2], region.rect[2]), Math.max(known.rect[3], region.rect[3])];
  }
  const links: LinkSpec[] = [...boxes.values()].map((box) => {
    const key = tocDoc.structure[box.node].k;
    const row = key ? linkRows.get(key) : undefined;
    if (!row) throw new Error(`目次のリンク（要素 ${box.node}）がどの事業のものか分かりません。`);
    return {
      page: firstTocPage + box.page,
      rect: box.rect,
      target: sheetPages.get(row.number)! - 1,
      part: 1,
      node: box.node,
      contents: `${formatNumber(row.number)} ${row.name.text}（${row.page}ページ）`,
    };
  });

  const outline: OutlineItem[] = [
    { title: '目次', page: 2 },
    ...departments.map((d) => ({
      title: d.key,
      page: sheetPages.get(d.items[0].number)! - 1,
      children: d.divisions.map((v) => ({
        title: v.key,
        page: sheetPages.get(v.items[0].number)! - 1,
        children: v.items.map((e) => ({ title: `${formatNumber(e.number)} ${e.name}`, page: sheetPages.get(e.number)! - 1 })),
      })),
    })),
  ];
  const what = isEverything(selection) ? `${entries.length} 事業` : `抜粋 ${entries.length} 事業: ${entries.map((e) => formatNumber(e.number)).join('、')}`;
  const bytes = writePdf(
    {
      pages,
      glyphs,
      info: {
        title,
        author: workspace.city.name,
        subject: `${workspace.city.name} ${title}（${what}）${cover.revised ? `（${cover.revised}）` : ''}`,
        keywords: [...new Set(entries.map((e) => e.department))].join(', '),
      },
      lang: 'ja',
      creationDate: issuedOn(workspace.city, year),
      outline,
      pageNumber: { font: workspace.fontSet.fonts[0].id, fontSize: layout.page.number.fontSize, bottom: layout.page.number.bottom },
      structures,
      links,
    },
    workspace.fontSet,
  );
  const pageDigests = pages.map((p) => createHash('sha256').update(p.page.content).update(`\0${p.label ?? ''}`).digest('hex'));
  return { bytes, pageCount: pages.length, sheetPages, parts, pageDigests };
}
