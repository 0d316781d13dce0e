// Text measured by pdfmake's own layout engine (through pdf/pdfmake.ts), with the fonts loaded once: what is
// measured here is what prints.
import { inlineRuns } from '../model/line-breaking';
import type { FontSet } from '../pdf/fontset';
import { textMeasurer, type PdfkitFont, type TextBlock, type TextStyle } from '../pdf/pdfmake';

export interface Measurer {
  /** Lay out `text` in a column `width` points wide; how tall it is and in how many lines. */
  measure(text: string, width: number, style: TextStyle): TextBlock;
  /** The advance width of one character at 1 pt, for quick bounds before a real measurement. */
  advance(char: string): number;
}

export function createMeasurer(fontSet: FontSet): Measurer {
  const layOut = textMeasurer(fontSet.pdfmake);
  const cache = new Map<string, TextBlock>();
  const advances = new Map<string, number>();
  let regular: PdfkitFont | undefined;

  return {
    measure(text, width, style) {
      const key = `${width}|${style.fontSize}|${style.characterSpacing ?? 0}|${style.bold ? 1 : 0}|${text}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const result = layOut(inlineRuns(text), width, style);
      if (cache.size > 5_000) cache.clear();
      cache.set(key, result);
      return result;
    },
    advance(char) {
      const known = advances.get(char);
      if (known !== undefined) return known;
      regular ??= fontSet.fonts[0].pdfkit;
      const width = regular.widthOfString(char, 1);
      advances.set(char, width);
      return width;
    },
  };
}
