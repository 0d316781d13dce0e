// Text laid out without OpenType shaping where shaping changes nothing (src/pdf/direct-layout.ts) must come out as
// fontkit's shaping gives it: the same glyph objects (ids and the characters they stand for, which become the PDF's
// text layer), the same positions and widths, for every character of the fonts it takes, for the sheets' own text,
// and for strings made to catch it out. Two copies of each font, one with and one without, lay out the same strings
// in the same order (fontkit's glyph objects depend on the order in which they are first made).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadFontFaces } from '../src/pdf/fonts';
import { fontkitFontOf, installPlainTextLayout } from '../src/pdf/pdfmake';
import { WARM_UP_SHEET } from '../src/build/warm-up';

const ROOT = join(__dirname, '..');

/** A fontkit font of these bytes, made as src/pdf/pdfmake.ts makes it for the font set (nothing installed yet). */
const fontkitFont = (bytes: Buffer): any => fontkitFontOf(bytes);

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value, ...value.split(/(?<=[ \t])/));
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** The sheets' text, whole and as pdfkit cuts it (after each space), with the made-up sheet's. */
function sheetTexts(): string[] {
  const dir = join(ROOT, 'data', '2021');
  const texts = readdirSync(dir).flatMap((f) => strings(parse(readFileSync(join(dir, f), 'utf8'))));
  return [...texts, ...strings(parse(WARM_UP_SHEET)), '事業の概要', '令和3年度 事務事業マネジメントシート'];
}

/** Strings that must not be laid out directly, or only just may: ligatures, marks, hidden characters, other scripts. */
const AWKWARD = [
  '\u00a0', ' ', 'a\u00a0b', 'soft\u00adhyphen', 'fi', 'ff', 'fl', 'ffi', 'office', 'か\u309a', 'か\u309c', 'か゚', 'カ\u309aキ',
  'が', 'e\u0301', 'ｶﾞ', '한국어', 'ㄱ', 'ﾠ', 'नमस्ते', 'عربي', '漢字\u{20b9f}', '\ud800', '1\u20442', '½', '葛\ufe00', '葛\u{e0100}',
  'zero\u200bwidth', 'a\u200db', '\ufeffbom', '㈱', '㉑', '①', 'Ⅻ', '℃', '〜', '—', '‐', '…', '・', '「」', '（）', '\t', '',
];

/** Each glyph run as plain data: glyph ids, their characters, positions, width. */
function run(font: any, text: string) {
  const r = font.layout(text);
  return {
    glyphs: r.glyphs.map((g: any) => [g.id, [...g.codePoints]]),
    positions: r.positions.map((p: any) => ({ ...p })),
    advanceWidth: r.advanceWidth,
    direct: r.constructor.name === 'DirectRun',
  };
}

function compare(bytes: Buffer, texts: string[]): { direct: number; total: number } {
  const shaped = fontkitFont(bytes);
  const direct = fontkitFont(bytes);
  expect(installPlainTextLayout(direct)).toBe(true);
  let taken = 0;
  for (const text of texts) {
    const expected = run(shaped, text);
    const actual = run(direct, text);
    expect(expected.direct).toBe(false);
    if (actual.direct) taken++;
    expect({ text, ...actual, direct: undefined }).toEqual({ text, ...expected, direct: undefined });
  }
  return { direct: taken, total: texts.length };
}

describe('text laid out directly', () => {
  const faces = loadFontFaces();

  it('is what fontkit shapes, for every character of the regular font, alone and beside its neighbours', () => {
    const font = fontkitFont(faces.find((f) => f.face === 'normal')!.bytes);
    const chars: string[] = [...font.characterSet].filter((cp: number) => cp <= 0xffff).map((cp: number) => String.fromCodePoint(cp));
    const texts = [...AWKWARD, ...chars, ...chars.map((c, i) => c + chars[(i * 7919) % chars.length] + c)];
    const { direct, total } = compare(faces.find((f) => f.face === 'normal')!.bytes, texts);
    // Most characters are laid out directly (else this test would compare fontkit with itself).
    expect(direct / total).toBeGreaterThan(0.8);
  }, 120_000);

  it('is what fontkit shapes, for the sheets’ text and awkward strings, in both faces', () => {
    const texts = [...AWKWARD, ...sheetTexts(), ...AWKWARD.map((a) => `事業${a}の概要`)];
    for (const face of faces) {
      const { direct, total } = compare(face.bytes, texts);
      expect(direct / total, face.face).toBeGreaterThan(0.8);
    }
  });

  it('leaves to fontkit what shaping may change', () => {
    const direct = fontkitFont(faces[0].bytes);
    installPlainTextLayout(direct);
    for (const text of ['office', 'か\u309a', 'soft\u00adhyphen', 'e\u0301', '한국어', '1\u20442', '葛\ufe00', '\ud800']) {
      expect(run(direct, text).direct, text).toBe(false);
    }
    expect(run(direct, '事業の概要').direct).toBe(true);
    // Asked for features, a script or a direction: fontkit, always.
    expect(direct.layout('事業', ['palt']).constructor.name).not.toBe('DirectRun');
    expect(direct.layout('事業', undefined, 'kana').constructor.name).not.toBe('DirectRun');
  });
});
