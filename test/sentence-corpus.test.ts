// Issue 19, point 1: any sentence typed with characters that YAML treats specially either prints exactly as typed
// or is refused with its position. A generated corpus — every such character or word at the start, in the middle,
// at the end of a sentence, and alone — is typed as a person types it (plain, unquoted, after `field: `) into every
// text field of the schema, many sentences to a sheet. Each sheet is checked in-process as `validate` checks it; a
// sentence is refused when an error stands on its line. The rest print: the sheet is drawn, and its PDF read back
// with pdf.js (import's reader, ActualText honoured), field by field, must give each sentence exactly as typed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { linesFromPdfPages, readSheet, splitSheets } from '../src/interchange/official-text';
import { readPdfText } from '../src/interchange/pdf-text';
import { sheetYaml } from '../src/interchange/sheet-yaml';
import { FORM_FIELDS } from '../src/model/form';
import type { Finding } from '../src/model/types';
import { checkData, checkSheet, openWorkspace, renderSheet, sheetPdf, type Workspace } from '../src/pipeline/sheet';
import { isSentenceField } from '../src/pipeline/yaml-errors';
import type { SchemaNode } from '../src/model/schema';
import { bundledSheet, DATA_DIR } from './helpers/data';
import { getPath, setPath } from './helpers/generate';

type Path = (string | number)[];

/** Every text field where a sentence may be written, from the schema (a list's fields at its first item). */
const FIELDS: Path[] = FORM_FIELDS.filter((f) => f.path.at(-1) !== '*' && isSentenceField(f.node as SchemaNode)).map((f) => f.path.map((k) => (k === '*' ? 0 : k)));

/**
 * What YAML treats specially: its indicator characters (alone, glued to a word, with a space after), the comment
 * mark after a space, `: `, quotes, words it reads as something else (booleans, null, numbers, leading zeros), and
 * white space it drops or keeps (a tab, a full-width space).
 */
const MARKS = [
  '#', ' # ', ' #', '#1', ': ', ':', '"', "'", '"引用"', "'引用'", '&', '&名前 ', '*', '*名前 ', '!', '!名前 ', '! ', '%', '@', '|', '| ', '>', '> ',
  '- ', '? ', '[', '{項目}', ',', '`', '~', 'yes', 'no', 'on', 'true', 'False', 'null', '007', '0123', '0', '-1', '.5', '1e3', '0x1F', '.inf', '12:30',
  '\u3000', '\u3000\u3000', '\t', ' \t',
]
const BASES = [
  ['市民サービスの', '向上を図る。'],
  ['Chat tool を', '活用する'],
  ['令和3年度は', '12件を処理した'],
];

/** Each mark at the start, in the middle, at the end of a sentence, and alone (deterministic). */
function sentences(): string[] {
  const out: string[] = [];
  MARKS.forEach((mark, i) => {
    const [a, b] = BASES[i % BASES.length];
    // Half-width spaces before or after a whole text are not seen on paper (and YAML drops them): not typed.
    out.push(...[`${mark}${a}${b}`, `${a}${mark}${b}`, `${a}${b}${mark}`, mark].map((s) => s.replace(/^ +| +$/g, '')).filter(Boolean));
  });
  // A value that opens and closes with the same quote is YAML's quoting, which the messages themselves advise
  // (`name: "…"`): its quotes are syntax, not text.
  return [...new Set(out)].filter((s) => !/^(["']).*\1$/s.test(s.trim()));
}

const PRINTED_EVERY = 8;

// `npm test` types every sixth sheet of the corpus (each sentence still in five fields or more, every field in use);
// `npm run test:scale` types them all: every sentence in every field.
const SHEET_STEP = process.env.SHEETBOOK_SCALE === '1' ? 1 : 6;

const OVERFLOW = /^枠に収まりません/;

/** What a refused placement is replaced with: a sentence with nothing special in it. */
const PLAIN = '事業を継続する。';

const SLOT = (j: number) => `SENTENCE_SLOT_${String(j).padStart(2, '0')}`;

interface Placement {
  sentence: string;
  field: Path;
  line: number;
}

/**
 * Sheet `k`: the house-style YAML of a bundled sheet with sentence `(k + j) mod n` typed into field `j`, so that
 * over `n` sheets every sentence stands in every field once. Refused placements are written as a plain sentence.
 */
function sheetText(k: number, all: string[], refused: Set<string>): { text: string; placements: Placement[] } {
  const sheet = bundledSheet('087');
  sheet.number = 100 + k;
  // A restatement, so that its reason (a sentence too) has a place.
  sheet.restatements = [{ path: 'costs.settled.2020', reason: PLAIN }];
  FIELDS.forEach((field, j) => setPath(sheet, field, SLOT(j)));
  const lines = sheetYaml(sheet, join(DATA_DIR, '2021', 'x.yaml')).split('\n');
  const placements: Placement[] = [];
  FIELDS.forEach((field, j) => {
    const sentence = all[(k + j) % all.length];
    const at = lines.findIndex((l) => l.endsWith(`: ${SLOT(j)}`));
    expect(at, field.join('.')).toBeGreaterThan(0);
    const typed = refused.has(`${k}:${j}`) ? PLAIN : sentence;
    lines[at] = lines[at].replace(SLOT(j), () => typed);
    if (!refused.has(`${k}:${j}`)) placements.push({ sentence, field, line: at + 1 });
  });
  return { text: lines.join('\n'), placements };
}

/** What the PDF shows for a field: the 担当部課 cell prints 部 and 課 as one text. */
function printed(sheet: any, field: Path): string {
  if (field[0] === 'department' || field[0] === 'division') return `${sheet.department}${sheet.division}`;
  return String(getPath(sheet, field) ?? '');
}

describe('a corpus of sentences with YAML’s special characters, in every text field', () => {
  let workspace: Workspace;
  beforeAll(() => {
    workspace = openWorkspace(DATA_DIR);
  });

  it('has every text field of the schema', () => {
    // A sanity check that the fields come from the schema: the one-line cells and the boxes both.
    expect(FIELDS.map((f) => f.join('.'))).toEqual(expect.arrayContaining(['name', 'section', 'overview.purpose', 'strategicPlans.0.title', 'indicators.0.description', 'direction.reason']));
    expect(FIELDS.length).toBeGreaterThanOrEqual(25);
  });

  it('prints each sentence exactly as typed, or refuses it with an error on its line', async () => {
    const all = sentences();
    // Per sentence: the fields it was refused in, and how many let it through.
    const verdicts = new Map(all.map((sentence) => [sentence, { refused: [] as Path[], accepted: 0 }]));
    const dir = mkdtempSync(join(tmpdir(), 'sheetbook-corpus-'));
    mkdirSync(join(dir, '2021'));
    const problems: string[] = [];
    let refusedCount = 0;
    let readCount = 0;
    let printedCount = 0;
    let sheets = 0;
    for (let k = 0; k < all.length; k += SHEET_STEP) {
      sheets++;
      const refused = new Set<string>();
      let placements: Placement[] = [];
      let checked;
      const file = join(dir, '2021', `${100 + k}.yaml`);
      // Refuse what an error points at, write those fields plainly, check again: until the sheet is clean.
      for (let round = 0; ; round++) {
        const made = sheetText(k, all, refused);
        placements = made.placements;
        writeFileSync(file, made.text);
        checked = checkSheet(file, workspace);
        const errors = checked.findings.filter((f: Finding) => f.severity === 'error');
        if (errors.length === 0) break;
        const hit = placements.filter((p) => errors.some((e) => e.line === p.line));
        if (hit.length === 0 || round > 10) {
          problems.push(`sheet ${k}: errors that point at no sentence: ${errors.map((e) => `${e.line}:${e.column} ${e.message}`).join(' / ')}`);
          break;
        }
        for (const p of hit) {
          refused.add(`${k}:${FIELDS.indexOf(p.field)}`);
          // Too long for its box is no matter of YAML, and depends on what shares the box (担当部課 holds two fields).
          if (errors.some((e) => e.line === p.line && !OVERFLOW.test(e.message))) verdicts.get(p.sentence)!.refused.push(p.field);
        }
        refusedCount += hit.length;
      }
      // Every sentence let through is read as typed, in every field.
      if (!checked.view) continue;
      for (const p of placements) {
        verdicts.get(p.sentence)!.accepted++;
        readCount++;
        const value = getPath(checked.sheet, p.field);
        if (value !== p.sentence) problems.push(`${p.field.join('.')}: ${JSON.stringify(p.sentence)} was read as ${JSON.stringify(value)} with no error`);
      }
      // Drawing and reading a PDF takes a hundred times as long as checking: one sheet in PRINTED_EVERY is drawn,
      // which still puts each sentence on paper in several fields, and some thirty sentences in each field.
      if (k % PRINTED_EVERY !== 0) continue;
      const pdf = sheetPdf(workspace, renderSheet(workspace, checked.view), 2021);
      const chunks = splitSheets(linesFromPdfPages((await readPdfText(new Uint8Array(pdf))).pages, 'corpus.pdf'));
      expect(chunks, `sheet ${k}`).toHaveLength(1);
      const back = readSheet(chunks[0], { whole: true }).sheet;
      for (const p of placements) {
        // A restatement's reason is printed in the 新旧対照表 and the 正誤表, not on the sheet.
        if (p.field[0] === 'restatements') continue;
        printedCount++;
        if (printed(back, p.field) !== printed(checked.sheet, p.field)) problems.push(`${p.field.join('.')}: ${JSON.stringify(p.sentence)} printed as ${JSON.stringify(printed(back, p.field))}`);
      }
    }
    // An error blamed on a sentence may have been caused by another on a nearby line (an unclosed `[` swallows the
    // lines after it). A sentence refused in some fields and let through in others is checked alone in each field
    // that refused it: it must be refused there too, at its line — or the error pointed at the wrong place.
    let alone = 0;
    for (const [sentence, { refused, accepted }] of verdicts) {
      if (refused.length === 0 || accepted === 0) continue;
      for (const field of refused) {
        alone++;
        const j = FIELDS.indexOf(field);
        const made = sheetText(0, FIELDS.map((_, i) => (i === j ? sentence : PLAIN)), new Set());
        const file = join(dir, '2021', '099.yaml');
        writeFileSync(file, made.text.replace(/^number: 100$/m, 'number: 99'));
        const line = made.placements[j].line;
        const errors = checkData(file, workspace).findings.filter((f: Finding) => f.severity === 'error');
        if (!errors.some((e) => e.line === line)) {
          problems.push(`${field.join('.')}: ${JSON.stringify(sentence)} alone is ${errors.length === 0 ? 'let through' : `refused elsewhere (${errors.map((e) => `${e.line}:${e.column}`).join(', ')})`}, but an error was put on its line among others`);
        }
      }
    }
    expect(problems).toEqual([]);
    console.log(
      `sentence corpus: ${all.length} sentences, ${FIELDS.length} fields, ${sheets} sheets = ${sheets * FIELDS.length} placements; ${refusedCount} refused at their line, ` +
        `${readCount} read as typed, ${printedCount} of them printed and read back from the PDF exactly; ${alone} refusals confirmed alone`,
    );
  });
});
