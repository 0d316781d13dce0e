// Adding or removing one item of a list (an indicator, an SDG, a strategic plan) changes that item's lines only:
// the other items stay as written, their comments included (issue 21). Tested by diffing the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { editedSheetYaml } from '../src/interchange/sheet-edit';
import { DATA_DIR } from './helpers/data';

/** A line diff (longest common subsequence): the lines only `before` has and those only `after` has, in order. */
function lineDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) (i++, j++);
    else if (j < b.length && (i === a.length || lcs[i][j + 1] >= lcs[i + 1][j])) added.push(b[j++]);
    else removed.push(a[i++]);
  }
  return { removed, added };
}

// Sheet 087 with a comment inside each indicator and after a value, and one after the SDGs and a strategic plan.
const ORIGINAL = readFileSync(join(DATA_DIR, '2021', '087.yaml'), 'utf8')
  .replace('    unit: 件\n', '    # 一つ目の指標の注記\n    unit: 件\n')
  .replace('    unit: ""\n', '    # 三つ目の指標の注記\n    unit: ""  # 単位なし\n')
  .replace('sdgs: [9, 16, 17]\n', 'sdgs: [9, 16, 17]  # 主に 9\n')
  .replace('    measure: 2\n', '    measure: 2  # 施策の番号\n');
const indicatorLines = (text: string, index: number) => {
  const lines = text.split('\n');
  const starts = lines.flatMap((l, i) => (l.startsWith('  - name: ') && i > lines.indexOf('indicators:') ? [i] : []));
  const end = index + 1 < starts.length ? starts[index + 1] : lines.indexOf('', starts[index]);
  return lines.slice(starts[index], end);
};

describe('editedSheetYaml: one item of a list added or removed', () => {
  it('removes an indicator in the middle: its lines go, the others and their comments stay', () => {
    expect(ORIGINAL).toContain('# 一つ目の指標の注記');
    const data = parse(ORIGINAL);
    data.indicators.splice(1, 1);
    const after = editedSheetYaml(ORIGINAL, data);
    expect(parse(after)).toEqual(data);
    expect(lineDiff(ORIGINAL, after)).toEqual({ removed: indicatorLines(ORIGINAL, 1), added: [] });
  });

  it('removes the first indicator, and edits a value of another in the same save', () => {
    const data = parse(ORIGINAL);
    data.indicators.shift();
    data.indicators[1].name = '研修の受講者数';
    const after = editedSheetYaml(ORIGINAL, data);
    expect(parse(after)).toEqual(data);
    const diff = lineDiff(ORIGINAL, after);
    expect(diff.removed).toEqual([...indicatorLines(ORIGINAL, 0), '  - name: 情報セキュリティ研修受講者数']);
    expect(diff.added).toEqual(['  - name: 研修の受講者数']);
    expect(after).toContain('    # 三つ目の指標の注記\n    unit: ""  # 単位なし\n');
  });

  it('adds an indicator after the last: only its lines are new', () => {
    const data = parse(ORIGINAL);
    data.indicators.push({ name: '新しい指標', unit: '件', kind: '活動結果指標', target: { 2019: 0, 2020: 0, 2021: 0, 2022: 0, 2023: 0, 2024: 0 }, actual: { 2019: 0, 2020: 0, 2021: 0, 2022: 0, 2023: 0, 2024: 0 }, description: '' });
    const after = editedSheetYaml(ORIGINAL, data);
    expect(parse(after)).toEqual(data);
    expect(lineDiff(ORIGINAL, after).removed).toEqual([]);
    // The new indicator's six lines, after the third, and nothing else new.
    const added = indicatorLines(after, 3);
    expect(added).toHaveLength(6);
    expect(added[0]).toBe('  - name: 新しい指標');
    expect(after.replace(`${added.join('\n')}\n`, '')).toBe(ORIGINAL);
  });

  it('adds a strategic plan, keeping the comment in the first', () => {
    const data = parse(ORIGINAL);
    data.strategicPlans.push({ code: 'IV-4', policy: 4, measure: 1, title: '二つ目の取組' });
    const after = editedSheetYaml(ORIGINAL, data);
    expect(parse(after)).toEqual(data);
    const diff = lineDiff(ORIGINAL, after);
    expect(diff.removed).toEqual([]);
    expect(diff.added).toEqual(['  - code: IV-4', '    policy: 4', '    measure: 1', '    title: 二つ目の取組']);
    expect(after).toContain('    measure: 2  # 施策の番号\n');
  });

  it('takes an SDG out of the flow list and puts one in, keeping the comment on its line', () => {
    const data = parse(ORIGINAL);
    data.sdgs = [9, 17];
    let after = editedSheetYaml(ORIGINAL, data);
    expect(lineDiff(ORIGINAL, after)).toEqual({ removed: ['sdgs: [9, 16, 17]  # 主に 9'], added: ['sdgs: [9, 17]  # 主に 9'] });
    data.sdgs = [3, 9, 17];
    after = editedSheetYaml(after, data);
    expect(after).toContain('sdgs: [3, 9, 17]  # 主に 9\n');
    data.sdgs = [3, 9, 17, 11].sort((a, b) => a - b);
    after = editedSheetYaml(after, data);
    expect(after).toContain('sdgs: [3, 9, 11, 17]  # 主に 9\n');
    expect(parse(after)).toEqual(data);
  });

  it('takes an item out of a block list of values, keeping the others and their comments', () => {
    const text = ORIGINAL.replace('sdgs: [9, 16, 17]  # 主に 9\n', 'sdgs:\n  - 9  # 主に\n  # 次の二つは関連\n  - 16\n  - 17  # 最後\n');
    const data = parse(text);
    data.sdgs = [9, 17];
    const after = editedSheetYaml(text, data);
    expect(parse(after)).toEqual(data);
    expect(lineDiff(text, after)).toEqual({ removed: ['  - 16'], added: [] });
    data.sdgs = [9, 11, 17];
    const again = editedSheetYaml(after, data);
    expect(lineDiff(after, again)).toEqual({ removed: [], added: ['  - 11'] });
  });
});

describe('editedSheetYaml: a block list emptied', () => {
  it('is written [] anew', () => {
    const data = parse(ORIGINAL);
    data.indicators = [];
    const after = editedSheetYaml(ORIGINAL, data);
    expect(parse(after)).toEqual(data);
    expect(after).toContain('indicators: []\n');
  });
});
