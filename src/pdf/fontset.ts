// The fonts as pdfkit objects, created once per process and shared by every document laid out or rendered in it.
// Text is encoded with the font's own glyph ids (not per-document subset ids), so a page rendered once can be
// placed in any PDF: a single sheet or a booklet of a thousand, which then embeds one subset for all of them.
// A page keeps only which glyphs it shows; what each stands for comes from the font (glyph-text.ts), never from
// the page or from fontkit's glyph objects.
import { createHash } from 'node:crypto';
import type { FontFace } from './fonts';
import { layOutPlainTextDirectly } from './direct-layout';
import { fontIdentity, GlyphText } from './glyph-text';
import './style-lookup';

/* eslint-disable @typescript-eslint/no-var-requires */
const PdfmakeDocument = require('pdfmake/js/PDFDocument').default;

/** Which glyphs of which font (by resource name, `F1`…) the pages rendered so far have used. */
export type GlyphUsage = Record<string, Set<number>>;

export interface SharedFont {
  id: string;
  family: string;
  face: 'normal' | 'bold';
  bytes: Buffer;
  /** pdfkit's EmbeddedFont; its fontkit font is parsed once. */
  pdfkit: any;
  /** What each of its glyphs stands for: its text layer. */
  text: GlyphText;
}

export class FontSet {
  readonly fonts: SharedFont[] = [];
  /** Where the glyphs encoded now are noted: set only while `recordGlyphs` runs. */
  private recording: GlyphUsage | undefined;
  /** pdfmake's font table: family → face → a placeholder (fonts are provided by `provide`). */
  readonly descriptors: Record<string, Record<string, string>> = {};
  /**
   * Encodings (while recording) whose glyphs do not spell the text they were asked for (a glyph two characters
   * share, a character the font hides, a glyph with no characters of its own): the renderer marks those runs with
   * ActualText. A counter, so that a caller can tell whether its own drawing added one.
   */
  unspelled = 0;
  /** The fonts' bytes, in short (fontIdentity): a page's glyph ids mean these glyphs and no others. */
  readonly identity: string;

  constructor(faces: FontFace[]) {
    // (`font: null`: no Helvetica metrics parsed for this document, which only makes the font objects.)
    const scratch = new PdfmakeDocument({}, {}, {}, {}, { autoFirstPage: false, size: [100, 100], font: null }, null, () => false);
    faces.forEach((face, index) => {
      const pdfkit = scratch.font(face.bytes)._font;
      layOutPlainTextDirectly(pdfkit.font);
      const id = `F${index + 1}`;
      pdfkit.id = id;
      const text = new GlyphText(face.bytes, pdfkit.font);
      const originalLayout = pdfkit.layout.bind(pdfkit);
      // Encode with original glyph ids, and note which glyphs the pages show, for the final embedding.
      pdfkit.encode = (value: string, features?: unknown) => {
        const { glyphs, positions } = originalLayout(value, features);
        const encoded: string[] = [];
        const usage = this.recording ? (this.recording[id] ??= new Set()) : undefined;
        for (const glyph of glyphs) {
          encoded.push(glyph.id.toString(16).padStart(4, '0'));
          usage?.add(glyph.id);
          // pdfkit's own table of the characters behind each encoded glyph, which SVG text (svg-to-pdfkit) reads.
          pdfkit.unicode[glyph.id] ??= text.codePointsOf(glyph.id);
        }
        if (usage && !text.spells(glyphs, value)) this.unspelled++;
        return [encoded, positions];
      };
      this.fonts.push({ id, family: face.family, face: face.face, bytes: face.bytes, pdfkit, text });
      this.descriptors[face.family] ??= {};
      this.descriptors[face.family][face.face] = `${face.family}-${face.face}`;
    });
    for (const family of Object.values(this.descriptors)) {
      family.italics = family.normal;
      family.bolditalics = family.bold;
    }
    const identity = createHash('sha256');
    for (const face of faces) identity.update(`${face.family}/${face.face}:${fontIdentity(face.bytes)}\0`);
    this.identity = identity.digest('hex');
  }

  /**
   * pdfkit keeps the layout of every string it has set, forever; over a thousand sheets that is most of the
   * memory. Start afresh once the cache is large (each sheet's own repeated labels stay cached within it).
   */
  trimCaches(limit = 4000): void {
    for (const font of this.fonts) {
      const cache = font.pdfkit.layoutCache;
      if (cache && Object.keys(cache).length > limit) font.pdfkit.layoutCache = Object.create(null);
    }
  }

  /** Record every glyph of these fonts encoded while `run` draws, whatever document it draws into. */
  recordGlyphs<T>(run: () => T): { result: T; glyphs: GlyphUsage } {
    const glyphs: GlyphUsage = {};
    this.recording = glyphs;
    try {
      return { result: run(), glyphs };
    } finally {
      this.recording = undefined;
    }
  }

  private readonly printable = new Map<number, boolean>();

  /** True when every face can print this character (asked of the fonts' own character maps, once per character). */
  canPrint(codePoint: number): boolean {
    // Asked for every character of every sheet: the Basic Multilingual Plane is answered from a table.
    if (codePoint <= 0xffff) {
      const known = this.printableBmp[codePoint];
      if (known !== 0) return known === 1;
    }
    let known = this.printable.get(codePoint);
    if (known === undefined) {
      known = this.fonts.every((f) => f.pdfkit.font.hasGlyphForCodePoint(codePoint));
      this.printable.set(codePoint, known);
      if (codePoint <= 0xffff) this.printableBmp[codePoint] = known ? 1 : 2;
    }
    return known;
  }

  /** 0 not asked yet, 1 printable, 2 not. */
  private readonly printableBmp = new Uint8Array(0x10000);

  provide(family: string, bold: boolean): any {
    const face = bold ? 'bold' : 'normal';
    const font = this.fonts.find((f) => f.family === family && f.face === face);
    if (!font) throw new Error(`フォント「${family}」（${face}）が fonts/fonts.json にありません`);
    return font.pdfkit;
  }

  byId(id: string): SharedFont {
    const font = this.fonts.find((f) => f.id === id);
    if (!font) throw new Error(`unknown font resource ${id}`);
    return font;
  }

  /**
   * A pdfmake PDFDocument that takes its fonts from this set instead of parsing them again. (`font: null` stops
   * pdfkit from loading its default Helvetica metrics for every document, as pdfmake itself does.)
   */
  document(options: object): any {
    const doc = new PdfmakeDocument(this.descriptors, {}, {}, {}, { font: null, ...options }, null, () => false);
    doc.provideFont = (family: string, bold: boolean) => this.provide(family, bold);
    // SVG text (svg-to-pdfkit) selects its font with pdfkit's `doc.font(key)`, the key being pdfmake's font file
    // (`descriptors`): known here, that is the shared font, never a file loaded again or a standard font.
    for (const font of this.fonts) doc._fontFamilies[`${font.family}-${font.face}`] = font.pdfkit;
    return doc;
  }
}
