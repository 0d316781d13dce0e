// Issue 23 in the browser: the editor shows the 新旧対照表 beside the form (src/web/editor/diff-panel.ts) — last
// year's and this year's values of each changed field, and a restatement's reason — on a year made by rollover.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runRollover } from '../src/commands/rollover.runner';
import { copyOfData, hasChromium, openEditor, type EditorSession } from './helpers/browser';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

describe.skipIf(!hasChromium() && !process.env.CI)('the 新旧対照表 in the editor', () => {
  let s: EditorSession;

  beforeAll(async () => {
    const dataDir = copyOfData();
    runRollover({ from: 2021, to: 2022, dataDir }, () => {});
    const file = join(dataDir, '2022', '087.yaml');
    const sheet = parse(readFileSync(file, 'utf8'));
    sheet.costs.settled[2020] = 24000;
    sheet.costs.generalFund[2020] = 21974;
    sheet.restatements = [{ path: 'costs.settled.2020', reason: '決算の確定に伴う修正' }];
    writeFileSync(file, stringify(sheet, { lineWidth: 0 }));
    s = await openEditor({ dataDir });
  }, 60_000);

  afterAll(async () => {
    await s?.close();
  });

  it('lists last year’s and this year’s values with the reason, and passes axe', async () => {
    const { page } = s;
    await page.goto(`${s.origin}/sheets/2022/087`);
    await page.waitForSelector('#diff-table tr[data-key="costs.settled.2020"]');
    const row = page.locator('#diff-table tr[data-key="costs.settled.2020"]');
    expect(await row.locator('th').textContent()).toBe('コストの推移 › 決算額 › 令和2年度');
    expect(await row.locator('td').nth(0).textContent()).toBe('24,857');
    expect(await row.locator('td').nth(1).textContent()).toBe('24,000理由: 決算の確定に伴う修正');
    expect(await page.locator('#diff-status').textContent()).toMatch(/令和3年度の 087/);
    await page.waitForSelector('#preview-pages canvas');
    await page.locator('.diff-panel').screenshot({ path: '/tmp/sheetbook-diff-panel.png' });
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const axe = (window as any).axe;
      const result = await axe.run(document.querySelector('.diff-panel'), { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
      return result.violations.map((v: any) => `${v.id}: ${v.help}`);
    });
    expect(violations).toEqual([]);
    // The form has the restatement, its place and reason, in a section of its own.
    const section = page.locator('section.form-section', { has: page.locator('h2', { hasText: '前年度のシートと異なる数値' }) });
    expect(await section.locator('input').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toEqual(['costs.settled.2020', '決算の確定に伴う修正']);
    await section.screenshot({ path: '/tmp/sheetbook-restatements.png' });
    expect(s.problems).toEqual([]);
  });
});
