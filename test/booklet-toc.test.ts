// Issues 15 and 17: the booklet's contents at scale. Pages are cut by the rows' heights (any number of sheets,
// 部 and 課, long names included), headings stay with their first entry, a 部 or 課 carried over is repeated
// as continued, leader dots run to each page number, and blank pages say （白紙）.
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleBooklet, paginateContents } from '../src/batch/booklet';
import type { SheetResult } from '../src/batch/sheet-job';
import { openWorkspace, type Workspace } from '../src/pipeline/sheet';
import { checkContents, contentsRows, manySheets, renderBundled } from './helpers/booklet';
import { DATA_DIR } from './helpers/data';
import { parsePdf, type ParsedPdf } from './helpers/pdf';

const everything = { only: [], departments: [] };

describe('a booklet of 300 sheets in 40 部 with long names, numbered 851 to 1150', () => {
  let workspace: Workspace;
  let sheets: SheetResult[];
  let result: ReturnType<typeof assembleBooklet>;
  let pdf: ParsedPdf;
  beforeAll(async () => {
    workspace = openWorkspace(DATA_DIR);
    sheets = manySheets(renderBundled(workspace), 300, 40, 851);
    result = assembleBooklet(workspace, 2021, sheets, everything);
    pdf = await parsePdf(result.bytes);
  });

  it('prints every entry with the page its sheet starts on, on as many contents pages as were planned', () => {
    const toc = checkContents(pdf, sheets, result);
    // Rows spread over whole pages: 300 sheets, 40 部 and their 課 take about a dozen pages, not one or forty.
    expect(toc).toBeGreaterThan(8);
    expect(toc).toBeLessThan(20);
  });

  it('has long names, shrunk to one line, and leader dots between most names and their page numbers', () => {
    const rows = pdf.pages.slice(2).filter((p) => p.startsWith('目次')).flatMap(contentsRows);
    const lines = pdf.pages.slice(2).filter((p) => p.startsWith('目次')).flatMap((p) => p.split('\n'));
    expect(Math.max(...rows.filter((r) => r.kind === 'sheet').map((r) => r.text.length))).toBeGreaterThan(60);
    // Only names that fill their column (shrunk or condensed) leave no room for dots.
    expect(lines.filter((l) => / …+ [0-9]+$/.test(l)).length).toBeGreaterThan(270);
    expect(rows.filter((r) => r.continued).length).toBeGreaterThan(0);
  });
});

describe('cutting the contents into pages', () => {
  const heights = { department: { height: 30 }, division: { height: 20 }, sheet: { height: 10 } };
  const entry = (number: number, department: string, division: string) => ({ number, name: `事業${number}`, department, division });
  const group = (entries: ReturnType<typeof entry>[]) =>
    [...new Set(entries.map((e) => e.department))].map((d) => {
      const items = entries.filter((e) => e.department === d);
      return { key: d, items, divisions: [...new Set(items.map((e) => e.division))].map((v) => ({ key: v, items: items.filter((e) => e.division === v) })) };
    });
  const cut = (entries: ReturnType<typeof entry>[], available: number) =>
    paginateContents(group(entries), available, heights, {
      heading: (kind, title, continued) => `${kind === 'department' ? 'D' : 'V'}:${title}${continued ? '+' : ''}`,
      sheet: (e) => `S:${e.number}`,
    });

  it('fills a page to its height, and keeps a heading with its first entry', () => {
    const entries = [1, 2, 3, 4, 5].map((n) => entry(n, '部A', '課a'));
    // 30 + 20 + 5 × 10 = 100: one page of exactly 100 points holds it all
    expect(cut(entries, 100)).toEqual([['D:部A', 'V:課a', 'S:1', 'S:2', 'S:3', 'S:4', 'S:5']]);
    // 99 points: the last sheet goes over, with its 部 and 課 carried over
    expect(cut(entries, 99)).toEqual([['D:部A', 'V:課a', 'S:1', 'S:2', 'S:3', 'S:4'], ['D:部A+', 'V:課a+', 'S:5']]);
  });

  it('never leaves a 部 or 課 heading at the foot of a page', () => {
    const entries = [entry(1, '部A', '課a'), entry(2, '部B', '課b'), entry(3, '部B', '課c')];
    // 60 + 50 = 110 fits; 部B needs 30 + 20 + 10 more, so it starts the next page rather than ending this one
    expect(cut(entries, 115)).toEqual([['D:部A', 'V:課a', 'S:1'], ['D:部B', 'V:課b', 'S:2', 'V:課c', 'S:3']]);
    // 課c (20 + 10) does not fit after 部B's first 課: it starts a page that names 部B as continued
    expect(cut(entries.slice(1), 75)).toEqual([['D:部B', 'V:課b', 'S:2'], ['D:部B+', 'V:課c', 'S:3']]);
  });

  it('gives one empty page for no entries, and refuses a page too small for a 部, a 課 and an entry', () => {
    expect(cut([], 100)).toEqual([[]]);
    expect(() => cut([entry(1, '部A', '課a')], 59)).toThrow('目次の 1 ページに部・課・事業の 3 行が入りません');
  });
});
