// Stage 5 — render: a pdfmake document → its pages as PDF content streams, drawn by pdfmake and pdfkit.
// The file itself is written by pdf/writer.ts, so that pages rendered once can be cached and placed in any
// document (one sheet, or a booklet) with one shared font subset.
import { deflateSync } from 'node:zlib';
import { recordGlyphs, type FontSet, type GlyphUsage } from './fontset';
import type { DocDefinition, LayoutSpec } from './layout';

/* eslint-disable @typescript-eslint/no-var-requires */
const LayoutBuilder = require('pdfmake/js/LayoutBuilder').default;
const Renderer = require('pdfmake/js/Renderer').default;
const SVGMeasure = require('pdfmake/js/SVGMeasure').default;
const { normalizePageSize, normalizePageMargin } = require('pdfmake/js/PageSize');
const { tableLayouts: builtInTableLayouts } = require('pdfmake/js/tableLayouts');

/** One page as drawn: its content stream (deflated) and the resources that stream names. */
export interface RenderedPage {
  width: number;
  height: number;
  content: Buffer;
  extGStates: Record<string, Record<string, number | string>>;
  fonts: string[];
}

/**
 * The glyphs pages use, by font resource name: their ids, and the characters each stands for (separated by NUL).
 * Kept compact: a booklet holds a thousand of these.
 */
export type GlyphTable = Record<string, { ids: Uint16Array; text: string }>;

export interface RenderedDocument {
  pages: RenderedPage[];
  glyphs: GlyphTable;
}

/** Turn the declarative rulings of layout.yaml into pdfmake's table-layout callbacks. */
function tableLayouts(layout: LayoutSpec): Record<string, object> {
  const result: Record<string, object> = {};
  for (const [name, spec] of Object.entries(layout.tableLayouts)) {
    const [left, top, right, bottom] = spec.padding;
    result[name] = {
      hLineWidth: () => spec.lineWidth,
      vLineWidth: () => spec.lineWidth,
      hLineColor: () => spec.lineColor,
      vLineColor: () => spec.lineColor,
      paddingLeft: () => left,
      paddingTop: () => top,
      paddingRight: () => right,
      paddingBottom: () => bottom,
    };
  }
  return result;
}

export function glyphTable(usage: GlyphUsage): GlyphTable {
  const table: GlyphTable = {};
  for (const [font, glyphs] of Object.entries(usage)) {
    const ids = [...glyphs.keys()].sort((a, b) => a - b);
    table[font] = { ids: Uint16Array.from(ids), text: ids.map((id) => String.fromCodePoint(...glyphs.get(id)!.codePoints)).join('\0') };
  }
  return table;
}

/** Lay out and draw a document definition; nothing is written to disk and no font is embedded here. */
export function renderPages(definition: DocDefinition, layout: LayoutSpec, fontSet: FontSet): RenderedDocument {
  const pageSize = normalizePageSize(definition.pageSize, definition.pageOrientation);
  const doc = fontSet.document({ autoFirstPage: false, bufferPages: true, compress: false, size: [pageSize.width, pageSize.height] });
  const { glyphs } = recordGlyphs(() => {
    const builder = new LayoutBuilder(pageSize, normalizePageMargin(definition.pageMargins), new SVGMeasure());
    builder.registerTableLayouts(builtInTableLayouts);
    builder.registerTableLayouts(tableLayouts(layout));
    const pages = builder.layoutDocument(definition.content, doc, definition.styles ?? {}, definition.defaultStyle ?? {});
    new Renderer(doc, undefined).renderPages(pages);
  });
  const pages: RenderedPage[] = doc._pageBuffer.map((page: any) => ({
    width: page.width,
    height: page.height,
    content: deflateSync(Buffer.concat(page.content.buffer)),
    extGStates: Object.fromEntries(
      Object.entries(page.ext_gstates as Record<string, any>).map(([name, ref]) => [name, { ...ref.data }]),
    ),
    fonts: Object.keys(page.fonts).sort(),
  }));
  return { pages, glyphs: glyphTable(glyphs) };
}
