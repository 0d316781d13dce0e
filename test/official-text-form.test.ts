// Issue 20, point 1: the official-text reader reads the form from the schema. In a copy of the schema where fields
// are renamed (titles, the official text's own labels, choices, the number of indicator slots), the reader must read
// the official text printed with the new names exactly as the real reader reads the text with the old ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportedSheet, SourceLine } from '../src/interchange/official-text';

type Reader = typeof import('../src/interchange/official-text');
type Node = { title?: string; properties?: Record<string, Node>; items?: Node; additionalProperties?: Node; [key: string]: unknown };

const SCHEMA = '../src/model/sheet.schema.json';
const seed = readFileSync(join(__dirname, 'fixtures/seed-fy2021-087-091.txt'), 'utf8');

/** The field at `path` of a schema (`*` for a list's items or a year row's values). */
function at(schema: Node, path: string): Node {
  return path.split('.').reduce((node, step) => (step === '*' ? (node.items ?? node.additionalProperties)! : node.properties![step]), schema);
}

/** The schema renamed: every change the official text below is printed with. */
function renamed(original: Node): Node {
  const schema = structuredClone(original);
  schema.title = '事務事業評価シート';
  at(schema, 'overview').title = '事業のあらまし';
  at(schema, 'overview')['x-section'] = '事業のあらまし';
  at(schema, 'overview.target').title = '対象者';
  at(schema, 'section').title = '担当係';
  at(schema, 'status').title = '新規／継続';
  at(schema, 'structure').title = '実施体制';
  at(schema, 'department')['x-label'] = '所管部課';
  at(schema, 'costs')['x-head'] = '区分';
  at(schema, 'costs.settled').title = '決算見込額';
  at(schema, 'costs.partTimeStaff.*').enum = ['あり', 'なし'];
  at(schema, 'costs.partTimeStaff.*').default = 'なし';
  at(schema, 'participation.implementation').title = '実施';
  at(schema, 'indicators').maxItems = 6;
  at(schema, 'indicators.*.kind').enum = ['活動指標', '成果指標', null];
  at(schema, 'indicators.*.target').title = '目標';
  at(schema, 'results.challenges').title = '問題点';
  at(schema, 'evaluation.citizenNeeds').title = '市民の需要';
  at(schema, 'direction.reason').title = '理由・説明';
  return schema;
}

/** The seed's lines as the official text would print them under the renamed schema (each line keeps its place). */
function printedRenamed(lines: SourceLine[]): SourceLine[] {
  // Each label where the official text prints it: at a line's start (the slot's number may stand before an
  // indicator's row) or between two cells, followed by a space or the line's end.
  const edits: [RegExp, string][] = [
    [/^令和 3年度 事務事業マネジメントシート$/, '令和 3年度 事務事業評価シート'],
    [/^事業の概要$/, '事業のあらまし'],
    [/^対象(?= |$)/, '対象者'],
    [/ 係名(?= |$)/, ' 担当係'],
    [/ 新規・継続(?= |$)/, ' 新規／継続'],
    [/^事業体制(?= |$)/, '実施体制'],
    [/ 担当部課(?= |$)/, ' 所管部課'],
    [/^項目(?= |$)/, '区分'],
    [/^決算額(?= |$)/, '決算見込額'],
    [/^実行(?= |$)/, '実施'],
    [/ 活動結果指標$/, ' 活動指標'],
    [/^([0-9] )?目標値(?= |$)/, '$1目標'],
    [/^課題 業務(?= |$)/, '問題点 業務'],
    [/^市民ニーズ(?= |$)/, '市民の需要'],
    [/^理由(?= |$)/, '理由・説明'],
  ];
  const sixthSlot = ['6 指標名 ()', 'R01年度 R02年度 R03年度 R04年度 R05年度 R06年度', `目標 ${'0.0 '.repeat(6).trim()}`, `実績 ${'0.0 '.repeat(6).trim()}`, '指標の概要'];
  return lines.flatMap((line) => {
    let text = line.text;
    for (const [from, to] of edits) text = text.replace(from, to);
    if (text.startsWith('会計年度任用職員有無 (-) ')) text = text.replace(/ 有(?= |$)/g, ' あり').replace(/ 無(?= |$)/g, ' なし');
    const printed = { ...line, text };
    // A sixth indicator slot, empty, after the fifth.
    return text.startsWith('前年度の課題への対応') ? [...sixthSlot.map((t, k) => ({ text: t, where: `${line.where}（第6枠 ${k + 1}）` })), printed] : [printed];
  });
}

const readAll = (reader: Reader, lines: SourceLine[]): ImportedSheet[] => reader.splitSheets(lines).map((chunk) => reader.readSheet(chunk));

afterEach(() => {
  vi.doUnmock(SCHEMA);
  vi.resetModules();
});

describe('the official-text reader, under a schema whose fields are renamed', () => {
  it('reads the text printed with the new names as it reads the original under the real schema', async () => {
    vi.resetModules();
    const real = (await import('../src/interchange/official-text')) as Reader;
    const original = real.linesFromText(seed, 'seed');
    const expected = readAll(real, original);
    expect(expected).toHaveLength(5);

    vi.resetModules();
    vi.doMock(SCHEMA, async (importOriginal) => {
      const module = (await importOriginal()) as { default: Node };
      return { default: renamed(module.default) };
    });
    const reader = (await import('../src/interchange/official-text')) as Reader;
    const form = await import('../src/model/form');
    expect(form.formField(['overview', 'target']).title).toBe('対象者'); // the mock is in force
    const actual = readAll(reader, printedRenamed(original));

    // The same sheets, with the renamed choices in place of the old ones.
    const renamedChoices = expected.map((imported) => {
      const sheet = structuredClone(imported.sheet);
      for (const year of Object.keys(sheet.costs.partTimeStaff)) sheet.costs.partTimeStaff[year] = (sheet.costs.partTimeStaff[year] === '有' ? 'あり' : 'なし') as never;
      for (const indicator of sheet.indicators) if (indicator.kind === '活動結果指標') indicator.kind = '活動指標' as never;
      return { ...imported, sheet };
    });
    expect(actual).toEqual(renamedChoices);
  });

  it('does not read the old names any more (the labels are the schema’s, not the reader’s)', async () => {
    vi.resetModules();
    vi.doMock(SCHEMA, async (importOriginal) => {
      const module = (await importOriginal()) as { default: Node };
      return { default: renamed(module.default) };
    });
    const reader = (await import('../src/interchange/official-text')) as Reader;
    const lines = reader.linesFromText(seed, 'seed');
    // The sheets' title is the schema's: under the old one, there is no sheet to read.
    expect(reader.splitSheets(lines)).toEqual([]);
    const titled = lines.map((l) => ({ ...l, text: l.text.replace('事務事業マネジメントシート', '事務事業評価シート') }));
    const [first] = readAll(reader, titled);
    const missing = first.notes.map((n) => n.message).filter((m) => m.endsWith('が見つかりません'));
    expect(missing).toEqual(expect.arrayContaining(['「対象者」が見つかりません', '「新規／継続」が見つかりません', '「実施体制」が見つかりません', '「市民の需要」が見つかりません']));
  });
});
