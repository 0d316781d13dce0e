// Stage 5 — render: a pdfmake document → its pages as PDF content streams, drawn by pdfmake and pdfkit.
// The file itself is written by pdf/writer.ts, so that pages rendered once can be cached and placed in any
// document (one sheet, or a booklet) with one shared font subset.
import { deflateSync } from 'node:zlib';
import type { FontSet, GlyphUsage } from '../pdf/fontset';
import { ARTIFACT_LAYOUT, ARTIFACT_PAGINATION, tagDefinition, type StructNode } from '../pdf/structure';
import type { DocDefinition, LayoutSpec } from './layout';
import { allowFormBreaks } from './measure';

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
  for (const [font, glyphs] of Object.entries(usage)) table[font] = Uint16Array.from(glyphs).sort();
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
  // Each run is copied once, when it ends (not once per character joined to it).
  const plain = (inline: any) => !inline.characterSpacing && UNMERGEABLE.every((k) => !inline[k]);
  const sameStyle = (a: any, b: any) => SAME_STYLE.every((k) => a[k] === b[k]);
  for (const page of pages) {
    for (const item of page.items) {
      if (item.type !== 'line') continue;
      const inlines = item.item.inlines as any[];
      if (inlines.length < 2) continue;
      const merged: any[] = [];
      let first = inlines[0];
      let firstPlain = plain(first);
      let text: string = first.text;
      let width: number = first.width;
      let joined = false;
      const endRun = () => merged.push(joined ? { ...first, text, width } : first);
      for (let i = 1; i < inlines.length; i++) {
        const next = inlines[i];
        const nextPlain = plain(next);
        if (firstPlain && nextPlain && sameStyle(first, next) && Math.abs(first.x + width - next.x) < 0.001) {
          text += next.text;
          width += next.width;
          joined = true;
          continue;
        }
        endRun();
        first = next;
        firstPlain = nextPlain;
        text = next.text;
        width = next.width;
        joined = false;
      }
      endRun();
      item.item.inlines = merged;
    }
  }
}

/** The text of a line that pdfmake laid out. */
const textOf = (line: any): string => line.inlines.map((inline: any) => inline.text).join('');

/** A text string as PDF hex (UTF-16BE with BOM), for marked-content properties. */
function hexText(text: string): string {
  let hex = 'feff';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return `<${hex}>`;
}

/** Lay out and draw a document definition; nothing is written to disk and no font is embedded here. */
export function renderPages(definition: DocDefinition, layout: LayoutSpec, fontSet: FontSet): RenderedDocument {
  const structure = tagDefinition(definition);
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

  // Marked content (PDF/UA, ISO 14289-1 7.1): every line of text is drawn inside a sequence tagged with its element
  // and a page-local MCID; every ruling and fill inside an Artifact. Consecutive lines of one element share a sequence.
  const marks = new Map<object, number[]>();
  const regions: Region[] = [];
  const pageIndex = new Map<object, number>();
  let open: number | undefined; // the element (or ARTIFACT_*) whose sequence is open
  const close = () => {
    if (open !== undefined) doc.addContent('EMC');
    open = undefined;
  };
  const enter = (sid: number) => {
    if (open === sid) return;
    close();
    if (sid === ARTIFACT_LAYOUT) doc.addContent('/Artifact <</Type /Layout>> BDC');
    else if (sid === ARTIFACT_PAGINATION) doc.addContent('/Artifact <</Type /Pagination>> BDC');
    else {
      const pageMarks = marks.get(doc.page)!;
      doc.addContent(`/${structure[sid].s} <</MCID ${pageMarks.length}>> BDC`);
      pageMarks.push(sid);
    }
    open = sid;
  };
  const addPage = doc.addPage.bind(doc);
  doc.addPage = (options: object) => {
    close();
    const result = addPage(options);
    marks.set(doc.page, []);
    pageIndex.set(doc.page, pageIndex.size);
    return result;
  };

  const { glyphs } = fontSet.recordGlyphs(() => {
    const builder = new LayoutBuilder(pageSize, normalizePageMargin(definition.pageMargins), new SVGMeasure());
    builder.registerTableLayouts(builtInTableLayouts);
    builder.registerTableLayouts(tableLayouts(layout));
    allowFormBreaks(builder);
    // Each line remembers the element of the node it was set from (the innermost node that has one).
    let current: number | undefined;
    const processNode = builder.processNode.bind(builder);
    builder.processNode = (node: any, ...rest: unknown[]) => {
      const outer = current;
      if (node && node._sid !== undefined) current = node._sid;
      try {
        return processNode(node, ...rest);
      } finally {
        current = outer;
      }
    };
    const buildNextLine = builder.buildNextLine.bind(builder);
    // A line that ends where its text has a line break (pdfmake's newLineForced) keeps it in `_after`, with each
    // line of white space alone after it in the same text (such a line draws nothing a reader finds), so that
    // the line can state them.
    let lastNode: unknown;
    let lastLine: any;
    builder.buildNextLine = (node: any) => {
      const line = buildNextLine(node);
      if (line) {
        line._sid = current ?? ARTIFACT_LAYOUT;
        const own = textOf(line);
        if (own.trim() === '' && node === lastNode && lastLine?._after !== undefined) lastLine._after += own + (line.newLineForced ? '\n' : '');
        else {
          if (line.newLineForced) line._after = '\n';
          lastLine = line;
        }
        lastNode = node;
      }
      return line;
    };
    const pages = builder.layoutDocument(definition.content, doc, definition.styles ?? {}, definition.defaultStyle ?? {});
    mergeInlines(pages);

    const renderer = new Renderer(doc, undefined);
    const renderLine = renderer.renderLine.bind(renderer);
    const text = doc.text.bind(doc);
    const fill = doc.fill.bind(doc);
    renderer.renderLine = (line: any, x: number, y: number) => {
      enter(line._sid);
      if (line._sid >= 0 && structure[line._sid].s === 'Link') {
        const h = doc.page.height;
        const top = y;
        const bottom = y + line.getHeight();
        const left = x + (line.inlines[0]?.x ?? 0);
        const right = x + line.inlines.reduce((m: number, i: any) => Math.max(m, i.x + i.width), 0);
        regions.push({ node: line._sid, page: pageIndex.get(doc.page)!, rect: [left, h - bottom, right, h - top] });
      }
      // A line followed by line breaks of its text states its text with them (ActualText): no reader can tell a
      // line break typed from one made where the box was full, and import gives the typed ones back.
      const stated = line._after !== undefined ? textOf(line) : '';
      stating = stated.trim() !== '';
      if (stating) doc.addContent(`/Span <</ActualText ${hexText(stated + line._after)}>> BDC`);
      inLine = true;
      try {
        return renderLine(line, x, y);
      } finally {
        inLine = false;
        if (stating) doc.addContent('EMC');
        stating = false;
      }
    };
    // While a line of text is drawn (installed once, not per line: this runs for every line of every sheet):
    let inLine = false;
    // While the line drawn states its whole text (then its runs need not state their own).
    let stating = false;
    // pdfmake sets the text colour with fill(colour), which also paints an empty path (a stray `f`): set the colour only.
    doc.fill = (color?: unknown, ...rest: unknown[]) =>
      inLine && color !== undefined && rest.length === 0 ? doc.fillColor(color) : fill(color, ...rest);
    // Say what a run really holds (ActualText) where its glyphs alone would not: a full-width space, which pdf.js
    // reads back as a plain one (for it and for import), and glyphs that do not spell the run's text through the
    // fonts' ToUnicode maps (fontSet.unspelled: a glyph two characters share, a character the font hides).
    doc.text = (value: string, ...rest: unknown[]) => {
      // A line that states its whole text (line breaks and all) states this run's too.
      if (!inLine || stating) return text(value, ...rest);
      const unspelled = fontSet.unspelled;
      const before = operators.get(doc.page);
      const at = before?.length ?? 0;
      text(value, ...rest);
      if (!value.includes('\u3000') && fontSet.unspelled === unspelled) return doc;
      // The run is drawn by then: the sequence opens just before its operators (on its page's list, which the run
      // may have begun).
      const drawn = operators.get(doc.page)!;
      drawn.splice(drawn === before ? at : 0, 0, `/Span <</ActualText ${hexText(value)}>> BDC`);
      return doc.addContent('EMC');
    };
    const renderVector = renderer.renderVector.bind(renderer);
    renderer.renderVector = (vector: unknown) => {
      enter(ARTIFACT_LAYOUT);
      return renderVector(vector);
    };
    // Graphics-state changes (vertical alignment, clips) stay outside the sequences, so that q/Q and BDC/EMC nest.
    for (const method of ['beginClip', 'endClip', 'beginVerticalAlignment', 'endVerticalAlignment', 'renderImage', 'renderSVG', 'renderAttachment'] as const) {
      const original = renderer[method].bind(renderer);
      renderer[method] = (...args: unknown[]) => {
        close();
        // An image or chart is decoration unless its node is an element of its own (a Figure with its /Alt).
        const sid = (args[0] as { _sid?: number } | undefined)?._sid;
        if (method === 'renderImage' || method === 'renderSVG') enter(sid !== undefined && sid >= 0 ? sid : ARTIFACT_LAYOUT);
        const result = original(...args);
        if (method === 'renderImage' || method === 'renderSVG') close();
        return result;
      };
    }
    renderer.renderPages(pages);
    close();
  });
  const pages: RenderedPage[] = doc._pageBuffer.map((page: any) => ({
    width: page.width,
    height: page.height,
    // The fastest level: a booklet of 1,000 sheets is some 125 MB of operators, deflated in a third of the time
    // of the default level, for a file about 8% larger.
    content: deflateSync(Buffer.from(`${(operators.get(page) ?? []).join('\n')}\n`, 'latin1'), { level: 1 }),
    extGStates: Object.fromEntries(
      Object.entries(page.ext_gstates as Record<string, any>).map(([name, ref]) => [name, { ...ref.data }]),
    ),
    fonts: Object.keys(page.fonts).sort(),
    marks: marks.get(page) ?? [],
  }));
  return { pages, glyphs: glyphTable(glyphs), structure, regions };
}
