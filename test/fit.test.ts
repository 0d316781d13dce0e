// Issue 4: never clip, always two pages. Generated sheets from empty to far too long, parsed back.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSheet, openWorkspace, renderSheet, sheetPdf, type Workspace } from '../src/pipeline/sheet';
import { bundledSheet, makeDataDir } from './helpers/data';
import { FREE_TEXT_FIELDS, generateSheet, getPath, setPath, textOfLength, prng } from './helpers/generate';
import { firstOutOfOrder, parsePdf, squash } from './helpers/pdf';

let workspace: Workspace;
beforeAll(() => {
  workspace = openWorkspace(join(__dirname, '../data'));
});

function check(sheet: unknown) {
  const dir = makeDataDir({ '087.yaml': { ...(sheet as object), number: 87 } });
  return checkSheet(join(dir, '2021/087.yaml'), workspace);
}

const OVERFLOW = /^枠に収まりません（約([0-9]+)文字超過）$/;
const NO_LINE_START = /^[、。，．,.)）」』】〕〉》ー・ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ%％]/u;
const NO_LINE_END = /[（「『【〔〈《(]$/u;

/** Line ends inside a field's text, found by the characters on both sides of each line break. */
function wrapsInside(pdfText: string, fieldTexts: string[]): { before: string; after: string; rawBefore: string; rawAfter: string }[] {
  const haystack = fieldTexts.map(squash).join('\u0000');
  const lines = pdfText.split('\n').map((l) => l.trim()).filter(Boolean);
  const wraps: { before: string; after: string; rawBefore: string; rawAfter: string }[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const before = squash(lines[i]).slice(-4);
    const after = squash(lines[i + 1]).slice(0, 4);
    if (before.length === 4 && after.length === 4 && haystack.includes(before + after)) wraps.push({ before, after, rawBefore: lines[i], rawAfter: lines[i + 1] });
  }
  return wraps;
}

function lineBreakViolations(pdfText: string, fieldTexts: string[]): string[] {
  const bad: string[] = [];
  for (const { before, after, rawBefore, rawAfter } of wrapsInside(pdfText, fieldTexts)) {
    const at = `${before}|${after}`;
    if (NO_LINE_START.test(after)) bad.push(`line starts with closing punctuation or small kana: ${at}`);
    if (NO_LINE_END.test(before)) bad.push(`line ends with an opening bracket: ${at}`);
    if (/[0-9][,.]?$/.test(before) && /^[0-9,.%％件円人回台]/.test(after)) bad.push(`figure split from its digits or unit: ${at}`);
    // A break between two Latin words is fine; inside one word it is not.
    const lastWord = /[A-Za-z]+$/.exec(rawBefore)?.[0];
    const firstWord = /^[A-Za-z]+/.exec(rawAfter)?.[0];
    if (lastWord && firstWord && fieldTexts.some((t) => new RegExp(`(^|[^A-Za-z])${lastWord}${firstWord}([^A-Za-z]|$)`).test(t)))
      bad.push(`Latin word split: ${at}`);
  }
  return bad;
}

describe('generated sheets that fit', () => {
  // Small, medium and large texts; every sheet that validates prints on two pages with all its text.
  const cases = Array.from({ length: 18 }, (_, i) => ({ seed: 1000 + i, scale: [0.05, 0.15, 0.3][i % 3] }));

  it.each(cases)('seed $seed at scale $scale: two pages, every character, Japanese line breaking', async ({ seed, scale }) => {
    const sheet = generateSheet(seed, scale);
    let checked = check(sheet);
    // Texts drawn too long for their box are cut to what the validator says fits: the promise under test is
    // that whatever validates prints whole on two pages.
    for (let round = 0; round < 3 && !checked.view; round++) {
      for (const finding of checked.findings.filter((f) => f.severity === 'error')) {
        const excess = OVERFLOW.exec(finding.message);
        expect(excess, `${finding.labels.join(' › ')}: ${finding.message}`).not.toBeNull();
        const text = [...getPath(sheet, finding.path)];
        setPath(sheet, finding.path, text.slice(0, text.length - Number(excess![1])).join(''));
      }
      checked = check(sheet);
    }
    expect(checked.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const pdf = await parsePdf(sheetPdf(workspace, renderSheet(workspace, checked.view!), 2021));
    expect(pdf.pageCount).toBe(2);
    const fieldTexts = FREE_TEXT_FIELDS.map((f) => String(getPath(sheet, f.path)));
    for (const text of fieldTexts) expect(squash(pdf.text)).toContain(squash(text));
    expect(firstOutOfOrder(pdf.text, fieldTexts.slice(0, 16))).toBeUndefined();
    expect(lineBreakViolations(pdf.text, fieldTexts)).toEqual([]);
  });
});

describe('text too long for its box even at the floor', () => {
  it.each(FREE_TEXT_FIELDS.map((f) => [f.path.join('.'), f] as const))('%s: a precise overflow error', (_name, field) => {
    const random = prng(7);
    const sheet = bundledSheet('087');
    setPath(sheet, field.path, textOfLength(field.max, random));
    const errors = check(sheet).findings.filter((f) => f.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toEqual(field.path);
    const excess = Number(OVERFLOW.exec(errors[0].message)?.[1]);
    expect(excess).toBeGreaterThan(0);

    // Removing about that many characters is what it takes: a few more than that fit, clearly fewer do not.
    const text = [...getPath(sheet, field.path)];
    setPath(sheet, field.path, text.slice(0, text.length - excess).join(''));
    expect(check(sheet).findings.filter((f) => f.severity === 'error')).toEqual([]);
    const short = Math.floor(excess * 0.8) - 2;
    if (short > 0) {
      setPath(sheet, field.path, text.slice(0, text.length - short).join(''));
      expect(check(sheet).findings.filter((f) => f.severity === 'error')).toHaveLength(1);
    }
  });

  it('names every overflowing field of a sheet far too long, and warns for every box that shrank', () => {
    const sheet = generateSheet(42, 1);
    const findings = check(sheet).findings;
    const overflowing = findings.filter((f) => f.severity === 'error');
    expect(overflowing.length).toBeGreaterThan(3);
    for (const f of overflowing) expect(f.message).toMatch(OVERFLOW);
    // (Sheet 089 writes 事業分類 with ASCII brackets, which is warned about too.)
    for (const f of findings.filter((f) => f.severity === 'warning' && f.path[0] !== 'category')) expect(f.message).toMatch(/縮小して印刷します|字間を詰めて印刷します/);
  });
});

describe('the floor', () => {
  it('keeps a box that had to shrink at or above 6 pt, and reports the size', () => {
    const sheet = bundledSheet('087');
    sheet.results.achievements = textOfLength(400, prng(3));
    const checked = check(sheet);
    const warning = checked.findings.find((f) => f.path.join('.') === 'results.achievements');
    expect(warning?.severity).toBe('warning');
    const size = Number(/([0-9.]+)pt に縮小/.exec(warning!.message)?.[1]);
    expect(size).toBeGreaterThanOrEqual(6);
    expect(size).toBeLessThan(8);
    expect(checked.view!.results.achievements.fontSize).toBe(size);
  });
});

describe('the fullest sheet the schema allows', () => {
  it('six strategic plans, all 17 SDGs and every box full still print on exactly two pages', async () => {
    const sheet = generateSheet(77, 1);
    sheet.strategicPlans = Array.from({ length: 6 }, (_, i) => ({ code: 'IV-3', policy: i + 1, measure: i + 1, title: '行政手続きの電子化に向けた取組'.repeat(2) }));
    sheet.sdgs = Array.from({ length: 17 }, (_, i) => i + 1);
    sheet.mayorPledges = [1, 2, 3, 4, 5, 6, 7, 8];
    let checked = check(sheet);
    for (let round = 0; round < 20 && !checked.view; round++) {
      for (const finding of checked.findings.filter((f) => f.severity === 'error')) {
        const excess = Number(/約([0-9]+)文字超過/.exec(finding.message)?.[1]);
        expect(excess, `${finding.labels.join(' › ')}: ${finding.message}`).toBeGreaterThan(0);
        const value = getPath(sheet, finding.path);
        if (Array.isArray(value)) setPath(sheet, finding.path, value.slice(0, -1));
        else setPath(sheet, finding.path, [...String(value)].slice(0, -excess).join(''));
      }
      checked = check(sheet);
    }
    expect(checked.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(checked.view!.strategicPlanRows).toHaveLength(6);
    expect(sheet.sdgs.length).toBeGreaterThanOrEqual(6); // a long list of goals runs on as one text before it is refused
    const pdf = await parsePdf(sheetPdf(workspace, renderSheet(workspace, checked.view!), 2021));
    expect(pdf.pageCount).toBe(2);
    expect(pdf.pages[1]).toContain('2 / 2');
  });
});
