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
}

export interface Measurer {
  /** Lay out `text` in a column `width` points wide; how tall it is and in how many lines. */
  measure(text: string, width: number, style: TextStyle): Measured;
  /** The advance width of one character at 1 pt, for quick bounds before a real measurement. */
  advance(char: string): number;
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
      const node = { text: inlineRuns(text), preserveLeadingSpaces: true, bold: !!style.bold, characterSpacing: style.characterSpacing ?? 0 };
      const pages = builder.layoutDocument([node], doc, {}, { font: style.font, fontSize: style.fontSize, lineHeight: style.lineHeight });
      let height = 0;
      let lines = 0;
      for (const page of pages) {
        for (const item of page.items) {
          if (item.type !== 'line') continue;
          lines++;
          height = Math.max(height, item.item.y + item.item.getHeight());
        }
      }
      const result = { height, lines };
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
