// The review flow in a real browser (issue 22, point 5): an editor saves and submits, the department's reviewer sends
// it back with a comment, the editor sees the comment, fixes and submits again, the reviewer accepts. Two people in
// one browser: the test's server takes the person from a cookie only this test sets (accounts will take it from the
// session). The state, the buttons, the save button locked while submitted, the history with old and new values, the
// list's state column, and axe-core with 0 violations.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/model/actor';
import { hasChromium, openEditor, type EditorSession } from './helpers/browser';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ACTORS: Record<string, Actor> = {
  info: { name: 'info', displayName: '情報 花子', role: 'editor', department: '政策イノベーション部', division: '情報政策課' },
  chief: { name: 'chief', displayName: '部長 次郎', role: 'reviewer', department: '政策イノベーション部' },
};
const actorOf = (req: IncomingMessage): Actor => {
  const name = /(?:^|;\s*)test-actor=([a-z]+)/.exec(String(req.headers.cookie ?? ''))?.[1] ?? 'info';
  return ACTORS[name];
};

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe.skipIf(!hasChromium() && !process.env.CI)('the review flow in chromium', () => {
  let s: EditorSession;
  const as = async (who: string) => {
    await s.context.addCookies([{ name: 'test-actor', value: who, url: s.origin }]);
    await s.page.goto(`${s.origin}/sheets/2021/087`);
    await s.page.waitForSelector('#sheet-form input');
    await s.page.waitForSelector('.history-panel[data-loaded]', { state: 'attached' });
  };
  const state = () => s.page.textContent('#flow-state');

  beforeAll(async () => {
    s = await openEditor({ actorOf });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('submit → return with a comment → resubmit → accept, with the history of old and new values', async () => {
    const { page } = s;
    await as('info');
    expect(await state()).toContain('状態: 作成中');
    expect(await page.locator('#flow-accept').count()).toBe(0);
    await page.fill('[id="f-name"]', '情報化推進事業（改）');
    await page.click('#save');
    await page.waitForFunction(() => /保存しました/.test(document.getElementById('save-status')?.textContent ?? ''));
    await page.click('#flow-submit');
    await expect.poll(state).toContain('状態: 提出');
    expect(await page.isDisabled('#save')).toBe(true);
    await page.waitForSelector('#history-list li.history-save table.changes');
    const row = await page.locator('#history-list li.history-save table.changes tbody tr').first().textContent();
    expect(row).toContain('事務事業名');
    expect(row).toContain('情報化推進事業情報化推進事業（改）');

    await as('chief');
    expect(await state()).toContain('状態: 提出（情報 花子');
    await page.click('#flow-return');
    await expect.poll(() => page.textContent('#flow-message')).toContain('コメントに書いてください');
    await page.fill('#return-comment', '成果の数値を確認してください');
    await page.click('#flow-return');
    await expect.poll(state).toContain('作成中（差し戻し）');

    await as('info');
    expect(await page.textContent('#flow-comment')).toBe('差し戻しのコメント: 成果の数値を確認してください');
    expect(await page.isDisabled('#save')).toBe(false);
    await page.fill('[id="f-name"]', '情報化推進事業');
    await page.click('#save');
    await page.waitForFunction(() => /保存しました/.test(document.getElementById('save-status')?.textContent ?? ''));
    await page.click('#flow-submit');
    await expect.poll(state).toContain('状態: 提出');

    await as('chief');
    await page.click('#flow-accept');
    await expect.poll(state).toContain('状態: 確認済');
    await page.waitForSelector('#history-list li.history-accept');
    const events = await page.locator('#history-list li .history-head strong').allTextContents();
    expect(events).toEqual(['確認済', '提出', '保存', '差し戻し', '提出', '保存']);
    expect(await page.locator('#history-list li.history-return .history-comment').textContent()).toBe('コメント: 成果の数値を確認してください');
    await page.screenshot({ path: '/tmp/flow-editor.png', fullPage: false });
    await page.locator('.history-panel').screenshot({ path: '/tmp/flow-history.png' });
    expect(await axeViolations(page)).toEqual([]);

    // The list shows the states (the year is in the flow now).
    await page.goto(`${s.origin}/years/2021`);
    await page.waitForSelector('table.sheets tbody tr');
    const headers = await page.locator('table.sheets thead th').allTextContents();
    expect(headers.at(-1)).toBe('確認の状態');
    expect(await page.locator('table.sheets tbody tr').first().locator('td').last().textContent()).toBe('確認済');
    await page.screenshot({ path: '/tmp/flow-list.png' });
    expect(await axeViolations(page)).toEqual([]);
    expect(s.problems).toEqual([]);
  });
});
