// Stage 5 — render: a pdfmake document → its pages as PDF content streams, drawn by pdfmake and pdfkit (through
// pdf/pdfmake.ts). The file itself is written by pdf/writer.ts, so that pages rendered once can be cached and placed
// in any document (one sheet, or a booklet) with one shared font subset.
import type { FontSet } from '../pdf/fontset';
import { glyphTable, type RenderedDocument } from '../pdf/pages';
import { drawPages, type DocDefinition } from '../pdf/pdfmake';
import { tagDefinition } from '../pdf/structure';
import type { LayoutSpec } from './layout';

/** Lay out and draw a document definition; nothing is written to disk and no font is embedded here. */
export function renderPages(definition: DocDefinition, layout: LayoutSpec, fontSet: FontSet): RenderedDocument {
  const structure = tagDefinition(definition);
  const { result, glyphs } = fontSet.recordGlyphs(() =>
    drawPages(definition, { fonts: fontSet.pdfmake, tableRules: layout.tableLayouts, structure, unspelled: () => fontSet.unspelled }),
  );
  return { pages: result.pages, glyphs: glyphTable(glyphs), structure, regions: result.regions };
}
