// Saving keeps the file a person wrote (issue 21, point 6): only the values that changed change — a diff of the file
// shows those lines and no other —, comments, key order, the schema line and the year maps' style stay, and any
// string typed in the form comes back identical from the file, whatever it holds.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { editedSheetYaml } from '../src/interchange/sheet-edit';
import { parseSheetText } from '../src/pipeline/load';
import { DATA_DIR } from './helpers/data';
import { startTestServer, type TestServer } from './helpers/serve';

const ORIGINAL = readFileSync(join(DATA_DIR, '2021', '087.yaml'), 'utf8');

/** The lines that differ between two texts of the same length in lines, by line number (1-based). */
function changedLines(before: string, after: string): { line: number; before: string; after: string }[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [{ line: i + 1, before: line, after: b[i] }]));
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

// Strings that need care in YAML: a comment mark, a key mark, quotes, a YAML 1.1 boolean, leading zeros, full-width
// spaces at both ends, a leading mark, a trailing backslash, a number, an empty text, a line break.
const AWKWARD = [
  '成果は 62% # 職員アンケート',
  '対象: 市職員と市民',
  '"引用" と \'引用\'',
  'yes',
  'no',
  'null',
  '0123',
  '\u3000全角スペースで始まり全角スペースで終わる\u3000',
  '- 箇条書きのような文',
  '[括弧] で始まる',
  '{波括弧}',
  '& と * と ! と % と @ と `',
  '末尾のバックスラッシュ\\',
  '12.50',
  '',
  ' 半角スペースで始まる',
  '1 行目\n2 行目',
  '<script>alert(1)</script>',
  'タブ\tを含む',
];

describe('editedSheetYaml', () => {
  it('changes only the lines of the values that changed', () => {
    const data = parse(ORIGINAL);
    data.overview.target = '市職員（新しい対象）';
    data.costs.settled['2020'] = 24000;
    data.evaluation.progress.score = 3;
    const after = editedSheetYaml(ORIGINAL, data);
    const changed = changedLines(ORIGINAL, after);
    expect(changed.map((c) => c.line)).toEqual([lineOf(ORIGINAL, '  target:'), lineOf(ORIGINAL, '  settled:'), lineOf(ORIGINAL, 'progress:') + 1]);
    // The year map keeps its alignment and its flow style; only the one figure changed.
    const settled = changed.find((c) => c.before.includes('settled'))!;
    expect(settled.after).toBe(settled.before.replace('2020: 24857', '2020: 24000'));
    expect(parse(after)).toEqual(data);
  });

  it('keeps the schema line, the comments and the blank lines', () => {
    const data = parse(ORIGINAL);
    data.results.achievements = '書き直した成果。';
    const after = editedSheetYaml(ORIGINAL, data);
    const comments = (t: string) => t.split('\n').filter((l) => /^\s*#/.test(l) || l.trim() === '');
    expect(comments(after)).toEqual(comments(ORIGINAL));
    expect(after.split('\n')[0]).toBe(ORIGINAL.split('\n')[0]);
  });

  it('leaves the text byte for byte as it was when nothing changed', () => {
    expect(editedSheetYaml(ORIGINAL, parse(ORIGINAL))).toBe(ORIGINAL);
  });

  it.each(AWKWARD.map((s) => [JSON.stringify(s), s]))('writes %s so that it reads back identical, with no finding about how it is written', (_, typed) => {
    for (const field of [['overview', 'purpose'], ['budgetItem', 'name'], ['indicators', 0, 'name']] as const) {
      const data = parse(ORIGINAL);
      let node = data;
      for (const step of field.slice(0, -1)) node = node[step];
      node[field[field.length - 1]] = typed;
      const after = editedSheetYaml(ORIGINAL, data);
      expect(parse(after)).toEqual(data);
      // The project's own reader too, and it finds nothing to say about the way the value is written.
      const source = parseSheetText('087.yaml', Buffer.from(after));
      expect(source.findings).toEqual([]);
      let read: any = source.data;
      for (const step of field) read = read[step];
      expect(read).toBe(typed);
      // Only that value's lines changed (a line break makes a block of more lines).
      if (!typed.includes('\n')) expect(changedLines(ORIGINAL, after)).toHaveLength(1);
    }
  });

  it('adds and removes keys, indicators and SDGs in the house style, leaving the other lines alone', () => {
    const data = parse(ORIGINAL);
    data.sdgs = [9];
    data.evaluation.citizenNeeds.sentence = '独自の文言';
    data.evaluation.citizenNeeds.exception = true;
    delete data.legalBasis;
    const after = editedSheetYaml(ORIGINAL, data);
    expect(parse(after)).toEqual(data);
    expect(after).toContain('sdgs: [9]\n');
    expect(after).not.toContain('legalBasis');
    const before = ORIGINAL.split('\n');
    const now = after.split('\n');
    // Every line of the original is still there, in order, except the ones of the changed values.
    const kept = before.filter((l) => now.includes(l));
    expect(before.filter((l) => !now.includes(l)).map((l) => l.split(':')[0].trim())).toEqual(['legalBasis', 'sdgs', 'sentence']);
    expect(now.filter((l) => !before.includes(l)).map((l) => l.split(':')[0].trim())).toEqual(['sdgs', 'sentence', 'exception']);
    expect(kept.length).toBe(before.length - 3);
    expect(after).toMatch(/citizenNeeds:\n\s+score: \d\n\s+sentence: 独自の文言\n\s+exception: true\n/);
  });

  it('writes a figure typed as text as text, so that the check explains it as validate does', () => {
    const data = parse(ORIGINAL);
    data.costs.settled['2020'] = '24,857円';
    const after = editedSheetYaml(ORIGINAL, data);
    expect(changedLines(ORIGINAL, after)).toHaveLength(1);
    expect(parse(after).costs.settled['2020']).toBe('24,857円');
  });
});

describe('PUT /api/sheets: the file on disk', () => {
  let t: TestServer;
  afterAll(() => t?.close());

  it('changes only the lines of the changed values, keeps strings exact, and GET gives them back', async () => {
    t = await startTestServer({ '087.yaml': ORIGINAL });
    const got = await t.request('GET', '/api/sheets/2021/087');
    expect(got.status).toBe(200);
    const data = got.json.data;
    data.results.achievements = AWKWARD[0];
    data.overview.purpose = AWKWARD[7];
    const put = await t.request('PUT', '/api/sheets/2021/087', { body: { data }, headers: { 'If-Match': got.headers.etag as string } });
    expect(put.status).toBe(200);
    const file = join(t.dataDir, '2021', '087.yaml');
    const after = readFileSync(file, 'utf8');
    expect(changedLines(ORIGINAL, after).map((c) => c.line)).toEqual([lineOf(ORIGINAL, '  purpose:'), lineOf(ORIGINAL, '  achievements:')]);
    const again = await t.request('GET', '/api/sheets/2021/087');
    expect(again.json.data.results.achievements).toBe(AWKWARD[0]);
    expect(again.json.data.overview.purpose).toBe(AWKWARD[7]);
    expect(again.headers.etag).toBe(put.headers.etag);
    writeFileSync(file, ORIGINAL);
  });
});

describe('editedSheetYaml: lists and records', () => {
  it('removes an indicator, empties a list and a record, keeping the rest as written', () => {
    const data = parse(ORIGINAL);
    data.indicators.pop();
    data.mayorPledges = [];
    data.budgetItem = {};
    const after = editedSheetYaml(ORIGINAL, data);
    expect(parse(after)).toEqual(data);
    expect(after).toContain('mayorPledges: []\n');
    expect(after).toContain('budgetItem: {}\n');
    // The indicators that stay are as written, line for line.
    const kept = ORIGINAL.split('\n').filter((l) => !after.split('\n').includes(l));
    expect(kept.some((l) => l.includes(data.indicators[0].name))).toBe(false);
  });

  it('edits a value inside a record written in flow style, quoting what flow style needs', () => {
    const text = ORIGINAL.replace(/strategicPlans:\n(\s+- code: .*\n(\s{4}.*\n)*)/, 'strategicPlans:\n  - {code: IV-3, policy: 3, measure: 2, title: 行政手続きの電子化に向けた取組}\n');
    expect(text).toContain('- {code: IV-3');
    const data = parse(text);
    data.strategicPlans[0].title = '取組, [括弧] と {波括弧}';
    const after = editedSheetYaml(text, data);
    expect(parse(after)).toEqual(data);
    expect(changedLines(text, after)).toHaveLength(1);
    expect(after).toContain('  - {code: IV-3, policy: 3, measure: 2, title: ');
  });
});
