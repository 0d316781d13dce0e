// Issue 19 (2): nothing leaves its box. Runs with no break opportunity of their own — a URL, a long Latin word, a
// long digit run — in every text box of the form: each breaks inside its cell, or shrinks, or is refused with the
// overflow error of the fitting rules. Checked on the PDF itself: every glyph pdf.js finds lies inside the cell its
// text starts in, as the page's own rulings draw it, and within its box's text width from templates/layout.yaml.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formField } from '../src/model/form';
import type { DataPath } from '../src/model/types';
import type { TextBox } from '../src/pipeline/derive';
import { deriveSheetView } from '../src/pipeline/derive';
import type { BoxSpec } from '../src/pipeline/fit';
import { checkSheet, openWorkspace, renderSheet, sheetPdf, type Workspace } from '../src/pipeline/sheet';
import { glyphsOutsideCells, runBox, textSequences, type TextSequence } from './helpers/cells';
import { bundledSheet, makeDataDir } from './helpers/data';
import { getPath, setPath } from './helpers/generate';
import { linesFromPdfPages, readSheet } from '../src/interchange/official-text';
import { readPdfText } from '../src/interchange/pdf-text';
import { parsePdf, squash } from './helpers/pdf';
import { assembleBooklet } from '../src/batch/booklet';
import { processSheet } from '../src/batch/sheet-job';

const URL = 'https://www.city.tsukuba.lg.jp/soshikikarasagasu/seisakuinnovationbu/jouhouseisakuka/gyomuannai/1/1001806.html';
const TOKENS = {
  url: URL,
  // Two of the longest words in print, run together: 110 Latin letters and no place to break.
  word: 'RindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetzPneumonoultramicroscopicsilicovolcanoconiosis',
  digits: '1234567890'.repeat(11),
};
type TokenKind = keyof typeof TOKENS;
const KINDS = Object.keys(TOKENS) as TokenKind[];
const BREAK_AFTER = '/.-_?&=';
const OVERFLOW = /^枠に収まりません（約[0-9]+文字超過）/;
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/u;

let workspace: Workspace;
beforeAll(() => {
  workspace = openWorkspace(join(__dirname, '../data'));
});

const key = (path: DataPath) => path.join('.');

function check(sheet: { number: number }) {
  const file = `${String(sheet.number).padStart(3, '0')}.yaml`;
  const dir = makeDataDir({ [file]: sheet });
  return checkSheet(join(dir, '2021', file), workspace);
}

/**
 * Every text box of the form that a person types into: the boxes the derive stage makes of a full sheet, each with
 * the field it prints (from the schema's x-box, or composed, as the project's name with its number), kept when that
 * field is free text in the schema (a string that is no choice).
 */
function textBoxes(): { box: string; field: DataPath }[] {
  const sheet = bundledSheet('087');
  const found = new Map<string, { box: string; field: DataPath }>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      if ('box' in value && 'field' in value) {
        const { box, field } = value as TextBox;
        const node = formField(field).node;
        if (node.type === 'string' && !node.enum && !found.has(key(field))) found.set(key(field), { box, field });
      } else Object.values(value).forEach(visit);
    }
  };
  visit(deriveSheetView(sheet, workspace.city));
  return [...found.values()];
}

/**
 * The token as the field's schema lets it be typed: no longer than its maxLength, matching its pattern. With
 * `tag`, its last two characters are that number, so that each box's text can be told apart on the page.
 */
function typed(field: DataPath, token: string, tag?: number): string | undefined {
  const node = formField(field).node as { maxLength?: number; pattern?: string };
  const pattern = node.pattern ? new RegExp(node.pattern, 'u') : undefined;
  // A code field takes its shape with a long run of digits (`IV-1234567890…`).
  for (const candidate of [token, `IV-${TOKENS.digits}`]) {
    const chars = [...candidate].slice(0, node.maxLength ?? Infinity);
    if (tag !== undefined) chars.splice(-2, 2, ...String(tag).padStart(2, '0'));
    const value = chars.join('');
    if (!pattern || pattern.test(value)) return value;
  }
  return undefined;
}

function sheetWith(values: { field: DataPath; value: string }[]) {
  const sheet = bundledSheet('087');
  for (const { field, value } of values) setPath(sheet, field, value);
  return sheet;
}

const spec = (box: string) => (workspace.templates.layout.boxes as unknown as Record<string, BoxSpec>)[box];
/** A box's text width, from the template's cell that prints it (src/pipeline/box-places.ts). */
const boxWidth = (box: string) => workspace.fitter.places.get(box)!.width;

/** The printed box of a field in a fitted view. */
function fittedBox(view: unknown, field: DataPath): (TextBox & { fontSize: number }) | undefined {
  let hit: (TextBox & { fontSize: number }) | undefined;
  const visit = (value: unknown): void => {
    if (hit) return;
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      if ('box' in value && 'field' in value) {
        if (key((value as TextBox).field) === key(field)) hit = value as TextBox & { fontSize: number };
      } else Object.values(value).forEach(visit);
    }
  };
  visit(view);
  return hit;
}

/** The lines of a sequence's text, as pdf.js ends them. */
function linesOf(sequence: TextSequence): string[] {
  const lines = [''];
  for (const run of sequence.runs) {
    lines[lines.length - 1] += run.str;
    if (run.eol) lines.push('');
  }
  return lines.filter((l) => l !== '');
}

interface Outcome {
  field: DataPath;
  box: string;
  value: string;
  severity: 'fits' | 'shrinks' | 'error';
  message?: string;
}

/** Check a sheet with just this field changed: it fits, it shrinks (a warning), or it is refused (an error). */
function outcome(field: DataPath, box: string, value: string): Outcome {
  const checked = check(sheetWith([{ field, value }]));
  const errors = checked.findings.filter((f) => f.severity === 'error');
  const own = checked.findings.filter((f) => key(f.path) === key(field));
  if (errors.length > 0) {
    // The only error is the overflow of this very box.
    expect(errors.map((e) => [key(e.path), e.message.replace(/（約[0-9]+文字超過）.*/, '')])).toEqual([[key(field), '枠に収まりません']]);
    expect(errors[0].message).toMatch(OVERFLOW);
    return { field, box, value, severity: 'error', message: errors[0].message };
  }
  return { field, box, value, severity: own.some((f) => f.severity === 'warning') ? 'shrinks' : 'fits' };
}

/** Build one sheet with all these values and check every glyph against its cell and its box's width. */
async function printed(outcomes: Outcome[]) {
  const checked = check(sheetWith(outcomes));
  expect(checked.findings.filter((f) => f.severity === 'error')).toEqual([]);
  const pdf = sheetPdf(workspace, renderSheet(workspace, checked.view!), 2021);
  expect(await glyphsOutsideCells(pdf)).toEqual([]);

  const sequences = (await textSequences(pdf)).flatMap((p) => p.sequences);
  const extracted = await parsePdf(pdf);
  expect(INVISIBLE.test(extracted.text)).toBe(false);
  for (const { field, box, value } of outcomes) {
    const fitted = fittedBox(checked.view, field)!;
    // The box's text, exactly as typed, in one sequence of its own (pdf.js), and in pdf-parse's text.
    const own = sequences.filter((s) => squash(s.runs.map((r) => r.str).join('')) === squash(fitted.text));
    expect(own, `${key(field)}: ${fitted.text}`).toHaveLength(1);
    const text = own[0].runs.map((r) => r.str).join('');
    expect(INVISIBLE.test(text), key(field)).toBe(false);
    expect(squash(extracted.text)).toContain(squash(fitted.text));
    // Every line starts at the box's left edge and keeps within its text width (layout.yaml): this also holds
    // where no ruling separates two columns (the 戦略プラン rows sit in a table without rules).
    const boxes = own[0].runs.filter((r) => r.str.trim() !== '').map(runBox);
    const left = Math.min(...boxes.map((b) => b.left));
    const right = Math.max(...boxes.map((b) => b.right));
    expect(right - left, `${key(field)} at ${fitted.fontSize}pt`).toBeLessThanOrEqual(boxWidth(box) + 0.01);
    // A URL wraps after a slash, a dot or one of its other separators.
    const lines = linesOf(own[0]);
    if (value === URL && lines.length > 1) {
      for (const line of lines.slice(0, -1)) expect(BREAK_AFTER, `${key(field)}: 「${line}」`).toContain(line.trim().at(-1));
    }
  }
  return { pdf, sequences };
}

describe('the glyph check itself', () => {
  it.each(['087', '089'])('finds every glyph of bundled sheet %s inside its cell (no false alarm)', async (n) => {
    const checked = check(bundledSheet(n));
    const pdf = sheetPdf(workspace, renderSheet(workspace, checked.view!), 2021);
    expect(await glyphsOutsideCells(pdf)).toEqual([]);
    const sequences = (await textSequences(pdf)).flatMap((p) => p.sequences);
    expect(sequences.length).toBeGreaterThan(100);
  });
});

describe('a long unbreakable run in every text box of the form', () => {
  const boxes = () => textBoxes();

  it('finds the text boxes from the schema and the derived view: every box layout.yaml gives the sheet', () => {
    const found = boxes();
    const names = new Set(found.map((b) => b.box));
    // The sheet's boxes are all those of layout.yaml except the booklet's (toc…) and the overview's; the ones left
    // out hold no free text (mayorPledges, sdgs: numbers; sideItem is also status, a choice, but category is text).
    const sheetBoxes = Object.keys(workspace.templates.layout.boxes).filter((b) => !/^(toc|overview)/.test(b));
    expect(sheetBoxes.filter((b) => !names.has(b)).sort()).toEqual(['directionDecision', 'indicatorKind', 'mayorPledges', 'sdgs']);
    expect(found.length).toBeGreaterThanOrEqual(28);
  });

  it.each(KINDS)('%s: every box breaks it inside the cell, shrinks it, or refuses it with the overflow error', async (kind) => {
    const outcomes: Outcome[] = [];
    for (const [tag, { box, field }] of boxes().entries()) {
      const value = tag === 0 ? typed(field, TOKENS[kind]) : typed(field, TOKENS[kind], tag);
      if (value === undefined) continue;
      outcomes.push(outcome(field, box, value));
    }
    // Every box took a token, at least 50 characters long (the shortest maxLength of a text field).
    expect(outcomes.length).toBe(boxes().length);
    for (const o of outcomes) expect([...o.value].length, key(o.field)).toBeGreaterThanOrEqual(50);
    // A box of several lines holds 110 characters: the run breaks inside it, never refused.
    for (const o of outcomes) if (!spec(o.box).lines && [...o.value].length >= 110) expect(o.severity, `${key(o.field)}: ${o.message}`).not.toBe('error');
    const { pdf } = await printed(outcomes.filter((o) => o.severity !== 'error'));
    // Read back (sheetbook import), a run broken across lines joins without a space, as typed. Not the digit run:
    // import takes a page's last line of bare digits for its page number (official-text.ts), a matter of its own.
    if (kind === 'digits') return;
    const imported = readSheet(linesFromPdfPages((await readPdfText(new Uint8Array(pdf))).pages, 'sheet.pdf')).sheet;
    const wrapped = outcomes.filter((o) => o.severity !== 'error' && !spec(o.box).lines);
    expect(wrapped.length).toBeGreaterThanOrEqual(16);
    for (const o of wrapped) expect(getPath(imported, o.field), key(o.field)).toBe(o.value);
  });

  it.each(KINDS)('%s: a one-line box given a little too much condenses or shrinks it, and it stays inside the cell', async (kind) => {
    const font = workspace.fontSet.fonts[0].pdfkit;
    const outcomes: Outcome[] = [];
    for (const [tag, { box, field }] of boxes().entries()) {
      const s = spec(box);
      if (s.lines !== 1) continue;
      // The shortest prefix that is wider than the box at the standard size: it must be set tighter or smaller.
      const size = s.size ?? workspace.templates.layout.fontSize.body;
      const width = boxWidth(box);
      const token = typed(field, TOKENS[kind]);
      if (!token) continue;
      const chars = [...token];
      let n = 1;
      while (n < chars.length && font.widthOfString(chars.slice(0, n).join(''), size) <= width * 1.05) n++;
      chars.splice(n - 2, 2, ...String(tag).padStart(2, '0'));
      const value = chars.slice(0, n).join('');
      if (font.widthOfString(value, size) <= width) continue; // the field's schema allows no more than fits
      const result = outcome(field, box, value);
      expect(result.severity, `${key(field)}: ${value}`).toBe('shrinks');
      outcomes.push(result);
    }
    expect(outcomes.length).toBeGreaterThanOrEqual(8);
    await printed(outcomes);
  });

  it('prints a URL in 目的 on two lines inside its cell, broken after a slash, and reads back as typed', async () => {
    const field = ['overview', 'purpose'];
    const o = outcome(field, 'purpose', URL);
    expect(o.severity).toBe('fits');
    const { sequences } = await printed([o]);
    const own = sequences.find((s) => squash(s.runs.map((r) => r.str).join('')) === URL)!;
    const lines = linesOf(own).map((l) => l.trim());
    expect(lines.length).toBe(2);
    expect(lines.join('')).toBe(URL);
    expect(lines[0].endsWith('/')).toBe(true);
  });

  it('refuses a URL too long for 個別計画 (one line) with the overflow error, rather than printing over 事業期間', () => {
    const o = outcome(['individualPlan'], 'individualPlan', URL);
    expect(o.severity).toBe('error');
    expect(o.message).toMatch(OVERFLOW);
  });
});

describe('a project named by a URL, in the booklet', () => {
  it('keeps it on its one line in the contents, every glyph of the booklet inside its cell or page', async () => {
    const name = URL.slice(0, 100);
    const dir = makeDataDir({ '087.yaml': { ...bundledSheet('087'), name } });
    const sheets = [processSheet(join(dir, '2021', '087.yaml'), workspace)];
    const booklet = assembleBooklet(workspace, 2021, sheets, { only: [], departments: [] });
    expect(await glyphsOutsideCells(booklet.bytes)).toEqual([]);
    const pages = await textSequences(booklet.bytes);
    const contents = pages.find((p) => p.sequences.some((s) => s.runs.some((r) => r.str === '目次')))!;
    // The contents row: the whole name on one baseline, as the row (of fixed height) holds one line.
    const runs = contents.sequences.flatMap((s) => s.runs).filter((r) => r.str.trim().length >= 2 && name.includes(r.str.trim()));
    expect(runs.map((r) => r.str.trim()).join('')).toBe(name);
    expect(new Set(runs.map((r) => r.y.toFixed(2))).size).toBe(1);
  });
});

describe('the runs pdfmake is given', () => {
  it('keep figures with their units and short codes whole, and give a long run its break points', async () => {
    const { inlineRuns } = await import('../src/model/line-breaking');
    const runs = inlineRuns(`決算額は31,521千円、予算科目 01-020108-14 を参照（${URL}）。`);
    const text = runs.map((r) => (typeof r === 'string' ? r : r.text));
    expect(text.join('')).toBe(`決算額は31,521千円、予算科目 01-020108-14 を参照（${URL}）。`);
    expect(runs).toContainEqual({ text: '31,521千', noWrap: true });
    expect(text.some((t) => t.includes('01-020108-14'))).toBe(true);
    // No character is added to the text to make a break: what pdfmake draws is what was typed.
    expect(INVISIBLE.test(text.join(''))).toBe(false);
  });

  it('join back across a line break as they were broken: a space between words, none inside a run', async () => {
    const { inlineRuns, joinWrappedLines } = await import('../src/model/line-breaking');
    expect(joinWrappedLines('Chat', 'tool と GIS')).toBe('Chat tool と GIS');
    expect(joinWrappedLines('参照 https://www.city.tsukuba.lg.jp/', 'soshikikarasagasu/')).toBe('参照 https://www.city.tsukuba.lg.jp/soshikikarasagasu/');
    expect(joinWrappedLines('Rindfleischetikettierungsueberwachungs', 'aufgaben')).toBe('Rindfleischetikettierungsueberwachungsaufgaben');
    expect(joinWrappedLines('電子申請の', '拡大')).toBe('電子申請の拡大');
    // So no line may end at a space after a separator or after a long run: that space stays with its neighbours.
    const breakableSpace = (text: string) => inlineRuns(text).some((r) => typeof r === 'string' && r.includes(' '));
    expect(breakableSpace('Chat tool')).toBe(true);
    expect(breakableSpace('e.g. tool')).toBe(false);
    expect(breakableSpace(`${TOKENS.word} tool`)).toBe(false);
    expect(breakableSpace(`tool ${TOKENS.word}`)).toBe(true);
  });
});
