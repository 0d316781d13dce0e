// The characters each glyph of a font stands for, worked out from the font alone: the text layer (ToUnicode) of
// every PDF, and the check that a run of glyphs spells the text it was drawn for.
//
// Not from fontkit's glyph objects: fontkit keeps one object per glyph id for the life of the font, with the
// characters of whichever call made it first — none at all when it was made by id (`getGlyph(id)`, as for a width,
// or for a glyph of a page drawn by another process and taken from the render cache), another character's when two
// share a glyph. A text layer built from those objects depended on what the process had done before; this depends
// on nothing but the font's bytes.
//
// A glyph in the font's character map stands for its lowest code point there. A glyph that only shaping reaches
// (a ligature of the default features, a single substitution) stands for the characters it replaces. Anything
// else has no characters of its own (`''`): the run that shows it does not spell its text, and says so with
// ActualText (render.ts).
import { createHash } from 'node:crypto';
import { fontkitGlyphId } from './pdfmake';

/** fontkit's default shaper's substitution features (as in direct-layout.ts). */
const DEFAULT_FEATURES = new Set(['rvrn', 'ltra', 'ltrm', 'ccmp', 'locl', 'rlig', 'calt', 'clig', 'liga', 'rclt']);

interface Table {
  offset: number;
  length: number;
}

function tables(font: Buffer): Map<string, Table> {
  const found = new Map<string, Table>();
  const count = font.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    found.set(font.toString('latin1', at, at + 4), { offset: font.readUInt32BE(at + 8), length: font.readUInt32BE(at + 12) });
  }
  return found;
}

/**
 * The font's identity for the render cache: its table directory (every table's tag, checksum, place and length)
 * and size. Another version of the font, or another font, has other table checksums; reading them costs nothing,
 * where hashing megabytes of font would cost a one-sheet build milliseconds.
 */
export function fontIdentity(font: Buffer): string {
  const count = font.readUInt16BE(4);
  return createHash('sha256')
    .update(font.subarray(0, 12 + count * 16))
    .update(`\0${font.length}`)
    .digest('hex')
    .slice(0, 32);
}

/** Reverse maps already read, by the bytes of the subtable they were read from (the faces of a family share one). */
const readMaps: { subtable: Buffer; glyphCount: number; lowest: Int32Array }[] = [];

/**
 * For each glyph id, the lowest code point the character map gives it (-1: none), from the subtable fontkit uses
 * (its order of preference: Windows full Unicode, Unicode full, Unicode BMP, Windows BMP…). Formats 12 and 4 are
 * read here; undefined for a font whose map is of another format (then fontkit is asked, see GlyphText).
 */
export function reverseCharacterMap(font: Buffer, glyphCount: number): Int32Array | undefined {
  const cmap = tables(font).get('cmap');
  if (!cmap) return undefined;
  const base = cmap.offset;
  const subtables = new Map<string, number>();
  const count = font.readUInt16BE(base + 2);
  for (let i = 0; i < count; i++) {
    const at = base + 4 + i * 8;
    subtables.set(`${font.readUInt16BE(at)},${font.readUInt16BE(at + 2)}`, base + font.readUInt32BE(at + 4));
  }
  const preferred = ['3,10', '0,6', '0,4', '3,1', '0,3', '0,2', '0,1', '0,0'].find((k) => subtables.has(k));
  if (!preferred) return undefined;
  const at = subtables.get(preferred)!;
  const format = font.readUInt16BE(at);
  const length = format === 12 ? font.readUInt32BE(at + 4) : format === 4 ? font.readUInt16BE(at + 2) : 0;
  if (length === 0) return undefined;
  const subtable = font.subarray(at, at + length);
  const known = readMaps.find((m) => m.glyphCount === glyphCount && m.subtable.equals(subtable));
  if (known) return known.lowest;
  const lowest = format === 12 ? fromSegmentedCoverage(subtable, glyphCount) : fromSegmentMapping(subtable, glyphCount);
  readMaps.push({ subtable, glyphCount, lowest });
  return lowest;
}

/** Format 12 (segmented coverage): groups of consecutive code points on consecutive glyphs. */
function fromSegmentedCoverage(table: Buffer, glyphCount: number): Int32Array {
  const lowest = new Int32Array(glyphCount).fill(-1);
  const data = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const groups = data.getUint32(12);
  for (let g = 0, p = 16; g < groups; g++, p += 12) {
    const end = data.getUint32(p + 4);
    for (let cp = data.getUint32(p), gid = data.getUint32(p + 8); cp <= end; cp++, gid++) {
      if (gid > 0 && gid < glyphCount && (lowest[gid] < 0 || cp < lowest[gid])) lowest[gid] = cp;
    }
  }
  return lowest;
}

/** Format 4 (segment mapping to delta values): the Basic Multilingual Plane. */
function fromSegmentMapping(table: Buffer, glyphCount: number): Int32Array {
  const lowest = new Int32Array(glyphCount).fill(-1);
  const data = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const segments = data.getUint16(6) / 2;
  const ends = 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  for (let s = 0; s < segments; s++) {
    const start = data.getUint16(starts + 2 * s);
    const end = data.getUint16(ends + 2 * s);
    const delta = data.getInt16(deltas + 2 * s);
    const rangeOffset = data.getUint16(rangeOffsets + 2 * s);
    for (let cp = start; cp <= end && cp !== 0xffff; cp++) {
      let gid = 0;
      if (rangeOffset === 0) gid = (cp + delta) & 0xffff;
      else {
        const raw = data.getUint16(rangeOffsets + 2 * s + rangeOffset + 2 * (cp - start));
        if (raw !== 0) gid = (raw + delta) & 0xffff;
      }
      if (gid > 0 && gid < glyphCount && (lowest[gid] < 0 || cp < lowest[gid])) lowest[gid] = cp;
    }
  }
  return lowest;
}

type Coverage = { version: number; glyphs?: number[]; rangeRecords?: { start: number; end: number; startCoverageIndex: number }[] };

function coveredGlyphs(coverage: Coverage): number[] {
  if (coverage.version === 1 && coverage.glyphs) return [...coverage.glyphs];
  const glyphs: number[] = [];
  for (const r of coverage.rangeRecords ?? []) for (let g = r.start; g <= r.end; g++) glyphs[r.startCoverageIndex + g - r.start] = g;
  return glyphs;
}

/** The characters of one font's glyphs. Made once per font (per workspace), answered from tables after that. */
export class GlyphText {
  private reverse?: Int32Array;
  /** Per glyph id: its characters, once asked (undefined until then). */
  private readonly known: (string | undefined)[] = [];
  /** Glyphs only shaping reaches, with the characters they replace (worked out when first needed). */
  private shaped?: Map<number, string>;

  /** `fontkitFont` is pdfkit's fontkit font: asked for the GSUB tables, and for a character map of an unusual format. */
  constructor(
    private readonly bytes: Buffer,
    private readonly fontkitFont: any,
  ) {}

  /** The reverse character map, read when first needed (validate, say, never draws). */
  private get lowest(): Int32Array {
    if (!this.reverse) {
      const glyphCount = this.fontkitFont.numGlyphs as number;
      this.reverse = reverseCharacterMap(this.bytes, glyphCount) ?? this.askFontkit(glyphCount);
    }
    return this.reverse;
  }

  private askFontkit(glyphCount: number): Int32Array {
    const lowest = new Int32Array(glyphCount).fill(-1);
    for (const cp of this.fontkitFont.characterSet as number[]) {
      const gid = fontkitGlyphId(this.fontkitFont, cp);
      if (gid > 0 && gid < glyphCount && (lowest[gid] < 0 || cp < lowest[gid])) lowest[gid] = cp;
    }
    return lowest;
  }

  /** The characters glyph `gid` stands for ('' when the font gives it none). */
  charactersOf(gid: number): string {
    let text = this.known[gid];
    if (text === undefined) {
      const lowest = this.lowest;
      const cp = gid >= 0 && gid < lowest.length ? lowest[gid] : -1;
      text = cp >= 0 ? String.fromCodePoint(cp) : (this.shapedGlyphs().get(gid) ?? '');
      this.known[gid] = text;
    }
    return text;
  }

  /** Code points of glyph `gid`, for pdfkit's own table (svg-to-pdfkit reads it to step through a string). */
  codePointsOf(gid: number): number[] {
    return [...this.charactersOf(gid)].map((c) => c.codePointAt(0)!);
  }

  /** True when these glyphs, read through `charactersOf`, give back exactly `text`. */
  spells(glyphs: readonly { id: number }[], text: string): boolean {
    let at = 0;
    for (const glyph of glyphs) {
      const chars = this.charactersOf(glyph.id);
      if (chars === '' || !text.startsWith(chars, at)) return false;
      at += chars.length;
    }
    return at === text.length;
  }

  /**
   * Glyphs outside the character map that the default features' single substitutions and ligatures produce, with
   * the characters they replace (the input's, or the components' in order). Repeated until nothing new is found,
   * as a lookup may take what an earlier one made.
   */
  private shapedGlyphs(): Map<number, string> {
    if (this.shaped) return this.shaped;
    const shaped = new Map<number, string>();
    this.shaped = shaped;
    const gsub = this.fontkitFont.GSUB;
    if (!gsub) return shaped;
    const lookups = new Set<number>();
    for (const feature of gsub.featureList) if (DEFAULT_FEATURES.has(feature.tag)) for (const i of feature.feature.lookupListIndexes) lookups.add(i);
    const lowest = this.lowest;
    const textOf = (gid: number) => (lowest[gid] >= 0 ? String.fromCodePoint(lowest[gid]) : shaped.get(gid));
    const found = (gid: number, text: string | undefined) => {
      if (text === undefined || text === '' || lowest[gid] >= 0 || shaped.has(gid)) return false;
      shaped.set(gid, text);
      return true;
    };
    for (let grew = true; grew; ) {
      grew = false;
      for (const index of [...lookups].sort((a, b) => a - b)) {
        const lookup = gsub.lookupList.get(index);
        for (const table of lookup.subTables) {
          const inputs = coveredGlyphs(table.coverage);
          if (lookup.lookupType === 1) {
            inputs.forEach((input, k) => {
              const output = table.version === 1 ? (input + table.deltaGlyphID) & 0xffff : table.substitute?.get?.(k) ?? table.substitute?.[k];
              if (output !== undefined) grew = found(output, textOf(input)) || grew;
            });
          } else if (lookup.lookupType === 4) {
            inputs.forEach((first, k) => {
              for (const ligature of table.ligatureSets.get(k)) {
                const parts = [first, ...ligature.components].map(textOf);
                if (parts.every((p: string | undefined) => p !== undefined)) grew = found(ligature.glyph, parts.join('')) || grew;
              }
            });
          }
        }
      }
    }
    return shaped;
  }
}
