// The annual booklet (or a council selection): cover, contents by 部 and 課, then every sheet in number order,
// each starting on a right-hand page, numbered through, with bookmarks 部 › 課 › sheet.
// Every sheet is exactly two pages, so all page numbers are known before anything is drawn.
import { deflateSync } from 'node:zlib';
import type { FittedBox } from '../pipeline/fit';
import { issuedOn, yearSettings } from '../model/city';
import { eraYearLabel, japaneseDate } from '../model/era';
import { formatNumber } from '../model/format';
import type { Workspace } from '../pipeline/sheet';
import { writePdf, type OutlineItem, type PlacedPage } from '../pdf/writer';
import { renderPages, type GlyphTable, type RenderedPage } from '../pipeline/render';
import type { SheetEntry, SheetResult } from './sheet-job';

export interface Selection {
  only: number[];
  departments: string[];
}

export const isEverything = (s: Selection) => s.only.length === 0 && s.departments.length === 0;

export function selectSheets<T extends { entry?: SheetEntry }>(results: T[], selection: Selection): T[] {
  return results.filter(
    (r) =>
      r.entry &&
      (selection.only.length === 0 || selection.only.includes(r.entry.number)) &&
      (selection.departments.length === 0 || selection.departments.includes(r.entry.department)),
  );
}

/** `booklet.pdf`, or a name that says what a selection holds: `booklet-政策イノベーション部-087-089.pdf`. */
export function bookletFileName(selection: Selection): string {
  const parts = [...selection.departments, ...[...selection.only].sort((a, b) => a - b).map(formatNumber)];
  const name = ['booklet', ...parts].join('-').replace(/[\\/:*?"<>|\s]/g, '_');
  return `${name.length > 150 ? `${name.slice(0, 150)}-etc` : name}.pdf`;
}

type TocRow =
  | { kind: 'department'; title: string }
  | { kind: 'division'; title: string }
  | { kind: 'sheet'; number: string; name: FittedBox; page: string };

interface Group<T> {
  key: string;
  items: T[];
}

/** Group in order of first appearance (entries come in number order). */
function groupBy<T>(items: T[], key: (t: T) => string): Group<T>[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return [...groups.entries()].map(([k, v]) => ({ key: k, items: v }));
}

function blankPage(width: number, height: number): RenderedPage {
  return { width, height, content: deflateSync(Buffer.alloc(0)), extGStates: {}, fonts: [] };
}

export interface BookletResult {
  bytes: Buffer;
  pageCount: number;
  sheetPages: Map<number, number>;
}

export function assembleBooklet(workspace: Workspace, year: number, sheets: SheetResult[], selection: Selection): BookletResult {
  const { layout } = workspace.templates;
  const ordered = [...sheets].sort((a, b) => a.entry!.number - b.entry!.number);
  const entries = ordered.map((s) => s.entry!);

  // Contents rows, then the page plan: cover, blank, contents (padded to an even count), sheets on odd pages.
  const departments = groupBy(entries, (e) => e.department).map((d) => ({ ...d, divisions: groupBy(d.items, (e) => e.division) }));
  const rowsPerPage = (layout.booklet as { tocRowsPerPage: number }).tocRowsPerPage;
  const rowCount = departments.reduce((n, d) => n + 1 + d.divisions.reduce((m, v) => m + 1 + v.items.length, 0), 0);
  const tocPageCount = Math.max(1, Math.ceil(rowCount / rowsPerPage));
  const firstSheetPage = 3 + tocPageCount + (tocPageCount % 2);
  const sheetPages = new Map(entries.map((e, k) => [e.number, firstSheetPage + 2 * k]));

  const rows: TocRow[] = [];
  for (const d of departments) {
    rows.push({ kind: 'department', title: d.key });
    for (const v of d.divisions) {
      rows.push({ kind: 'division', title: v.key });
      for (const e of v.items) {
        const name = workspace.fitter.fitBox({ box: 'tocName', text: e.name, field: ['name'] }, []);
        rows.push({ kind: 'sheet', number: formatNumber(e.number), name, page: String(sheetPages.get(e.number)) });
      }
    }
  }
  const tocChunks = Array.from({ length: tocPageCount }, (_, i) => ({ rows: rows.slice(i * rowsPerPage, (i + 1) * rowsPerPage) }));

  const title = `${eraYearLabel(year)} ${workspace.city.documentTitle}`;
  const settings = yearSettings(workspace.city, year);
  const cover = {
    title,
    subtitle: settings.cover?.subtitle || (isEverything(selection) ? '' : '（抜粋）'),
    city: workspace.city.name,
    issued: settings.issueDate ? `${japaneseDate(settings.issueDate)}発行` : '',
  };
  const context = { layout, city: workspace.city, cover, pages: tocChunks };
  const coverDoc = renderPages(JSON.parse(workspace.templates.booklet.cover(context)), layout, workspace.fontSet);
  const tocDoc = renderPages(JSON.parse(workspace.templates.booklet.toc(context)), layout, workspace.fontSet);
  if (tocDoc.pages.length !== tocPageCount) {
    throw new Error(`目次が ${tocDoc.pages.length} ページになりました（${tocPageCount} ページのはずです）。layout.yaml の booklet.tocRowsPerPage を減らしてください。`);
  }
  const [width, height] = [coverDoc.pages[0].width, coverDoc.pages[0].height];

  const pages: PlacedPage[] = [];
  const glyphs: GlyphTable[] = [coverDoc.glyphs, tocDoc.glyphs];
  const shift = layout.page.bindingShift;
  const place = (page: RenderedPage, numbered: boolean) => {
    const number = pages.length + 1;
    // Right-hand (odd) pages move away from the binding on their left, left-hand pages the other way.
    pages.push({ page, label: numbered ? String(number) : undefined, shiftX: number % 2 === 1 ? shift : -shift });
  };
  place(coverDoc.pages[0], false);
  place(blankPage(width, height), false);
  tocDoc.pages.forEach((p) => place(p, true));
  if (tocPageCount % 2 === 1) place(blankPage(width, height), false);
  for (const sheet of ordered) {
    sheet.rendered!.pages.forEach((p) => place(p, true));
    glyphs.push(sheet.rendered!.glyphs);
  }

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
      info: { title, author: workspace.city.name, subject: `${workspace.city.name} ${title}（${what}）`, keywords: [...new Set(entries.map((e) => e.department))].join(', ') },
      lang: 'ja',
      creationDate: issuedOn(workspace.city, year),
      outline,
      pageNumber: { font: workspace.fontSet.fonts[0].id, fontSize: layout.page.number.fontSize, bottom: layout.page.number.bottom },
    },
    workspace.fontSet,
  );
  return { bytes, pageCount: pages.length, sheetPages };
}
