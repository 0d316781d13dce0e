// The overview's charts: vega-lite specifications drawn by vega as SVG, which pdfmake then draws as vectors
// (svg-to-pdfkit) in the shared fonts. Vega lays everything out; its text is measured with the same fonts the PDF
// prints with, so labels are placed (and kept apart) by their real widths.
// Greys and sizes come from templates/layout.yaml (`overview.charts`): the charts must read in black and white.
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import type { FontSet } from '../pdf/fontset';
import type { LayoutSpec } from '../pipeline/layout';

/** The charts' look (templates/layout.yaml, `overview.charts`). */
export type ChartsLayout = LayoutSpec['overview']['charts'];

/** One bar of the 方向性 chart: a choice, its count and the label printed beside its bar. */
export interface DirectionBar {
  direction: string;
  count: number;
  label: string;
}

/** One bar of the cost chart: a 部 and its cost in two parts (千円), with the label printed beside it. */
export interface CostBar {
  department: string;
  parts: number[];
  label: string;
}

/**
 * vega and vega-lite are ES modules only, and TypeScript compiles `import()` to `require()` in CommonJS: the import
 * is made in code TypeScript does not see (`new Function`). Where modules are run in a sandbox without a loader for
 * such code (a test runner's), a script given Node's default loader does it instead (Node 20.12 and later; Node
 * calls that option experimental, so it is the fallback only). File URLs make the import independent of the
 * caller's location.
 */
async function importModule(specifier: string): Promise<any> {
  const url = pathToFileURL(require.resolve(specifier)).href;
  try {
    return await (new Function('url', 'return import(url)') as (url: string) => Promise<any>)(url);
  } catch (error) {
    const loader = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
    if ((error as { code?: string }).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING' || !loader) throw error;
    return new vm.Script('(url) => import(url)', { importModuleDynamically: loader }).runInThisContext()(url);
  }
}
let vegaModules: Promise<{ vega: any; vegaLite: any }> | undefined;

function loadVega(): Promise<{ vega: any; vegaLite: any }> {
  vegaModules ??= Promise.all([importModule('vega'), importModule('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return vegaModules;
}

/** Vega's text widths, from the fonts the PDF uses (vega otherwise guesses them from the number of characters). */
function measureWith(vega: any, fontSet: FontSet, family: string): void {
  vega.textMetrics.width = (item: { fontSize?: number; fontWeight?: string | number }, text: unknown) => {
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    return fontSet.provide(family, bold).widthOfString(String(text ?? ''), item.fontSize ?? 11);
  };
}

// A line of a wrapped label never starts with these (a short list of the rules the form's text follows).
const NO_LINE_START = /^[、。，．・ー）」』】〕！？ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ)\]},.:;!?%]/u;

/**
 * A label broken into lines no wider than `width` (at `fontSize`, in the shared font), so that a long 部 name is
 * printed whole on several lines instead of being cut short with an ellipsis.
 */
export function wrapLabel(fontSet: FontSet, family: string, text: string, fontSize: number, width: number): string[] {
  const font = fontSet.provide(family, false);
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (line !== '' && font.widthOfString(line + ch, fontSize) > width && !NO_LINE_START.test(ch)) {
      lines.push(line);
      line = '';
    }
    line += ch;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** What both charts share: no background or frame, black text in the sheet's font, thin black rules. */
function baseConfig(layout: LayoutSpec) {
  const c = layout.overview.charts;
  return {
    font: layout.font,
    background: null,
    view: { stroke: null },
    axis: {
      labelFont: layout.font,
      titleFont: layout.font,
      labelFontSize: c.fontSize,
      titleFontSize: c.fontSize,
      titleFontWeight: 'normal',
      labelColor: c.textColor,
      titleColor: c.textColor,
      domainColor: c.lineColor,
      domainWidth: c.lineWidth,
      tickColor: c.lineColor,
      tickWidth: c.lineWidth,
      gridColor: c.gridColor,
      gridWidth: c.lineWidth,
      labelLineHeight: c.fontSize * layout.lineHeight,
    },
    legend: {
      labelFont: layout.font,
      labelFontSize: c.fontSize,
      labelColor: c.textColor,
      symbolType: 'square',
      symbolSize: c.fontSize * c.fontSize * 1.6,
      symbolStrokeColor: c.lineColor,
      symbolStrokeWidth: c.lineWidth,
      symbolOpacity: 1,
    },
    text: { font: layout.font, fontSize: c.fontSize, color: c.textColor },
    bar: { stroke: c.lineColor, strokeWidth: c.lineWidth, opacity: 1 },
  };
}

/** The width of the widest of these labels (the room a chart leaves right of its longest bar). */
export function widestLabel(fontSet: FontSet, family: string, labels: string[], fontSize: number): number {
  const font = fontSet.provide(family, false);
  return Math.max(0, ...labels.map((l) => font.widthOfString(l, fontSize)));
}

const LABEL_OFFSET = 3;

/**
 * The chart's padding. On the right, room for the labels beside the bars (vega's autosize does not count text past
 * the plot). On the left, a little slack: svg-to-pdfkit anchors a right-aligned label by the last glyph's full
 * advance, where vega (and the PDF) use its proportional one, so such a label may start up to half a character
 * further left than vega planned.
 */
const labelPadding = (layout: LayoutSpec, room: number) => ({
  left: Math.ceil(layout.overview.charts.fontSize / 2),
  top: 0,
  bottom: 0,
  right: Math.ceil(room + LABEL_OFFSET + 1),
});

/**
 * The steps a chart's bars may take (the height of a bar's band), largest first: the configured step (more when
 * a label takes several lines), then smaller ones down to the least that still holds the label's lines, for a
 * chart that must fit in the rest of a page.
 */
export function barSteps(layout: LayoutSpec, lines: number): number[] {
  const c = layout.overview.charts;
  const text = lines * c.fontSize * layout.lineHeight;
  const largest = Math.max(c.barStep, Math.ceil(text + 2 * c.barGap));
  const least = Math.min(largest, Math.ceil(text + 2));
  const steps: number[] = [];
  for (let step = largest; step > least; step -= 2) steps.push(step);
  return [...steps, least];
}

/** A bar's thickness in a band of this step: the configured gaps around it, never less than a quarter of the step. */
function barHeight(layout: LayoutSpec, step: number): number {
  const c = layout.overview.charts;
  return Math.max(step / 4, Math.min(c.barStep, step) - 2 * c.barGap);
}

/** The vega-lite specification of the 方向性 chart: a horizontal bar per choice, its count and share beside it. */
export function directionChartSpec(layout: LayoutSpec, bars: DirectionBar[], width: number, labelRoom: number): object {
  const c = layout.overview.charts;
  const y = { field: 'direction', type: 'nominal', sort: null, title: null, axis: { ticks: false, labelPadding: 4, labelLimit: 0 } };
  const max = Math.max(1, ...bars.map((b) => b.count));
  const x = { field: 'count', type: 'quantitative', title: null, axis: null, scale: { domain: [0, max], nice: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height: { step: barSteps(layout, 1)[0] },
    padding: labelPadding(layout, labelRoom),
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values: bars },
    layer: [
      { mark: { type: 'bar', fill: c.directionFill, height: barHeight(layout, barSteps(layout, 1)[0]) }, encoding: { y, x } },
      { mark: { type: 'text', align: 'left', baseline: 'middle', dx: LABEL_OFFSET }, encoding: { y, x, text: { field: 'label' } } },
    ],
    config: baseConfig(layout),
  };
}

/**
 * The vega-lite specification of the cost chart: a horizontal bar per 部, its two parts stacked in two greys
 * (named in a legend), the total beside it, and an axis in 千円.
 */
export function costChartSpec(layout: LayoutSpec, bars: CostBar[], partNames: string[], width: number, step: number, labelRoom: number): object {
  const c = layout.overview.charts;
  const y = {
    field: 'department',
    type: 'nominal',
    sort: null,
    title: null,
    axis: { ticks: false, labelPadding: 4, labelLimit: 0, labelExpr: "split(datum.label, '\\n')" },
  };
  const max = Math.max(1, ...bars.map((b) => b.parts.reduce((s, v) => s + v, 0)));
  const parts = bars.flatMap((b) => partNames.map((name, i) => ({ department: b.department, part: name, order: i, value: b.parts[i] })));
  const totals = bars.map((b) => ({ department: b.department, total: b.parts.reduce((s, v) => s + v, 0), label: b.label }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height: { step },
    padding: labelPadding(layout, labelRoom),
    autosize: { type: 'fit-x', contains: 'padding' },
    layer: [
      {
        data: { values: parts },
        mark: { type: 'bar', height: barHeight(layout, step) },
        encoding: {
          y,
          x: {
            field: 'value',
            type: 'quantitative',
            stack: 'zero',
            title: c.costAxisTitle,
            scale: { domain: [0, max], nice: false },
            axis: { format: ',d', tickCount: c.costTicks, grid: true, labelFlush: true, titlePadding: 4 },
          },
          color: {
            field: 'part',
            type: 'nominal',
            sort: partNames,
            scale: { domain: partNames, range: c.costFills },
            legend: { orient: 'top', direction: 'horizontal', title: null, offset: 6, columnPadding: 12 },
          },
          order: { field: 'order' },
        },
      },
      {
        data: { values: totals },
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: LABEL_OFFSET },
        encoding: { y, x: { field: 'total', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
    config: baseConfig(layout),
  };
}

/**
 * Draw vega-lite specifications as SVG documents, measuring text with the shared fonts. The SVG's units are points
 * (pdfmake draws it at its own width: one unit, one point).
 */
export async function drawCharts(fontSet: FontSet, family: string, specs: object[]): Promise<string[]> {
  const { vega, vegaLite } = await loadVega();
  measureWith(vega, fontSet, family);
  const quiet = vega.logger(vega.None);
  const svgs: string[] = [];
  for (const spec of specs) {
    const compiled = vegaLite.compile(spec, { logger: quiet }).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: quiet });
    try {
      svgs.push(await view.toSVG());
    } finally {
      view.finalize();
    }
  }
  return svgs;
}
