// After a refused save (412), the editor shows what changed in the file and can take those changes in, keeping the
// person's own (src/web/editor/conflict.ts, src/web/paths.ts): the rules, without a browser.
import { describe, expect, it } from 'vitest';
import { merged } from '../src/web/editor/conflict';
import { differences } from '../src/web/paths';
import { bundledSheet } from './helpers/data';

describe('taking in the changes made on disk', () => {
  const base = bundledSheet('087');

  it('names each value that differs, a list of another length as one', () => {
    const disk = structuredClone(base);
    disk.section = '情報政策係';
    disk.costs.settled['2022'] = 100;
    disk.indicators.pop();
    delete disk.costs.personnelCost;
    expect(differences(base, disk).map((p) => p.join('.')).sort()).toEqual(['costs.personnelCost', 'costs.settled.2022', 'indicators', 'section']);
    expect(differences(base, structuredClone(base))).toEqual([]);
  });

  it("keeps the person's changes on top of the file's, theirs where both changed the same value", () => {
    const mine = structuredClone(base);
    mine.name = '新しい名前';
    mine.costs.settled['2020'] = 24000;
    mine.section = 'わたしの係';
    delete mine.costs.personnelCost['2023'];
    const disk = structuredClone(base);
    disk.section = '情報政策係';
    disk.overview.target = '市職員と市民';
    disk.costs.settled['2022'] = 100;
    const out = merged(base, mine, disk) as any;
    expect(out.name).toBe('新しい名前');
    expect(out.section).toBe('わたしの係');
    expect(out.overview.target).toBe('市職員と市民');
    expect(out.costs.settled).toEqual({ ...base.costs.settled, 2020: 24000, 2022: 100 });
    expect('2023' in out.costs.personnelCost).toBe(false);
    // Nothing given is changed in place.
    expect(disk.name).toBe(base.name);
  });

  it('takes a list the person resized whole (an indicator added), the file keeping its other changes', () => {
    const mine = structuredClone(base);
    mine.indicators.push({ ...structuredClone(base.indicators[0]), name: '新しい指標' });
    const disk = structuredClone(base);
    disk.indicators[0].name = 'ファイルで直した名前';
    disk.period = '令和3年度から';
    const out = merged(base, mine, disk) as any;
    expect(out.indicators.map((i: { name: string }) => i.name)).toEqual(mine.indicators.map((i: { name: string }) => i.name));
    expect(out.period).toBe('令和3年度から');
  });
});
