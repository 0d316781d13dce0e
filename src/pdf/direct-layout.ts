// Text that OpenType shaping cannot change, laid out without it. fontkit shapes every string pdfkit measures or
// draws: it picks a script, plans features and runs the font's GSUB lookups over the glyphs — in a one-sheet build,
// in code V8 has not optimised yet, a good part of the whole run. For most of a sheet's text the result is known
// beforehand: one glyph per character, straight from the character map, each advancing by its width. Such strings
// get that result here; every other string goes to fontkit as before. The result is the one fontkit gives, glyph
// objects and all (test/direct-layout.test.ts compares the two for every such character of the fonts).
//
// A string is laid out here when fontkit's default shaper would be chosen for it and would do nothing:
// - every character is in the Basic Multilingual Plane, in a block of Latin, common punctuation and symbols, kana or
//   kanji (none of the scripts fontkit shapes in its own way: Arabic, Hangul, Indic and the like), and is no
//   variation selector;
// - no glyph is one the default shaper's GSUB lookups could change: none is covered by a single, multiple or
//   alternate substitution, and none is followed by the next component of a ligature it starts;
// - no glyph is a mark (the fallback positioning moves marks), a default-ignorable character (fontkit hides those)
//   or the fraction slash;
// - no options: no features, script, language or direction asked for;
// - the font has no GPOS, GDEF, kern, morx or feature variations, and its lookups of those features are of the
//   simple kinds (single, multiple, alternate, ligature); otherwise nothing is laid out here.

/** fontkit's default shaper's features, horizontal and left to right (its DefaultShaper and ShapingPlan). */
const DEFAULT_FEATURES = new Set(['rvrn', 'ltra', 'ltrm', 'ccmp', 'locl', 'rlig', 'mark', 'mkmk', 'calt', 'clig', 'liga', 'rclt', 'curs', 'kern']);
const SIMPLE_LOOKUPS = new Set([1, 2, 3, 4]);

/** Blocks of the scripts fontkit's default shaper handles (Latin, Common, Han, Hiragana, Katakana), as [from, to]. */
const PLAIN_BLOCKS: [number, number][] = [
  [0x0000, 0x024f], // Basic Latin … Latin Extended-B
  [0x2000, 0x2bff], // General Punctuation … Miscellaneous Symbols and Arrows
  [0x3000, 0x30ff], // CJK Symbols and Punctuation, Hiragana, Katakana
  [0x31c0, 0x31ff], // CJK Strokes, Katakana Phonetic Extensions
  [0x3220, 0x325f], // Enclosed CJK Letters and Months (without the Hangul of 3200–321F and 3260–327F)
  [0x3280, 0x4dbf], // … CJK Compatibility, CJK Unified Ideographs Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xf900, 0xfaff], // CJK Compatibility Ideographs
  [0xff00, 0xff9f], // Fullwidth forms, halfwidth katakana (not the halfwidth Hangul of FFA0–FFDC)
  [0xffe0, 0xffee], // Fullwidth signs
];

/** fontkit's test for characters it hides (LayoutEngine.isDefaultIgnorable), copied. */
export function isDefaultIgnorable(ch: number): boolean {
  const plane = ch >> 16;
  if (plane === 1) return (0x1bca0 <= ch && ch <= 0x1bca3) || (0x1d173 <= ch && ch <= 0x1d17a);
  if (plane === 0x0e) return 0xe0000 <= ch && ch <= 0xe0fff;
  if (plane !== 0) return false;
  switch (ch >> 8) {
    case 0x00:
      return ch === 0x00ad;
    case 0x03:
      return ch === 0x034f;
    case 0x06:
      return ch === 0x061c;
    case 0x17:
      return 0x17b4 <= ch && ch <= 0x17b5;
    case 0x18:
      return 0x180b <= ch && ch <= 0x180e;
    case 0x20:
      return (0x200b <= ch && ch <= 0x200f) || (0x202a <= ch && ch <= 0x202e) || (0x2060 <= ch && ch <= 0x206f);
    case 0xfe:
      return (0xfe00 <= ch && ch <= 0xfe0f) || ch === 0xfeff;
    case 0xff:
      return 0xfff0 <= ch && ch <= 0xfff8;
    default:
      return false;
  }
}

function inPlainBlock(cp: number): boolean {
  for (const [from, to] of PLAIN_BLOCKS) if (cp >= from && cp <= to) return true;
  return false;
}

type Coverage = { version: number; glyphs?: number[]; rangeRecords?: { start: number; end: number; startCoverageIndex: number }[] };

/** The glyph ids of a coverage table, in coverage order; undefined for a kind this file does not read. */
function coveredGlyphs(coverage: Coverage): number[] | undefined {
  if (coverage.version === 1 && coverage.glyphs) return [...coverage.glyphs];
  if (coverage.version !== 2 || !coverage.rangeRecords) return undefined;
  const glyphs: number[] = [];
  for (const r of coverage.rangeRecords) for (let g = r.start; g <= r.end; g++) glyphs[r.startCoverageIndex + g - r.start] = g;
  return glyphs;
}

/**
 * Where the default shaper's GSUB lookups could change something: per glyph, `true` when any string with it may be
 * changed (a single, multiple or alternate substitution), or the glyphs that, right after it, may start a ligature.
 * Undefined when the font may be shaped in ways this file does not know (then nothing is laid out here).
 */
export type Shaped = Map<number, true | Set<number>>;

export function shapedGlyphs(font: any): Shaped | undefined {
  if (font.GPOS || font.GDEF || font.kern || font.morx) return undefined;
  const gsub = font.GSUB;
  const shaped: Shaped = new Map();
  if (!gsub) return shaped;
  if (gsub.featureVariations) return undefined;
  const features = new Set<number>();
  for (const { script } of gsub.scriptList) {
    for (const langSys of [script.defaultLangSys, ...(script.langSysRecords ?? []).map((r: any) => r.langSys)]) {
      if (!langSys) continue;
      // A required feature applies whatever its tag: taken in too.
      if (langSys.reqFeatureIndex !== undefined && langSys.reqFeatureIndex !== 0xffff) features.add(langSys.reqFeatureIndex);
      for (const index of langSys.featureIndexes) if (DEFAULT_FEATURES.has(gsub.featureList[index].tag)) features.add(index);
    }
  }
  const always = (g: number) => shaped.set(g, true);
  for (const index of features) {
    for (const lookupIndex of gsub.featureList[index].feature.lookupListIndexes) {
      const lookup = gsub.lookupList.get(lookupIndex);
      if (!SIMPLE_LOOKUPS.has(lookup.lookupType)) return undefined;
      // Glyphs skipped while matching (marks, by class): the next glyph is not the one compared, so any may match.
      const f = lookup.flags ?? {};
      const skips = !!(f.markAttachmentType || f.flags?.ignoreBaseGlyphs || f.flags?.ignoreLigatures || f.flags?.ignoreMarks || f.flags?.useMarkFilteringSet);
      for (const table of lookup.subTables) {
        const glyphs = coveredGlyphs(table.coverage);
        if (!glyphs) return undefined;
        if (lookup.lookupType !== 4 || skips || table.substFormat !== 1) {
          glyphs.forEach(always);
          continue;
        }
        glyphs.forEach((first, coverageIndex) => {
          for (const ligature of table.ligatureSets.get(coverageIndex)) {
            const second: number | undefined = ligature.components[0];
            if (second === undefined) always(first);
            const known = shaped.get(first);
            if (known === true) continue;
            if (known) known.add(second!);
            else shaped.set(first, new Set([second!]));
          }
        });
      }
    }
  }
  return shaped;
}

/** What fontkit's GlyphRun gives its users (pdfkit reads glyphs, positions and advanceWidth). */
class DirectRun {
  readonly script = undefined;
  readonly language = null;
  readonly direction = 'ltr';
  readonly features = {};
  constructor(
    readonly glyphs: any[],
    readonly positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }[],
  ) {}

  get advanceWidth(): number {
    let width = 0;
    for (const position of this.positions) width += position.xAdvance;
    return width;
  }

  get advanceHeight(): number {
    let height = 0;
    for (const position of this.positions) height += position.yAdvance;
    return height;
  }
}

/** fontkit's Font#layout. */
export type LayoutFunction = (text: unknown, features?: unknown, script?: unknown, language?: unknown, direction?: unknown) => any;

/**
 * A `layout` for this fontkit font that lays out the strings shaping cannot change without shaping, and gives
 * every other string to the font's own `layout` (pdf/pdfmake.ts puts it in the font's place). Undefined when the
 * font is not one this file knows how to read.
 */
export function plainTextLayout(font: any): LayoutFunction | undefined {
  const shaped = shapedGlyphs(font);
  if (!shaped) return undefined;
  const shape = font.layout.bind(font);
  // Per character of the Basic Multilingual Plane: its glyph when it is laid out here, null when not, undefined
  // until asked. The glyph is fontkit's own object, made by the same call fontkit makes (glyphForCodePoint).
  const glyphOf: (any | null | undefined)[] = new Array(0x10000);
  let spaceLookedUp = false;
  const classify = (cp: number) => {
    const candidate = font.glyphForCodePoint(cp);
    // fontkit judges a glyph by the characters it was first made for, as here.
    const first: number | undefined = candidate.codePoints[0];
    const glyph = shaped.get(candidate.id) !== true && !candidate.isMark && first !== undefined && !isDefaultIgnorable(first) && first !== 0x2044 ? candidate : null;
    glyphOf[cp] = glyph;
    return glyph;
  };
  return function layout(text: unknown, features?: unknown, script?: unknown, language?: unknown, direction?: unknown) {
    if (typeof text !== 'string' || text.length === 0 || features !== undefined || script !== undefined || language !== undefined || direction !== undefined) {
      return shape(text, features, script, language, direction);
    }
    // First without making any glyph object: fontkit makes a glyph's object for the character sequence it first
    // meets it in (a character and a variation selector after it, say), so none may be made for a string it takes.
    for (let i = 0; i < text.length; i++) {
      const cp = text.charCodeAt(i);
      const known = glyphOf[cp];
      if (known === null) return shape(text);
      if (known === undefined && !inPlainBlock(cp)) {
        glyphOf[cp] = null;
        return shape(text);
      }
    }
    // Then in order, as fontkit maps characters to glyphs (each one's object made the same way, at the same turn).
    const glyphs: any[] = [];
    for (let i = 0; i < text.length; i++) {
      const cp = text.charCodeAt(i);
      let glyph = glyphOf[cp];
      if (glyph === undefined) glyph = classify(cp);
      if (glyph === null) return shape(text);
      glyphs.push(glyph);
    }
    // A ligature could start where a glyph is followed by its ligature's next component.
    for (let i = 0; i + 1 < glyphs.length; i++) {
      const next = shaped.get(glyphs[i].id);
      if (next !== undefined && (next === true || next.has(glyphs[i + 1].id))) return shape(text);
    }
    // fontkit looks up the space glyph after every string's glyphs (to put in place of hidden characters): the first
    // time, that makes its glyph object, and the glyph's characters are those it is made for. Done here as there.
    if (!spaceLookedUp) {
      font.glyphForCodePoint(0x20);
      spaceLookedUp = true;
    }
    const positions = glyphs.map((glyph) => ({ xAdvance: glyph.advanceWidth as number, yAdvance: 0, xOffset: 0, yOffset: 0 }));
    return new DirectRun(glyphs, positions);
  };
}
