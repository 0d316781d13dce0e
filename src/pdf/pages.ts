// Pages as drawn (by pdf/pdfmake.ts) and placed in files (by pdf/writer.ts): what the render stage hands on, what
// the cache keeps and what a booklet is assembled from.
import type { StructNode } from './structure';

/** One page as drawn: its content stream (deflated) and the resources that stream names. */
export interface RenderedPage {
  width: number;
  height: number;
  content: Buffer;
  extGStates: Record<string, Record<string, number | string>>;
  fonts: string[];
  /**
   * The page's marked content: `marks[mcid]` is the structure element (index into the document's `structure`)
   * that the sequence with that MCID belongs to. Page-local, so a cached page can be placed in any file.
   */
  marks: number[];
}

/** Where an element's text lies on a page (PDF user space, unshifted): for link annotations. */
export interface Region {
  node: number;
  page: number;
  rect: [number, number, number, number];
}

/** Which glyphs of which font (by resource name, `F1`…) the pages drawn so far have used. */
export type GlyphUsage = Record<string, Set<number>>;

/**
 * The glyphs pages use, by font resource name: their ids, in order. Only the ids: what each glyph stands for is
 * the font's to say (pdf/glyph-text.ts), so no page, however and whenever it was drawn, can carry a text layer of
 * its own. Kept compact: a booklet holds a thousand of these.
 */
export type GlyphTable = Record<string, Uint16Array>;

export interface RenderedDocument {
  pages: RenderedPage[];
  glyphs: GlyphTable;
  /** The document's structure elements, the root first (see pdf/structure.ts). */
  structure: StructNode[];
  /** Where the text of each `Link` element lies. */
  regions: Region[];
}

export function glyphTable(usage: GlyphUsage): GlyphTable {
  const table: GlyphTable = {};
  for (const [font, glyphs] of Object.entries(usage)) table[font] = Uint16Array.from(glyphs).sort();
  return table;
}
