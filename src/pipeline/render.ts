// Stage 5 — render: a pdfmake document → its pages as PDF content streams, drawn by pdfmake and pdfkit.
// The file itself is written by pdf/writer.ts, so that pages rendered once can be cached and placed in any
// document (one sheet, or a booklet) with one shared font subset.
import { deflateSync } from 'node:zlib';
import type { FontSet, GlyphUsage } from '../pdf/fontset';
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

const builtLayouts = new WeakMap<LayoutSpec, Record<string, object>>();

/** Turn the declarative rulings of layout.yaml into pdfmake's table-layout callbacks (once per layout). */
function tableLayouts(layout: LayoutSpec): Record<string, object> {
  const known = builtLayouts.get(layout);
  if (known) return known;
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
  builtLayouts.set(layout, result);
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

const SAME_STYLE = ['font', 'fontSize', 'color', 'opacity', 'background', 'decoration', 'fontFeatures', 'sup', 'sub'] as const;
const UNMERGEABLE = ['link', 'linkToPage', 'linkToDestination', '_pageNodeRef', 'decoration', 'background', 'sup', 'sub'] as const;

/**
 * pdfmake draws every inline on its own (for Japanese, often one character each: BT … ET per glyph). Adjacent
 * inlines of one style that touch are drawn as one run instead — the same glyphs at the same places, with a
 * fraction of the operators. (pdfmake's own renderer carries this as a TODO.)
 */
function mergeInlines(pages: any[]): void {
  for (const page of pages) {
    for (const item of page.items) {
      if (item.type !== 'line') continue;
      const inlines = item.item.inlines as any[];
      if (inlines.length < 2) continue;
      const merged: any[] = [inlines[0]];
      for (let i = 1; i < inlines.length; i++) {
        const prev = merged[merged.length - 1];
        const next = inlines[i];
        const joinable =
          SAME_STYLE.every((k) => prev[k] === next[k]) &&
          UNMERGEABLE.every((k) => !prev[k] && !next[k]) &&
          !prev.characterSpacing &&
          !next.characterSpacing &&
          Math.abs(prev.x + prev.width - next.x) < 0.001;
        if (joinable) merged[merged.length - 1] = { ...prev, text: prev.text + next.text, width: prev.width + next.width };
        else merged.push(next);
      }
      item.item.inlines = merged;
    }
  }
}

/** Lay out and draw a document definition; nothing is written to disk and no font is embedded here. */
export function renderPages(definition: DocDefinition, layout: LayoutSpec, fontSet: FontSet): RenderedDocument {
  const pageSize = normalizePageSize(definition.pageSize, definition.pageOrientation);
  const doc = fontSet.document({ autoFirstPage: false, bufferPages: true, compress: false, size: [pageSize.width, pageSize.height] });
  // pdfkit turns every drawing operator into a Buffer of its own; keep them as strings and join each page once.
  // pdfmake sets opacity 1 before every line and shape, and pdfkit writes an ExtGState for each call. Fully opaque
  // is the initial state, so those calls are skipped until a template asks for real transparency.
  let translucent = false;
  for (const method of ['opacity', 'fillOpacity', 'strokeOpacity'] as const) {
    const original = doc[method].bind(doc);
    doc[method] = (value: number) => {
      if (value === 1 && !translucent) return doc;
      translucent = true;
      return original(value);
    };
  }
  const operators = new Map<object, string[]>();
  let page: object | undefined;
  let list: string[] = [];
  doc.addContent = (data: string) => {
    if (doc.page !== page) {
      page = doc.page;
      list = [];
      operators.set(page!, list);
    }
    list.push(data);
    return doc;
  };
  const { glyphs } = fontSet.recordGlyphs(() => {
    const builder = new LayoutBuilder(pageSize, normalizePageMargin(definition.pageMargins), new SVGMeasure());
    builder.registerTableLayouts(builtInTableLayouts);
    builder.registerTableLayouts(tableLayouts(layout));
    const pages = builder.layoutDocument(definition.content, doc, definition.styles ?? {}, definition.defaultStyle ?? {});
    mergeInlines(pages);
    new Renderer(doc, undefined).renderPages(pages);
  });
  const pages: RenderedPage[] = doc._pageBuffer.map((page: any) => ({
    width: page.width,
    height: page.height,
    content: deflateSync(Buffer.from(`${(operators.get(page) ?? []).join('\n')}\n`, 'latin1')),
    extGStates: Object.fromEntries(
      Object.entries(page.ext_gstates as Record<string, any>).map(([name, ref]) => [name, { ...ref.data }]),
    ),
    fonts: Object.keys(page.fonts).sort(),
  }));
  return { pages, glyphs: glyphTable(glyphs) };
}
