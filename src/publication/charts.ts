// The overview's two charts, drawn by sheetbook itself: an SVG of rectangles, rules and text, every label placed by
// its width in the fonts the PDF prints with (FontSet), which pdfmake then draws as vectors (svg-to-pdfkit) inside the
// chart's Figure element — so the labels are real text in the text layer, tagged with the figure they belong to.
// Two horizontal bar charts need no chart library: a scale is one division, the axis a handful of ticks.
// Greys and sizes come from templates/layout.yaml (`overview.charts`): the charts must read in black and white.
import type { FontSet } from '../pdf/fontset';
import type { PdfkitFont } from '../pdf/pdfmake';
import type { LayoutSpec } from '../pipeline/layout';
import { formatAmount } from '../model/format';

/** The charts' look (templates/layout.yaml, `overview.charts`). */
export type ChartsLayout = LayoutSpec['overview']['charts'];

/** One bar of the 方向性 chart: a choice, its count and the label printed beside its bar. */
export interface DirectionBar {
  direction: string;
  count: number;
  label: string;
}

/** One bar of the cost chart: a 部 (its name as printed, line by line), its cost in two parts (千円) and the label beside it. */
export interface CostBar {
  lines: string[];
  parts: number[];
  label: string;
}

// A line of a wrapped label never starts with these (a short list of the rules the form's text follows).
const NO_LINE_START = /^[、。，．・ー）」』】〕！？ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ)\]},.:;!?%]/u;

/**
 * A label broken into lines no wider than `width` (at `fontSize`, in the shared font), so that a long 部 name is
 * printed whole on several lines instead of being cut short.
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

/** Between a bar's end and its label. */
const LABEL_OFFSET = 3;
/** Between a category's name and the axis. */
const NAME_PADDING = 4;
/** The length of the cost axis's ticks, and the space between a tick and its label. */
const TICK = 5;
const TICK_PADDING = 2;
/** Between the legend and the bars, and between the legend's two entries. */
const LEGEND_OFFSET = 6;
const LEGEND_COLUMN_GAP = 12;

/** Coordinates to a thousandth of a point: short operators, and the same text for the same input. */
const num = (v: number): string => String(Math.round(v * 1000) / 1000);
const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * An SVG drawn in points, with what the charts need: filled and outlined bars, rules, and text that starts where it
 * is told (its width is known, so right-aligned and centred text is placed by its start: svg-to-pdfkit would anchor
 * it by the last glyph's full advance, not the proportional one the font lays out).
 */
class Drawing {
  private readonly parts: string[] = [];
  private readonly font: PdfkitFont;

  constructor(fontSet: FontSet, readonly layout: LayoutSpec) {
    this.font = fontSet.provide(layout.font, false);
  }

  get c(): ChartsLayout {
    return this.layout.overview.charts;
  }

  width(text: string): number {
    return this.font.widthOfString(text, this.c.fontSize);
  }

  /** Where the baseline goes for text centred on `y`: the middle of the font's em box (ideographs and digits alike). */
  baselineFor(y: number): number {
    return y + ((this.font.ascender + this.font.descender) / 2000) * this.c.fontSize;
  }

  /** How far the font's capitals and digits rise above the baseline. */
  get capHeight(): number {
    return (this.font.capHeight / 1000) * this.c.fontSize;
  }

  /** How far the font's em box reaches below the baseline. */
  get descent(): number {
    return (-this.font.descender / 1000) * this.c.fontSize;
  }

  bar(x: number, y: number, width: number, height: number, fill: string): void {
    if (!(width > 0)) return;
    const { lineColor, lineWidth } = this.c;
    this.parts.push(`<path d="M${num(x)},${num(y)}h${num(width)}v${num(height)}h${num(-width)}Z" fill="${xml(fill)}" stroke="${xml(lineColor)}" stroke-width="${num(lineWidth)}"/>`);
  }

  rule(x1: number, y1: number, x2: number, y2: number, color: string): void {
    this.parts.push(`<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" fill="none" stroke="${xml(color)}" stroke-width="${num(this.c.lineWidth)}"/>`);
  }

  /** Text from `x` on the baseline `baseline`. */
  text(x: number, baseline: number, text: string): void {
    const { fontSize, textColor } = this.c;
    this.parts.push(`<text x="${num(x)}" y="${num(baseline)}" font-family="${xml(this.layout.font)}" font-size="${num(fontSize)}" fill="${xml(textColor)}">${xml(text)}</text>`);
  }

  svg(width: number, height: number): string {
    const size = `width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}"`;
    return `<svg xmlns="http://www.w3.org/2000/svg" ${size}>${this.parts.join('')}</svg>`;
  }
}

/**
 * A chart's bands: one of `step` for each category from `top`, its name right-aligned before the vertical axis (a
 * name of several lines centred on its band). The plot ends where the widest of the labels printed beside the bars
 * still fits in `width` (with a point to spare).
 */
function bands(d: Drawing, top: number, step: number, names: string[][], labels: string[], width: number) {
  const lineHeight = d.c.fontSize * d.layout.lineHeight;
  const axis = Math.max(0, ...names.flat().map((line) => d.width(line))) + NAME_PADDING;
  const end = width - Math.max(0, ...labels.map((label) => d.width(label))) - LABEL_OFFSET - 1;
  const middle = (i: number) => top + (i + 0.5) * step;
  const drawName = (i: number) =>
    names[i].forEach((line, k) => d.text(axis - NAME_PADDING - d.width(line), d.baselineFor(middle(i) + (k - (names[i].length - 1) / 2) * lineHeight), line));
  return { axis, end, bottom: top + names.length * step, middle, drawName };
}

/** The 方向性 chart: a horizontal bar per choice, its count and share beside it. */
export function directionChart(fontSet: FontSet, layout: LayoutSpec, bars: DirectionBar[]): string {
  const d = new Drawing(fontSet, layout);
  const c = layout.overview.charts;
  const step = barSteps(layout, 1)[0];
  const thickness = barHeight(layout, step);
  const { axis, end, bottom, middle, drawName } = bands(d, 0, step, bars.map((b) => [b.direction]), bars.map((b) => b.label), c.directionWidth);
  const scale = (end - axis) / Math.max(1, ...bars.map((b) => b.count));
  // Band by band (the order the text is read in): the name, the bar, its label.
  bars.forEach((b, i) => {
    const length = b.count * scale;
    drawName(i);
    d.bar(axis, middle(i) - thickness / 2, length, thickness, c.directionFill);
    d.text(axis + length + LABEL_OFFSET, d.baselineFor(middle(i)), b.label);
  });
  d.rule(axis, 0, axis, bottom, c.lineColor);
  return d.svg(c.directionWidth, bottom);
}

/** d3's (and so vega's) choice of a tick step near `span / count`: 1, 2 or 5 times a power of ten (whole 千円 here). */
export function tickStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  return Math.max(1, factor * power);
}

/**
 * The ticks' labels that are printed: all of them when they keep apart (by half the type size), otherwise every
 * other one, then every fourth…, as vega does; the first (0) always.
 */
function printedTicks(boxes: { left: number; right: number }[], gap: number): number[] {
  let kept = boxes.map((_, i) => i);
  const crowded = (ids: number[]) => ids.some((id, k) => k > 0 && boxes[id].left < boxes[ids[k - 1]].right + gap);
  while (kept.length > 1 && crowded(kept)) kept = kept.filter((_, k) => k % 2 === 0);
  return kept;
}

/**
 * The cost chart: a legend of the two parts, then a horizontal bar per 部, its two parts stacked in two greys, the
 * total beside it, and under them an axis in 千円 (grid lines behind the bars).
 */
export function costChart(fontSet: FontSet, layout: LayoutSpec, bars: CostBar[], partNames: string[], width: number, step: number): string {
  const d = new Drawing(fontSet, layout);
  const c = layout.overview.charts;
  const lineHeight = c.fontSize * layout.lineHeight;
  // The legend's swatches are squares of 1.6 × the type size squared, as vega drew them.
  const swatch = c.fontSize * Math.sqrt(1.6);
  const legendHeight = Math.max(swatch, lineHeight);
  const top = legendHeight + LEGEND_OFFSET;
  const { axis, end, bottom, middle, drawName } = bands(d, top, step, bars.map((b) => b.lines), bars.map((b) => b.label), width);
  const max = Math.max(1, ...bars.map((b) => b.parts.reduce((s, v) => s + v, 0)));
  const scale = (end - axis) / max;
  const every = tickStep(max, c.costTicks);
  const ticks = Array.from({ length: Math.floor(max / every) + 1 }, (_, k) => ({ value: k * every, x: axis + k * every * scale }));

  for (const { x } of ticks) d.rule(x, top, x, bottom, c.gridColor);
  let x = axis;
  partNames.forEach((name, p) => {
    d.bar(x, (legendHeight - swatch) / 2, swatch, swatch, c.costFills[p]);
    d.text(x + swatch + NAME_PADDING, d.baselineFor(legendHeight / 2), name);
    x += swatch + NAME_PADDING + d.width(name) + LEGEND_COLUMN_GAP;
  });

  // Band by band (the order the text is read in): the name, the stacked parts, the total.
  const thickness = barHeight(layout, step);
  bars.forEach((b, i) => {
    drawName(i);
    let at = axis;
    b.parts.forEach((value, p) => {
      d.bar(at, middle(i) - thickness / 2, value * scale, thickness, c.costFills[p]);
      at += value * scale;
    });
    d.text(at + LABEL_OFFSET, d.baselineFor(middle(i)), b.label);
  });
  d.rule(axis, top, axis, bottom, c.lineColor);

  // The axis: its line and ticks, an amount under each tick that has room for it, the unit under them all.
  d.rule(axis, bottom, end, bottom, c.lineColor);
  for (const { x } of ticks) d.rule(x, bottom, x, bottom + TICK, c.lineColor);
  const labels = ticks.map(({ value, x }, k) => {
    const text = formatAmount(value);
    const w = d.width(text);
    // 0 starts at the axis; the others are centred on their ticks, kept inside the chart.
    const left = k === 0 ? axis : Math.min(width - w, x - w / 2);
    return { text, left, right: left + w };
  });
  const labelBaseline = bottom + TICK + TICK_PADDING + d.capHeight;
  for (const k of printedTicks(labels, c.fontSize / 2)) d.text(labels[k].left, labelBaseline, labels[k].text);
  const titleBaseline = labelBaseline + lineHeight + 2;
  d.text(axis + (end - axis - d.width(c.costAxisTitle)) / 2, titleBaseline, c.costAxisTitle);

  return d.svg(width, Math.ceil(titleBaseline + d.descent + 1));
}
