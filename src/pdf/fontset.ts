// The fonts, created once per process and shared by every document laid out or rendered in it.
// Text is encoded with the font's own glyph ids (not per-document subset ids), so a page rendered once can be
// placed in any PDF: a single sheet or a booklet of a thousand, which then embeds one subset for all of them.
// A page keeps only which glyphs it shows; what each stands for comes from the font (glyph-text.ts), never from
// the page or from fontkit's glyph objects. pdfkit's font objects are made and patched by pdf/pdfmake.ts.
import { createHash } from 'node:crypto';
import type { FontFace } from './fonts';
import { fontIdentity, GlyphText } from './glyph-text';
import type { GlyphUsage } from './pages';
import { encodeWith, fontOpener, PdfmakeFonts, type PdfkitFont } from './pdfmake';

export interface SharedFont {
  id: string;
  family: string;
  face: 'normal' | 'bold';
  bytes: Buffer;
  /** pdfkit's font object; its fontkit font is parsed once. */
  pdfkit: PdfkitFont;
  /** What each of its glyphs stands for: its text layer. */
  text: GlyphText;
}

export class FontSet {
  readonly fonts: SharedFont[] = [];
  /** The same fonts as pdfmake's layout engine takes them (pdf/pdfmake.ts). */
  readonly pdfmake = new PdfmakeFonts();
  /** Where the glyphs encoded now are noted: set only while `recordGlyphs` runs. */
  private recording: GlyphUsage | undefined;
  /**
   * Encodings (while recording) whose glyphs do not spell the text they were asked for (a glyph two characters
   * share, a character the font hides, a glyph with no characters of its own): the renderer marks those runs with
   * ActualText. A counter, so that a caller can tell whether its own drawing added one.
   */
  unspelled = 0;
  /** The fonts' bytes, in short (fontIdentity): a page's glyph ids mean these glyphs and no others. */
  readonly identity: string;

  constructor(faces: FontFace[]) {
    const open = fontOpener();
    faces.forEach((face, index) => {
      const id = `F${index + 1}`;
      const pdfkit = open(face.bytes, id);
      const text = new GlyphText(face.bytes, pdfkit.fontkit);
      // Note which glyphs the pages show, for the final embedding.
      encodeWith(pdfkit, {
        codePointsOf: (glyph) => text.codePointsOf(glyph),
        encoded: (glyphs, value) => {
          if (!this.recording) return;
          const usage = (this.recording[id] ??= new Set());
          for (const glyph of glyphs) usage.add(glyph.id);
          if (!text.spells(glyphs, value)) this.unspelled++;
        },
      });
      this.fonts.push({ id, family: face.family, face: face.face, bytes: face.bytes, pdfkit, text });
      this.pdfmake.add(face.family, face.face, pdfkit);
    });
    const identity = createHash('sha256');
    for (const face of faces) identity.update(`${face.family}/${face.face}:${fontIdentity(face.bytes)}\0`);
    this.identity = identity.digest('hex');
  }

  /** pdfkit keeps the layout of every string it has set: start afresh once the cache is large. */
  trimCaches(limit = 4000): void {
    for (const font of this.fonts) font.pdfkit.trimLayoutCache(limit);
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
      known = this.fonts.every((f) => f.pdfkit.fontkit.hasGlyphForCodePoint(codePoint));
      this.printable.set(codePoint, known);
      if (codePoint <= 0xffff) this.printableBmp[codePoint] = known ? 1 : 2;
    }
    return known;
  }

  /** 0 not asked yet, 1 printable, 2 not. */
  private readonly printableBmp = new Uint8Array(0x10000);

  /** The face of a family the templates name. */
  provide(family: string, bold: boolean): PdfkitFont {
    return this.pdfmake.font(family, bold);
  }

  byId(id: string): SharedFont {
    const font = this.fonts.find((f) => f.id === id);
    if (!font) throw new Error(`unknown font resource ${id}`);
    return font;
  }
}
