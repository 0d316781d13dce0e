// Issue 20 (point 6): the overview's two bar charts are drawn by sheetbook's own module, not by a chart library.
// Read back from the PDF as a reader gets it: each bar's length is proportional to its figure (the page's drawing
// operators, with their transformations), every label is in the text layer (pdf.js and poppler), the charts use
// the width they are given, and the overview keeps its PDF/UA structure (two Figures with their /Alt).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAmount } from '../src/model/format';
import { overviewPdf, renderOverview } from '../src/publication/overview';
import { costChart, tickStep, wrapLabel } from '../src/publication/charts';
import { openWorkspace } from '../src/pipeline/sheet';
import { checkConformance } from './helpers/conformance';
import { bundledSheet, DATA_DIR, makeDataDir } from './helpers/data';
import { buildOverview, type BuiltOverview } from './helpers/overview';
import { parsePdf, squash } from './helpers/pdf';
import { operators, type Value } from '../src/interchange/pdf-objects';

const YEAR = 2021;
const ROOT = join(__dirname, '..');
const LONG_DEPARTMENT = '市民部市民活動推進及び地域コミュニティ振興担当部';
const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Built = BuiltOverview;
const build = (dataDir: string): Promise<Built> => buildOverview(dataDir, YEAR);

/** A filled shape of the page: its fill colour (as written) and its box in page coordinates (points, y up). */
interface Shape {
  fill: string;
  left: number;
  right: number;
  bottom: number;
  top: number;
}

/**
 * The filled shapes a content stream draws, with the current transformation applied (q/Q/cm), so that lengths are
 * those on the page whatever transformations the drawing goes through.
 */
function filledShapes(content: Buffer): Shape[] {
  type Matrix = [number, number, number, number, number, number];
  const times = (m: Matrix, n: Matrix): Matrix => [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let fill = '0';
  const saved: [Matrix, string][] = [];
  let points: [number, number][] = [];
  const shapes: Shape[] = [];
  const point = (x: number, y: number) => points.push([ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]]);
  const nums = (args: Value[]) => args.map(Number);
  for (const { op, args } of operators(content)) {
    if (op === 'q') saved.push([ctm, fill]);
    else if (op === 'Q') [ctm, fill] = saved.pop()!;
    else if (op === 'cm') ctm = times(nums(args) as Matrix, ctm);
    else if (op === 'scn' || op === 'sc' || op === 'rg' || op === 'g') fill = nums(args).join(' ');
    else if (op === 'm' || op === 'l') point(...(nums(args) as [number, number]));
    else if (op === 'c') for (let i = 0; i < 6; i += 2) point(Number(args[i]), Number(args[i + 1]));
    else if (op === 're') {
      const [x, y, w, h] = nums(args);
      point(x, y);
      point(x + w, y + h);
    } else if (['f', 'F', 'f*', 'B', 'B*', 'b', 'b*'].includes(op)) {
      const xs = points.map((p) => p[0]);
      const ys = points.map((p) => p[1]);
      shapes.push({ fill, left: Math.min(...xs), right: Math.max(...xs), bottom: Math.min(...ys), top: Math.max(...ys) });
      points = [];
    } else if (['S', 's', 'n'].includes(op)) points = [];
  }
  return shapes;
}

/** A `#rrggbb` grey as the renderer writes it after `scn`. */
const colour = (hex: string) => [1, 3, 5].map((i) => String(parseInt(hex.slice(i, i + 2), 16) / 255)).join(' ');
const width = (s: Shape) => s.right - s.left;
const topDown = (shapes: Shape[]) => [...shapes].sort((a, b) => b.top - a.top);

const poppler = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('the overview’s charts', () => {
  let built: Built;
  let shapes: Shape[];
  beforeAll(async () => {
    // The five bundled sheets and 40 more in three 部, one of them with a name too long for one line.
    const sheets: Record<string, unknown> = {};
    for (const n of ['087', '088', '089', '090', '091']) sheets[`${n}.yaml`] = bundledSheet(n);
    const departments = [
      [LONG_DEPARTMENT, '市民活動課'],
      ['都市計画部', '都市計画課'],
      ['保健福祉部', '社会福祉課'],
    ];
    const directions = ['継続', '拡大・拡充', '改善', '縮小', '休止・廃止', '統合', '完了'];
    for (let k = 0; k < 40; k++) {
      const sheet = bundledSheet(['087', '088', '089', '090', '091'][k % 5]);
      sheet.number = 100 + k;
      [sheet.department, sheet.division] = departments[k % 3];
      sheet.direction = { decision: directions[(k * 3) % 7], reason: '方向性の理由。' };
      sheets[`${sheet.number}.yaml`] = sheet;
    }
    const dataDir = makeDataDir(sheets);
    tempDirs.push(dataDir);
    built = await build(dataDir);
    shapes = filledShapes(inflateSync(built.rendered.pages[0].content));
  });

  it('need no chart library: neither vega nor vega-lite is a dependency or imported', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })).not.toEqual(expect.arrayContaining(['vega']));
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })).not.toEqual(expect.arrayContaining(['vega-lite']));
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.[cm]?[jt]s$/.test(e.name) ? [join(dir, e.name)] : []));
    for (const file of sources(join(ROOT, 'src'))) expect(readFileSync(file, 'utf8'), file).not.toMatch(/['"]vega(-lite)?['"]/);
    // Nor is anything imported as an ES module at run time (node's loader for that is experimental and says so).
    expect(readFileSync(join(ROOT, 'dist', 'sheetbook.cjs'), 'latin1')).not.toMatch(/\bimport\(/);
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-charts-'));
    tempDirs.push(out);
    const booklet = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'booklet', '--data', DATA_DIR, '--out', out], { encoding: 'utf8' });
    expect(booklet.status, booklet.stderr).toBe(0);
    expect(booklet.stderr).not.toMatch(/Warning|--trace-warnings/);
  });

  it('draw each 方向性 bar as long as its count, from one axis, top to bottom in the form’s order', () => {
    const { charts } = built.workspace.templates.layout.overview;
    const counts = built.data.total.byDirection;
    expect(counts.filter((n) => n > 0).length).toBeGreaterThanOrEqual(5);
    const bars = topDown(shapes.filter((s) => s.fill === colour(charts.directionFill) && width(s) > 0.01));
    expect(bars.length).toBe(counts.filter((n) => n > 0).length);
    const nonZero = counts.filter((n) => n > 0);
    const perProject = width(bars[0]) / nonZero[0];
    bars.forEach((bar, i) => {
      expect(width(bar) / nonZero[i], `bar ${i}`).toBeCloseTo(perProject, 2);
      expect(bar.left).toBeCloseTo(bars[0].left, 2);
    });
  });

  it('draw each 部’s cost as two stacked bars, 決算額 then 人件費計, on one scale, with a legend of both', () => {
    const { charts } = built.workspace.templates.layout.overview;
    const departments = built.data.departments;
    expect(departments.length).toBe(4);
    const [settledBars, personnelBars] = charts.costFills.map((fill) => topDown(shapes.filter((s) => s.fill === colour(fill) && width(s) > 0.01)));
    // The legend's two swatches are squares above every bar.
    for (const bars of [settledBars, personnelBars]) {
      expect(bars.length).toBe(departments.length + 1);
      const [swatch, ...rest] = bars;
      expect(width(swatch)).toBeCloseTo(swatch.top - swatch.bottom, 2);
      expect(swatch.bottom).toBeGreaterThan(Math.max(...rest.map((b) => b.top)));
    }
    const settled = settledBars.slice(1);
    const personnel = personnelBars.slice(1);
    const perThousand = width(settled[0]) / departments[0].settled;
    departments.forEach((d, i) => {
      expect(width(settled[i]) / d.settled, d.name).toBeCloseTo(perThousand, 4);
      expect(width(personnel[i]) / d.personnel, d.name).toBeCloseTo(perThousand, 4);
      expect(personnel[i].left, 'stacked').toBeCloseTo(settled[i].right, 2);
      expect(settled[i].left).toBeCloseTo(settled[0].left, 2);
      expect(personnel[i].top).toBeCloseTo(settled[i].top, 2);
    });
  });

  it('use the width they are given: the longest bar’s label ends near the chart’s right edge', () => {
    const { layout } = built.workspace.templates;
    const { charts } = layout.overview;
    const font = built.workspace.fontSet.provide(layout.font, false);
    const left = layout.page.margins[0];
    const right = layout.page.width - layout.page.margins[2];
    const labelWidth = (text: string) => font.widthOfString(text, charts.fontSize);

    const directionBars = shapes.filter((s) => s.fill === colour(charts.directionFill));
    const longest = Math.max(...directionBars.map((b) => b.right));
    const most = Math.max(...built.data.total.byDirection);
    const share = `${most}件（${((most / built.data.total.projects) * 100).toFixed(1)}%）`;
    expect(longest + labelWidth(share)).toBeLessThanOrEqual(left + charts.directionWidth);
    expect(longest + labelWidth(share)).toBeGreaterThan(left + charts.directionWidth - 8);

    const costEnds = shapes.filter((s) => s.fill === colour(charts.costFills[1])).map((b) => b.right);
    const total = Math.max(...built.data.departments.map((d) => d.total));
    expect(Math.max(...costEnds) + labelWidth(formatAmount(total))).toBeLessThanOrEqual(right);
    expect(Math.max(...costEnds) + labelWidth(formatAmount(total))).toBeGreaterThan(right - 8);
  });

  /** Every label the charts print: 方向性 and shares, 部 names (line by line), totals, the legend, the axis. */
  function labels(): string[] {
    const { data, workspace } = built;
    const { layout } = workspace.templates;
    const of = data.total.projects;
    const shares = data.total.byDirection.map((n) => `${n}件（${((n / of) * 100).toFixed(1)}%）`);
    const names = data.departments.flatMap((d) => wrapLabel(workspace.fontSet, layout.font, d.name, layout.overview.charts.fontSize, layout.overview.charts.labelWidth));
    const totals = data.departments.map((d) => formatAmount(d.total));
    // The axis in 千円: the largest total is some 2 million, so its ticks are 0, 500,000 … 2,000,000, labelled at
    // least every other one (a label that would touch its neighbour is left out, as vega did).
    const top = Math.max(...data.departments.map((d) => d.total));
    expect(top).toBeGreaterThan(2_000_000);
    expect(top).toBeLessThan(2_500_000);
    const ticks = ['0', '1,000,000', '2,000,000'];
    return [...data.directions, ...shares, ...names, ...totals, '決算額', '人件費計', '千円', ...ticks];
  }

  it('put every label in the text layer (pdf.js)', async () => {
    expect(wrapLabel(built.workspace.fontSet, built.workspace.templates.layout.font, LONG_DEPARTMENT, 8, 120).length).toBe(2);
    const page1 = (await parsePdf(built.bytes)).pages[0];
    const words = page1.split(/\s+/);
    for (const label of labels()) expect(/^[\d,]+$/.test(label) ? words : squash(page1), label).toContain(label);
  });

  it.skipIf(!poppler)('put every label in the text layer (poppler)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sheetbook-charts-'));
    tempDirs.push(dir);
    const file = join(dir, 'overview.pdf');
    writeFileSync(file, built.bytes);
    const page1 = execFileSync('pdftotext', ['-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
    const words = page1.split(/\s+/);
    for (const label of labels()) expect(/^[\d,]+$/.test(label) ? words : squash(page1), label).toContain(label);
  });

  it('are two Figures with their /Alt, holding the charts’ text, and the file meets the checked PDF/UA rules', async () => {
    expect(checkConformance(built.bytes).violations).toEqual([]);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(built.bytes), useSystemFonts: false, isEvalSupported: false }).promise;
    try {
      const page = await doc.getPage(1);
      const content = await page.getTextContent({ includeMarkedContent: true });
      const byId = new Map<string, string>();
      let open: string | undefined;
      for (const item of content.items as any[]) {
        if (item.type === 'beginMarkedContentProps') open = item.id;
        else if (item.type === 'endMarkedContent') open = undefined;
        else if (typeof item.str === 'string' && open) byId.set(open, (byId.get(open) ?? '') + item.str);
      }
      const figures: { alt?: string; text: string }[] = [];
      const walk = (node: any, figure?: { alt?: string; text: string }) => {
        let inside = figure;
        if (node.role === 'Figure') figures.push((inside = { alt: node.alt, text: '' }));
        if (node.type === 'content' && inside) inside.text += byId.get(node.id) ?? '';
        for (const child of node.children ?? []) walk(child, inside);
      };
      walk(await page.getStructTree());
      expect(figures.length).toBe(2);
      expect(figures[0].alt).toMatch(/^方向性の内訳のグラフ。継続 /);
      expect(figures[1].alt).toMatch(/^部別のトータルコストのグラフ（千円）。/);
      const of = built.data.total.projects;
      for (const [i, direction] of built.data.directions.entries()) {
        const n = built.data.total.byDirection[i];
        expect(squash(figures[0].text)).toContain(`${direction}`);
        expect(squash(figures[0].text)).toContain(`${n}件（${((n / of) * 100).toFixed(1)}%）`);
      }
      for (const d of built.data.departments) expect(squash(figures[1].text)).toContain(formatAmount(d.total));
      for (const part of ['決算額', '人件費計', '千円']) expect(squash(figures[1].text)).toContain(part);
    } finally {
      await doc.destroy();
    }
  });

  it('are the same bytes when drawn again', async () => {
    const again = await renderOverview(built.workspace, YEAR, built.data);
    expect(overviewPdf(built.workspace, YEAR, again).equals(built.bytes)).toBe(true);
  });
});

describe('the overview’s charts with many 部', () => {
  /** A data folder with one sheet in each of `count` 部, the first with a name of two lines in the chart. */
  function manyDepartments(count: number): string {
    const sheets: Record<string, unknown> = {};
    for (let k = 0; k < count; k++) {
      const sheet = bundledSheet(['087', '088', '089', '090', '091'][k % 5]);
      sheet.number = 100 + k;
      sheet.department = k === 0 ? LONG_DEPARTMENT : `第${k}部`;
      sheet.division = `第${k}課`;
      sheets[`${sheet.number}.yaml`] = sheet;
    }
    const dataDir = makeDataDir(sheets);
    tempDirs.push(dataDir);
    return dataDir;
  }

  it('draw the charts on the next page, their bars narrowed as far as a page needs, never leaving them out', async () => {
    // 30 部 and a name of two lines: at the full step (for two lines) the cost chart is taller than a page.
    const built = await build(manyDepartments(30));
    const { structure, pages } = built.rendered;
    const figures = structure.map((n, i) => (n.s === 'Figure' ? i : -1)).filter((i) => i >= 0);
    expect(figures.length).toBe(2);
    const pageOf = (sid: number) => pages.findIndex((p) => p.marks.includes(sid));
    expect(figures.map(pageOf)).toEqual([1, 1]);
    // Every page has something on it, and every 部's bar is drawn.
    for (const [i, page] of pages.entries()) expect(page.marks.length, `page ${i + 1}`).toBeGreaterThan(0);
    const { charts } = built.workspace.templates.layout.overview;
    const bars = filledShapes(inflateSync(pages[1].content)).filter((s) => s.fill === colour(charts.costFills[0]) && width(s) > 0.01);
    expect(bars.length).toBe(30 + 1);
    const text = (await parsePdf(built.bytes)).pages[1];
    for (const d of built.data.departments) expect(text.split(/\s+/)).toContain(formatAmount(d.total));
  });

  it('refuse, in Japanese, a chart that no page holds', async () => {
    await expect(build(manyDepartments(40))).rejects.toThrow(/評価結果一覧.*部別のトータルコストのグラフが 1 ページに入りません.*templates\/layout\.yaml/);
  });
});

describe('the charts’ drawing', () => {
  it('writes names as text, not markup, and steps its axis as vega did (1, 2 or 5 times a power of ten)', () => {
    const workspace = openWorkspace(DATA_DIR);
    const svg = costChart(workspace.fontSet, workspace.templates.layout, [{ lines: ['A&B<部>"'], parts: [10, 5], label: '15' }], ['決算額', '人件費計'], 300, 16);
    expect(svg).toContain('>A&amp;B&lt;部&gt;&quot;</text>');
    expect(svg).not.toContain('<部>');
    expect([753_391, 2_207_524, 3_049_190, 1, 9].map((max) => tickStep(max, 4))).toEqual([200_000, 500_000, 1_000_000, 1, 2]);
  });
});
