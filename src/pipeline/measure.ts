// Text measured by pdfmake's own layout engine, with the fonts loaded once: what is measured here is what prints.
// pdfmake has no public measuring API, so this uses its LayoutBuilder directly (version pinned in package.json).
import { inlineRuns } from '../model/line-breaking';
import type { FontSet } from '../pdf/fontset';

/* eslint-disable @typescript-eslint/no-var-requires */
const LayoutBuilder = require('pdfmake/js/LayoutBuilder').default;
const SVGMeasure = require('pdfmake/js/SVGMeasure').default;

export interface TextStyle {
  font: string;
  fontSize: number;
  lineHeight: number;
  bold?: boolean;
  characterSpacing?: number;
}

export interface Measured {
  height: number;
  lines: number;
  /** The widest line: more than the column's width when a run that cannot break is wider than it. */
  width: number;
}

export interface Measurer {
  /** Lay out `text` in a column `width` points wide; how tall it is and in how many lines. */
  measure(text: string, width: number, style: TextStyle): Measured;
  /** The advance width of one character at 1 pt, for quick bounds before a real measurement. */
  advance(char: string): number;
}

/**
 * The form's own break opportunities (`breakAfter` runs, model/line-breaking.ts) on a pdfmake layout builder.
 * pdfmake joins two text runs into one unbreakable word wherever UAX #14 sees no break between them (`noNewLine`:
 * `www.` + `city.`); a run marked `breakAfter` may end a line. Installed on every builder that measures or
 * draws, so that what is measured is what prints.
 */
export function allowFormBreaks(builder: any): void {
  const seen = new WeakSet<object>();
  const buildNextLine = builder.buildNextLine.bind(builder);
  builder.buildNextLine = (node: any) => {
    const inlines = node?._inlines;
    if (Array.isArray(inlines) && !seen.has(inlines)) {
      seen.add(inlines);
      for (const inline of inlines) if (inline.breakAfter) inline.noNewLine = false;
    }
    // pdfmake adds up a line's widths in one order to see that a run fits and in another to see whether it must
    // be cut: text in a column exactly its own width (an `auto` column, as the contents' names) lost its last
    // character to a rounding error of 1e-14 pt. A millionth of a point of slack is invisible.
    const context = builder.writer?.context();
    if (!context) return buildNextLine(node);
    const available = context.availableWidth;
    context.availableWidth = available + 1e-6;
    try {
      return buildNextLine(node);
    } finally {
      context.availableWidth = available;
    }
  };
}

export function createMeasurer(fontSet: FontSet): Measurer {
  // One document shared by every measurement; its fonts are the process-wide shared ones.
  const doc = fontSet.document({ autoFirstPage: false, size: [100, 100] });
  const margins = { left: 0, top: 0, right: 0, bottom: 0 };
  const cache = new Map<string, Measured>();
  const advances = new Map<string, number>();
  let regular: any;

  return {
    measure(text, width, style) {
      const key = `${width}|${style.fontSize}|${style.characterSpacing ?? 0}|${style.bold ? 1 : 0}|${text}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const builder = new LayoutBuilder({ width, height: Infinity, orientation: 'portrait' }, margins, new SVGMeasure());
      allowFormBreaks(builder);
      const node = { text: inlineRuns(text), preserveLeadingSpaces: true, bold: !!style.bold, characterSpacing: style.characterSpacing ?? 0 };
      const pages = builder.layoutDocument([node], doc, {}, { font: style.font, fontSize: style.fontSize, lineHeight: style.lineHeight });
      let height = 0;
      let lines = 0;
      let widest = 0;
      for (const page of pages) {
        for (const item of page.items) {
          if (item.type !== 'line') continue;
          lines++;
          height = Math.max(height, item.item.y + item.item.getHeight());
          widest = Math.max(widest, item.item.getWidth());
        }
      }
      const result = { height, lines, width: widest };
      if (cache.size > 5_000) cache.clear();
      cache.set(key, result);
      return result;
    },
    advance(char) {
      const known = advances.get(char);
      if (known !== undefined) return known;
      regular ??= fontSet.fonts[0].pdfkit;
      const width: number = regular.widthOfString(char, 1);
      advances.set(char, width);
      return width;
    },
  };
}
