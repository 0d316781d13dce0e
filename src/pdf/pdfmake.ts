// The adapter to pdfmake and pdfkit: the one file that loads their private modules and patches them. The rest of
// sheetbook lays out, measures and draws through the small API below (and dependency-cruiser keeps it so).
//
// pdfmake has no public API for what sheetbook needs — measuring text with its own layout engine, drawing pages
// without writing a file, fonts parsed once for a thousand documents, marked content for PDF/UA — so this file
// drives its LayoutBuilder and Renderer directly and patches pdfkit's document and font objects. Every patch is
// marked PATCH with the reason it is needed. They were written for the versions declared below (pdfmake's, and the
// pdfkit and fontkit it brought), which test/pdfmake-versions.test.ts compares with the installed ones: after an
// upgrade, read each patch against the new sources and compare the PDFs of the bundled data, byte for byte, before
// and after.
//
// The patches, in order: style lookup (3, on pdfmake's StyleContextStack and TextInlines, at load); each text
// measured once (TextInlines#buildInlines, at load); per font,
// pdfkit's `encode` (glyph ids), its `layoutCache` (emptied when large) and fontkit's `layout` (no shaping where
// it changes nothing); per pdfmake document, `provideFont` and pdfkit's font table; per layout builder,
// `buildNextLine` (the form's breaks, a rounding slack, and the fit stage's lines kept and drawn: measured-texts.ts)
// and, when drawing, `processNode`; per drawn document,
// pdfkit's `opacity`, `fillOpacity`, `strokeOpacity`, `addContent`, `addPage`, `fill` and `text`, and the
// renderer's `renderLine`, `renderVector` and graphics-state methods (marked content). Private members only read:
// pdfkit's `_font`, `_fontFamilies`, `_pageBuffer`, and a page's `ext_gstates` and `fonts`; fontkit's
// `_cmapProcessor`; pdfmake's laid-out lines (`inlines`, `newLineForced`) and `_inlines`.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { InlineRun } from '../model/line-breaking';
import { plainTextLayout } from './direct-layout';
import type { RenderedPage, Region } from './pages';
import { ARTIFACT_LAYOUT, ARTIFACT_PAGINATION, type StructNode } from './structure';
import { LaidOutLines, MeasuredTexts } from './measured-texts';
import { getProperty, getStyleProperty, keepingAnswers, type Stack } from './style-lookup';

/** The pdfmake release the patches below were written for (package.json pins it exactly). */
export const PDFMAKE_VERSION = '0.3.11';
/** The pdfkit release pdfmake brought with it then (package-lock.json holds it). */
export const PDFKIT_VERSION = '0.19.1';
/** The fontkit release pdfkit brought with it then: the font objects patched here, whose shaping direct-layout.ts copies. */
export const FONTKIT_VERSION = '2.0.4';

/* eslint-disable @typescript-eslint/no-var-requires */
const PdfmakeDocument = require('pdfmake/js/PDFDocument').default;
const LayoutBuilder = require('pdfmake/js/LayoutBuilder').default;
const Line = require('pdfmake/js/Line').default;
const Renderer = require('pdfmake/js/Renderer').default;
const SVGMeasure = require('pdfmake/js/SVGMeasure').default;
const TextInlines = require('pdfmake/js/TextInlines').default;
const StyleContextStack = require('pdfmake/js/StyleContextStack').default;
const { normalizePageSize, normalizePageMargin } = require('pdfmake/js/PageSize');
const { tableLayouts: builtInTableLayouts } = require('pdfmake/js/tableLayouts');

/** A pdfmake document definition (kept loose: pdfmake validates its own shape). */
export type DocDefinition = Record<string, any>;

// ---------------------------------------------------------------------------------------------------------------
// Style lookup (pdf/style-lookup.ts): the same answers as pdfmake's, without its allocations.

// PATCH: pdfmake's StyleContextStack#getProperty pushes, closes over and pops for every question; a sixth of drawing
// a sheet. The replacement walks the same stack in the same order.
StyleContextStack.prototype.getProperty = function (this: Stack, property: string) {
  return getProperty(this, property);
};
// PATCH: StyleContextStack.getStyleProperty, asked some twenty times per inline, likewise (and it reuses the answers
// kept while a text's inlines are measured, below).
StyleContextStack.getStyleProperty = getStyleProperty;
// PATCH: TextInlines#measure asks one stack the same questions for each of a text's inlines, and the stack does not
// change meanwhile: its answers are kept while it runs.
const measureInlines = TextInlines.prototype.measure;
TextInlines.prototype.measure = function (this: unknown, array: unknown[], stack: Stack | undefined) {
  return keepingAnswers(stack, () => measureInlines.call(this, array, stack));
};
// PATCH: TextInlines#buildInlines measures a text anew each time it is set, though its answer depends only on the
// text, its fonts and its style: the same labels on every sheet, a box's text measured by the fit stage and then
// drawn. Each is measured once (pdf/measured-texts.ts) and copied after.
const buildInlines = TextInlines.prototype.buildInlines;
const measuredTexts = new MeasuredTexts();
const laidOutLines = new LaidOutLines();
TextInlines.prototype.buildInlines = function (this: { pdfDocument: any }, text: unknown, stack: Stack | undefined) {
  const build = () => buildInlines.call(this, text, stack);
  if (!stack) return build();
  return measuredTexts.measure(text, stack, (family, bold, italics) => this.pdfDocument.provideFont(family, bold, italics), build);
};

// ---------------------------------------------------------------------------------------------------------------
// Fonts

/** Where a PdfkitFont keeps pdfkit's own font object (not exported: only this file reaches it). */
const KIT: unique symbol = Symbol('pdfkit EmbeddedFont');

/** What a font file says of itself, for its font descriptor (ISO 32000-1 9.8), in thousandths of the font size. */
export interface FontDescriptorMetrics {
  postscriptName: string;
  bbox: [number, number, number, number];
  italicAngle: number;
  ascent: number;
  descent: number;
  capHeight: number;
  xHeight: number;
}

/** One font as pdfkit holds it (its EmbeddedFont), parsed once and shared by every document of the process. */
export class PdfkitFont {
  readonly [KIT]: any;
  /** How often trimLayoutCache was called (it counts the cache's strings every sixteenth time). */
  private trimCalls = 0;

  constructor(kit: any) {
    this[KIT] = kit;
  }

  /** fontkit's font object: its tables and character map (pdf/glyph-text.ts, pdf/direct-layout.ts). */
  get fontkit(): any {
    return this[KIT].font;
  }

  get ascender(): number {
    return this[KIT].ascender;
  }

  get descender(): number {
    return this[KIT].descender;
  }

  get capHeight(): number {
    return this[KIT].capHeight;
  }

  /** The width of `text` set at `size` points, as pdfkit lays it out. */
  widthOfString(text: string, size: number): number {
    return this[KIT].widthOfString(text, size);
  }

  /** The glyphs pdfkit sets for `text`, and their advance in thousandths of the font size. */
  glyphRun(text: string): { ids: number[]; width: number } {
    const kit = this[KIT];
    const { glyphs } = kit.layout(text);
    const ids: number[] = [];
    let width = 0;
    for (const g of glyphs) {
      width += g.advanceWidth * kit.scale;
      ids.push(g.id);
    }
    return { ids, width };
  }

  descriptor(): FontDescriptorMetrics {
    const kit = this[KIT];
    const bbox = kit.font.bbox;
    return {
      postscriptName: String(kit.font.postscriptName),
      bbox: [bbox.minX * kit.scale, bbox.minY * kit.scale, bbox.maxX * kit.scale, bbox.maxY * kit.scale],
      italicAngle: kit.font.italicAngle,
      ascent: kit.ascender,
      descent: kit.descender,
      capHeight: (kit.font.capHeight || kit.font.ascent) * kit.scale,
      xHeight: (kit.font.xHeight || 0) * kit.scale,
    };
  }

  /**
   * Each glyph's advance, in thousandths of the font size: read from the font's metrics, not from fontkit glyph
   * objects (one made to ask would stand for no characters).
   */
  advances(ids: readonly number[]): number[] {
    const kit = this[KIT];
    const metrics = kit.font.hmtx.metrics;
    return ids.map((id) => metrics.get(Math.min(id, metrics.length - 1)).advance * kit.scale);
  }

  /**
   * PATCH (EmbeddedFont#layoutCache): pdfkit keeps the layout of every string it has set, forever; over a thousand
   * sheets that is most of the memory. Start afresh once the cache is large (each sheet's own repeated labels stay
   * cached within it). Counting the cache's strings costs as much as a third of a millisecond, so they are counted
   * every sixteenth call (once per sheet): the cache may pass the limit by sixteen sheets' new strings.
   */
  trimLayoutCache(limit: number): void {
    if (this.trimCalls++ % 16 !== 0) return;
    const kit = this[KIT];
    if (kit.layoutCache && Object.keys(kit.layoutCache).length > limit) kit.layoutCache = Object.create(null);
  }
}

/**
 * The glyph id fontkit's character map gives a character, read from its cmap processor: fontkit's public
 * `glyphForCodePoint` makes a glyph object, whose characters would then depend on this call (pdf/glyph-text.ts).
 */
export function fontkitGlyphId(fontkitFont: any, codePoint: number): number {
  return fontkitFont._cmapProcessor.lookup(codePoint);
}

/** A fontkit font of these bytes, made as pdfkit makes it, with nothing of this file installed (for tests). */
export function fontkitFontOf(bytes: Buffer): any {
  return scratchDocument().font(bytes)._font.font;
}

/** A document that only makes font objects. (`font: null`: pdfkit parses no Helvetica metrics for it.) */
const scratchDocument = () => new PdfmakeDocument({}, {}, {}, {}, { autoFirstPage: false, size: [100, 100], font: null }, null, () => false);

/**
 * PATCH (fontkit's Font#layout): lay out without OpenType shaping the strings shaping cannot change
 * (pdf/direct-layout.ts; shaping is much of a one-sheet build). Returns false, changing nothing, for a font that
 * file cannot read.
 */
export function installPlainTextLayout(fontkitFont: any): boolean {
  const layout = plainTextLayout(fontkitFont);
  if (!layout) return false;
  fontkitFont.layout = layout;
  return true;
}

/** What a FontSet (pdf/fontset.ts) is told of each run pdfkit encodes. */
export interface EncodingHooks {
  /** The characters a glyph stands for (from the font's bytes: pdf/glyph-text.ts). */
  codePointsOf(glyphId: number): number[];
  /** A run was encoded: its glyphs (fontkit's objects, read for their ids) and the text asked for. */
  encoded(glyphs: readonly { id: number }[], text: string): void;
}

/**
 * Opens fonts as pdfkit objects (one scratch document for all of them), each named `id` (its resource name,
 * `F1`…), laid out without shaping where that changes nothing. `encodeWith` then gives it its encoding.
 */
export function fontOpener(): (bytes: Buffer, id: string) => PdfkitFont {
  const scratch = scratchDocument();
  return (bytes, id) => {
    const kit = scratch.font(bytes)._font;
    installPlainTextLayout(kit.font);
    kit.id = id;
    return new PdfkitFont(kit);
  };
}

/**
 * PATCH (pdfkit's EmbeddedFont#encode): encode text with the font's own glyph ids, not ids of a subset made per
 * document, so that a page drawn once can be placed in any file (one sheet, or a booklet that embeds one subset
 * for all its pages); and tell `hooks` which glyphs each run used.
 */
export function encodeWith(font: PdfkitFont, hooks: EncodingHooks): void {
  const kit = font[KIT];
  const originalLayout = kit.layout.bind(kit);
  kit.encode = (value: string, features?: unknown) => {
    const { glyphs, positions } = originalLayout(value, features);
    const encoded: string[] = [];
    for (const glyph of glyphs) {
      encoded.push(glyph.id.toString(16).padStart(4, '0'));
      // pdfkit's own table of the characters behind each encoded glyph, which SVG text (svg-to-pdfkit) reads.
      kit.unicode[glyph.id] ??= hooks.codePointsOf(glyph.id);
    }
    hooks.encoded(glyphs, value);
    return [encoded, positions];
  };
}

/** The fonts as pdfmake sees them: families of faces, each a shared PdfkitFont. */
export class PdfmakeFonts {
  private readonly faces: { family: string; face: 'normal' | 'bold'; font: PdfkitFont }[] = [];
  /** pdfmake's font table: family → face → a placeholder (the fonts are given by `provideFont`). */
  private readonly descriptors: Record<string, Record<string, string>> = {};

  add(family: string, face: 'normal' | 'bold', font: PdfkitFont): void {
    this.faces.push({ family, face, font });
    const faces = (this.descriptors[family] ??= {});
    faces[face] = `${family}-${face}`;
    // No italics: the form has none, and pdfmake asks for them by name.
    faces[face === 'normal' ? 'italics' : 'bolditalics'] = faces[face];
  }

  font(family: string, bold: boolean): PdfkitFont {
    const face = bold ? 'bold' : 'normal';
    const found = this.faces.find((f) => f.family === family && f.face === face);
    if (!found) throw new Error(`フォント「${family}」（${face}）が fonts/fonts.json にありません`);
    return found.font;
  }

  /** A pdfmake PDFDocument that takes its fonts from this set instead of parsing them again. */
  document(options: object): any {
    // (`font: null` stops pdfkit from loading its default Helvetica metrics for every document, as pdfmake does.)
    const doc = new PdfmakeDocument(this.descriptors, {}, {}, {}, { font: null, ...options }, null, () => false);
    // PATCH: pdfmake's provideFont would read the font's file again for each document.
    doc.provideFont = (family: string, bold: boolean) => this.font(family, bold)[KIT];
    // PATCH: SVG text (svg-to-pdfkit) selects its font with pdfkit's `doc.font(key)`, the key being pdfmake's font
    // file (`descriptors`): known here, that is the shared font, never a file loaded again or a standard font.
    for (const { family, face, font } of this.faces) doc._fontFamilies[`${family}-${face}`] = font[KIT];
    return doc;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Laying out and measuring

/**
 * PATCH (LayoutBuilder#buildNextLine), on every builder that measures or draws, so that what is measured is what
 * prints: the form's own break opportunities (`breakAfter` runs, model/line-breaking.ts). pdfmake joins two text
 * runs into one unbreakable word wherever UAX #14 sees no break between them (`noNewLine`: `www.` + `city.`); a
 * run marked `breakAfter` may end a line. The measuring builder (`record`) keeps the lines it builds of a text, and
 * the drawing builder (`replay`) is given them for the same text at the same width rather than building them again.
 */
function allowFormBreaks(builder: any, lines: 'record' | 'replay'): void {
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
      // Each text laid out once: the lines the fit stage built of a box are the lines its page draws.
      const build = () => buildNextLine(node);
      return lines === 'record'
        ? laidOutLines.record(node, available, build)
        : laidOutLines.replay(node, available, () => new Line(context.availableWidth), build);
    } finally {
      context.availableWidth = available;
    }
  };
}

export interface TextStyle {
  font: string;
  fontSize: number;
  lineHeight: number;
  bold?: boolean;
  characterSpacing?: number;
}

export interface TextBlock {
  height: number;
  lines: number;
  /** The widest line: more than the column's width when a run that cannot break is wider than it. */
  width: number;
}

/**
 * Lays out text in a column of a given width with pdfmake's own layout engine, as it would print: how tall, in how
 * many lines, how wide its widest line. (One document shared by every measurement.)
 */
export function textMeasurer(fonts: PdfmakeFonts): (runs: InlineRun[], width: number, style: TextStyle) => TextBlock {
  const doc = fonts.document({ autoFirstPage: false, size: [100, 100] });
  const margins = { left: 0, top: 0, right: 0, bottom: 0 };
  return (runs, width, style) => {
    const builder = new LayoutBuilder({ width, height: Infinity, orientation: 'portrait' }, margins, new SVGMeasure());
    allowFormBreaks(builder, 'record');
    const node = { text: runs, preserveLeadingSpaces: true, bold: !!style.bold, characterSpacing: style.characterSpacing ?? 0 };
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
    return { height, lines, width: widest };
  };
}

/** The width pdfmake gives a one-line text (an `auto` column's width), in `font` with this line height. */
export function lineWidthMeter(fonts: PdfmakeFonts, font: string, lineHeight: number): (text: string | InlineRun[], fontSize: number, characterSpacing: number) => number {
  const inlines = new TextInlines(fonts.document({ autoFirstPage: false, size: [100, 100] }));
  const base = new StyleContextStack({}, { font, lineHeight });
  return (text, fontSize, characterSpacing) => {
    const stack = base.clone();
    stack.push({ fontSize, characterSpacing, preserveLeadingSpaces: true });
    // pdfmake writes into the runs it measures: give it copies.
    const runs = typeof text === 'string' ? text : text.map((r) => (typeof r === 'string' ? r : { ...r }));
    return inlines.buildInlines(runs, stack).maxWidth;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Drawing

/** A table layout of templates/layout.yaml: its rulings and padding, the same for every line and cell. */
export interface TableRules {
  lineWidth: number;
  lineColor: string;
  padding: [number, number, number, number];
}

const builtLayouts = new WeakMap<Record<string, TableRules>, Record<string, object>>();

/** Declarative rulings as pdfmake's table-layout callbacks (once per set of rules). */
function tableLayouts(rules: Record<string, TableRules>): Record<string, object> {
  const known = builtLayouts.get(rules);
  if (known) return known;
  const result: Record<string, object> = {};
  for (const [name, spec] of Object.entries(rules)) {
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
  builtLayouts.set(rules, result);
  return result;
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

export interface DrawOptions {
  fonts: PdfmakeFonts;
  tableRules: Record<string, TableRules>;
  /** The definition's structure elements (pdf/structure.ts, which marked its nodes with `_sid`). */
  structure: StructNode[];
  /** How many encoded runs so far did not spell their text (FontSet#unspelled): those get ActualText. */
  unspelled: () => number;
}

/**
 * Lay out and draw a document definition into page content streams, with marked content for its structure;
 * nothing is written to disk and no font is embedded here (pdf/writer.ts does that).
 */
export function drawPages(definition: DocDefinition, { fonts, tableRules, structure, unspelled }: DrawOptions): { pages: RenderedPage[]; regions: Region[] } {
  const pageSize = normalizePageSize(definition.pageSize, definition.pageOrientation);
  const doc = fonts.document({ autoFirstPage: false, bufferPages: true, compress: false, size: [pageSize.width, pageSize.height] });
  // PATCH (opacity, fillOpacity, strokeOpacity): pdfmake sets opacity 1 before every line and shape, and pdfkit
  // writes an ExtGState for each call. Fully opaque is the initial state, so those calls are skipped until a
  // template asks for real transparency.
  let translucent = false;
  for (const method of ['opacity', 'fillOpacity', 'strokeOpacity'] as const) {
    const original = doc[method].bind(doc);
    doc[method] = (value: number) => {
      if (value === 1 && !translucent) return doc;
      translucent = true;
      return original(value);
    };
  }
  // PATCH (addContent): pdfkit turns every drawing operator into a Buffer of its own; keep them as strings, per
  // page, and join each page once.
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
  // PATCH (addPage): a page's sequences close on it, and each page numbers its own MCIDs.
  const addPage = doc.addPage.bind(doc);
  doc.addPage = (options: object) => {
    close();
    const result = addPage(options);
    marks.set(doc.page, []);
    pageIndex.set(doc.page, pageIndex.size);
    return result;
  };

  const builder = new LayoutBuilder(pageSize, normalizePageMargin(definition.pageMargins), new SVGMeasure());
  builder.registerTableLayouts(builtInTableLayouts);
  builder.registerTableLayouts(tableLayouts(tableRules));
  allowFormBreaks(builder, 'replay');
  // PATCH (processNode): each line remembers the element of the node it was set from (the innermost node that has one).
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
  // PATCH (buildNextLine, over allowFormBreaks): a line that ends where its text has a line break (pdfmake's
  // newLineForced) keeps it in `_after`, with each line of white space alone after it in the same text (such a
  // line draws nothing a reader finds), so that the line can state them.
  const buildNextLine = builder.buildNextLine.bind(builder);
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
  const laidOut = builder.layoutDocument(definition.content, doc, definition.styles ?? {}, definition.defaultStyle ?? {});
  mergeInlines(laidOut);

  const renderer = new Renderer(doc, undefined);
  const renderLine = renderer.renderLine.bind(renderer);
  const text = doc.text.bind(doc);
  const fill = doc.fill.bind(doc);
  // PATCH (renderLine): open the line's element's sequence, note where a link's text lies, and state the text of a
  // line followed by line breaks of its text (ActualText): no reader can tell a line break typed from one made where
  // the box was full, and import gives the typed ones back.
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
  // PATCH (fill): pdfmake sets the text colour with fill(colour), which also paints an empty path (a stray `f`):
  // set the colour only.
  doc.fill = (color?: unknown, ...rest: unknown[]) =>
    inLine && color !== undefined && rest.length === 0 ? doc.fillColor(color) : fill(color, ...rest);
  // PATCH (text): say what a run really holds (ActualText) where its glyphs alone would not: a full-width space,
  // which pdf.js reads back as a plain one (for it and for import), and glyphs that do not spell the run's text
  // through the fonts' ToUnicode maps (`unspelled`: a glyph two characters share, a character the font hides).
  doc.text = (value: string, ...rest: unknown[]) => {
    // A line that states its whole text (line breaks and all) states this run's too.
    if (!inLine || stating) return text(value, ...rest);
    const before = unspelled();
    const drawnBefore = operators.get(doc.page);
    const at = drawnBefore?.length ?? 0;
    text(value, ...rest);
    if (!value.includes('\u3000') && unspelled() === before) return doc;
    // The run is drawn by then: the sequence opens just before its operators (on its page's list, which the run
    // may have begun).
    const drawn = operators.get(doc.page)!;
    drawn.splice(drawn === drawnBefore ? at : 0, 0, `/Span <</ActualText ${hexText(value)}>> BDC`);
    return doc.addContent('EMC');
  };
  // PATCH (renderVector): rulings and fills are artifacts.
  const renderVector = renderer.renderVector.bind(renderer);
  renderer.renderVector = (vector: unknown) => {
    enter(ARTIFACT_LAYOUT);
    return renderVector(vector);
  };
  // PATCH (graphics state, images, SVG): changes of the graphics state (vertical alignment, clips) stay outside the
  // sequences, so that q/Q and BDC/EMC nest.
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
  renderer.renderPages(laidOut);
  close();

  const pages: RenderedPage[] = doc._pageBuffer.map((drawnPage: any) => ({
    width: drawnPage.width,
    height: drawnPage.height,
    // The fastest level: a booklet of 1,000 sheets is some 125 MB of operators, deflated in a third of the time
    // of the default level, for a file about 8% larger.
    content: deflateSync(Buffer.from(`${(operators.get(drawnPage) ?? []).join('\n')}\n`, 'latin1'), { level: 1 }),
    extGStates: Object.fromEntries(
      Object.entries(drawnPage.ext_gstates as Record<string, any>).map(([name, ref]) => [name, { ...ref.data }]),
    ),
    fonts: Object.keys(drawnPage.fonts).sort(),
    marks: marks.get(drawnPage) ?? [],
  }));
  return { pages, regions };
}

// ---------------------------------------------------------------------------------------------------------------
// Files of pdfkit's

/** The sRGB ICC profile pdfkit ships (the output intent of every file). */
export function pdfkitSrgbProfile(): Buffer {
  return readFileSync(require.resolve('pdfkit/js/data/sRGB_IEC61966_2_1.icc', { paths: [dirname(require.resolve('pdfmake'))] }));
}
