// Each text measured once (src/pdf/measured-texts.ts): a text set again in the same fonts and style gets the first
// measurement, copied (pdfmake writes into the inlines it lays out); any difference of text, font or style property
// is measured anew; texts that are not plain runs are always measured. And each text laid out once: a box the fit
// stage measured is drawn with its measurement and its lines, exactly as building them again would draw it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { LaidOutLines, MeasuredTexts, type Measured } from '../src/pdf/measured-texts';
import { getProperties, getProperty, type Stack } from '../src/pdf/style-lookup';
import { checkSheet, openWorkspace, renderSheet } from '../src/pipeline/sheet';
import { DATA_DIR } from './helpers/data';

/** Bundled sheet 087 with some of its fields written otherwise, as its file would hold them. */
function sheet087(edit: (sheet: any) => void): Buffer {
  const sheet = parse(readFileSync(join(DATA_DIR, '2021', '087.yaml'), 'utf8'));
  edit(sheet);
  return Buffer.from(stringify(sheet, { lineWidth: 0 }));
}

const stack = (top: Record<string, unknown>, named: Record<string, Record<string, unknown>> = {}): Stack => ({
  styleDictionary: named,
  defaultStyle: { font: 'BIZ', fontSize: 9, lineHeight: 1.2 },
  styleOverrides: [top],
});
const fonts = { regular: {}, bold: {} };
const fontOf = (_family: unknown, bold: unknown) => (bold ? fonts.bold : fonts.regular);

function counting() {
  let built = 0;
  const build = (): Measured => {
    built++;
    return { items: [{ text: 'あ', width: 9, x: 0 }], minWidth: 9, maxWidth: 9 };
  };
  return { build, built: () => built };
}

describe('MeasuredTexts', () => {
  it('measures a text once per fonts and style, and hands out inlines of their own', () => {
    const texts = new MeasuredTexts();
    const c = counting();
    const first = texts.measure('事業の概要', stack({}), fontOf, c.build);
    const again = texts.measure('事業の概要', stack({}), fontOf, c.build);
    expect(c.built()).toBe(1);
    expect(again).toEqual(first);
    expect(again.items[0]).not.toBe(first.items[0]);
    // What pdfmake writes into one answer's inlines is not in the next.
    again.items[0].x = 42;
    expect(texts.measure('事業の概要', stack({}), fontOf, c.build).items[0].x).toBe(0);
    expect(c.built()).toBe(1);
  });

  it('measures anew for another text, run, size, spacing, font face or a named style that changes a property', () => {
    const texts = new MeasuredTexts();
    const c = counting();
    texts.measure('目的', stack({}), fontOf, c.build);
    const variants: [unknown, Stack][] = [
      ['目標', stack({})],
      [[{ text: '目的', noWrap: true }], stack({})],
      ['目的', stack({ fontSize: 8.5 })],
      ['目的', stack({ characterSpacing: -0.2 })],
      ['目的', stack({ bold: true })],
      ['目的', stack({ preserveLeadingSpaces: true })],
    ];
    for (const [text, s] of variants) texts.measure(text, s, fontOf, c.build);
    expect(c.built()).toBe(1 + variants.length);
    // A named style on the stack answers like the same property written out: the same measurement.
    texts.measure('目的', { ...stack({}), styleOverrides: ['label'], styleDictionary: { label: { fontSize: 8.5 } } }, fontOf, c.build);
    expect(c.built()).toBe(1 + variants.length);
    // No `bold` and `bold: false` choose the same font: the same measurement (the fit stage writes one, a cell the other).
    texts.measure('目的', stack({ bold: false }), fontOf, c.build);
    expect(c.built()).toBe(1 + variants.length);
    // The same family and face in another font set are other fonts.
    texts.measure('目的', stack({}), () => ({}), c.build);
    expect(c.built()).toBe(2 + variants.length);
  });

  it('always measures a text that is not plain runs (a nested text, a run with a style or a link)', () => {
    const texts = new MeasuredTexts();
    const c = counting();
    for (const text of [[{ text: 'a', style: 'label' }], [{ text: [{ text: 'a' }] }], [{ text: 'a', link: 'https://example.jp' }], 42]) {
      texts.measure(text, stack({}), fontOf, c.build);
      texts.measure(text, stack({}), fontOf, c.build);
    }
    expect(c.built()).toBe(8);
  });

  it('empties itself when it holds its limit, and measures again after', () => {
    const texts = new MeasuredTexts(3);
    const c = counting();
    for (const text of ['一', '二', '三', '四']) texts.measure(text, stack({}), fontOf, c.build);
    texts.measure('一', stack({}), fontOf, c.build);
    expect(c.built()).toBe(5);
    texts.measure('四', stack({}), fontOf, c.build);
    expect(c.built()).toBe(5);
  });
});

describe('getProperties', () => {
  it('answers each property as getProperty does, the stack walked once', () => {
    const dictionary = {
      label: { fontSize: 8, bold: true, extends: 'base' },
      base: { color: '#333', lineHeight: 1.1, extends: ['label', 'wide'] }, // a cycle, which pdfmake stops too
      wide: { characterSpacing: 0.5, fontSize: 12 },
      empty: {},
      nulls: { fontSize: null, color: undefined },
    };
    const properties = ['font', 'bold', 'fontSize', 'color', 'lineHeight', 'characterSpacing', 'alignment', 'noWrap'];
    const stacks: Stack[] = [
      { styleDictionary: dictionary, defaultStyle: { font: 'BIZ', fontSize: 9 }, styleOverrides: [] },
      { styleDictionary: dictionary, defaultStyle: { font: 'BIZ', fontSize: 9 }, styleOverrides: ['label', { fontSize: 7.5, alignment: 'right' }] },
      { styleDictionary: dictionary, defaultStyle: undefined, styleOverrides: [{ bold: false, noWrap: null }, 'nulls', 'missing', 'empty'] },
      { styleDictionary: dictionary, defaultStyle: { color: 'red' }, styleOverrides: ['wide', 'base', new String('label')] },
      { styleDictionary: dictionary, defaultStyle: { fontSize: 0 }, styleOverrides: [{ fontSize: 0, characterSpacing: 0 }, 'wide'] },
    ];
    for (const s of stacks) {
      // Twice: the second time a named style's answers are the ones kept from the first.
      expect(getProperties(s, properties)).toEqual(properties.map((p) => getProperty(s, p)));
      expect(getProperties(s, properties)).toEqual(properties.map((p) => getProperty(s, p)));
    }
  });

  it('keeps answers apart by type and by kind of text: 8 and "8", a string and the runs that look like it', () => {
    const texts = new MeasuredTexts();
    const c = counting();
    texts.measure('目的', stack({ alignment: 8 }), fontOf, c.build);
    texts.measure('目的', stack({ alignment: '8' }), fontOf, c.build);
    const runs = [{ text: '目的' }];
    texts.measure(runs, stack({}), fontOf, c.build);
    texts.measure(JSON.stringify(runs), stack({}), fontOf, c.build);
    expect(c.built()).toBe(4);
    // A style value with no written form (a function) is never kept.
    texts.measure('目的', stack({ alignment: () => 'left' }), fontOf, c.build);
    texts.measure('目的', stack({ alignment: () => 'left' }), fontOf, c.build);
    expect(c.built()).toBe(6);
  });
});

describe('a box the fit stage measured', () => {
  it('is drawn with the fit stage\'s measurement, not measured again', () => {
    const workspace = openWorkspace(DATA_DIR);
    const seen: { phase: 'fit' | 'draw'; key: string; built: boolean }[] = [];
    let phase: 'fit' | 'draw' = 'fit';
    const measure = MeasuredTexts.prototype.measure;
    const spy = vi.spyOn(MeasuredTexts.prototype, 'measure').mockImplementation(function (this: MeasuredTexts, text, stack, fontOf, build) {
      let built = false;
      const result = measure.call(this, text, stack, fontOf, () => ((built = true), build()));
      seen.push({ phase, key: `${JSON.stringify(text)}|${getProperty(stack, 'fontSize')}|${getProperty(stack, 'characterSpacing')}`, built });
      return result;
    });
    try {
      // A sentence long enough that the fit stage must measure it (its quick bound says it may not fit).
      for (let length = 60; length <= 600 && !seen.some((s) => s.phase === 'fit'); length += 20) {
        const bytes = sheet087((sheet) => (sheet.overview.purpose = '市役所の業務効率化と、価値の高い住民サービスの提供を図る。'.repeat(length / 20)));
        seen.length = 0;
        phase = 'fit';
        const prepared = checkSheet('087.yaml', workspace, bytes);
        phase = 'draw';
        renderSheet(workspace, prepared.view!);
      }
      const fitted = new Set(seen.filter((s) => s.phase === 'fit').map((s) => s.key));
      const drawnAsFitted = seen.filter((s) => s.phase === 'draw' && fitted.has(s.key));
      expect(fitted.size).toBeGreaterThan(0);
      expect(drawnAsFitted.length).toBeGreaterThan(0);
      expect(drawnAsFitted.filter((s) => s.built)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('lines laid out once', () => {
  it('draws a box with the lines the fit stage built, cut words and all, exactly as building them again would', () => {
    const workspace = openWorkspace(DATA_DIR);
    // Digits with no break opportunity: pdfmake cuts them where a line is full, and the fit stage must measure them.
    const bytes = sheet087((sheet) => {
      sheet.overview.purpose = `申請件数の推移 ${'1234567890'.repeat(24)} を公開する。`;
      sheet.results.achievements = `${'電子申請サービスの利用者が増えた。'.repeat(14)}https://www.city.tsukuba.lg.jp/${'shisei/'.repeat(8)}index.html`;
    });
    const view = checkSheet('087.yaml', workspace, bytes).view!;
    const replay = LaidOutLines.prototype.replay;
    let given = 0;
    let givenCut = 0;
    const spy = vi.spyOn(LaidOutLines.prototype, 'replay').mockImplementation(function (this: InstanceType<typeof LaidOutLines>, node, width, newLine, build) {
      let built = false;
      const before = node._inlines?.length ?? 0;
      const line = replay.call(this, node, width, newLine, () => ((built = true), build()));
      if (!built && line) {
        given++;
        if (before - (node._inlines?.length ?? 0) === line.inlines.length - 1) givenCut++;
      }
      return line;
    });
    const withKept = renderSheet(workspace, view);
    spy.mockImplementation((_node, _width, _newLine, build) => build());
    const builtAgain = renderSheet(workspace, view);
    spy.mockRestore();
    expect(given).toBeGreaterThan(0);
    expect(givenCut).toBeGreaterThan(0);
    expect(withKept.pages.map((p) => p.content.toString('base64'))).toEqual(builtAgain.pages.map((p) => p.content.toString('base64')));
  });
});
