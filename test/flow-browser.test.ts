// The review flow in a real browser with two accounts (issue 22, points 5 and 8): an editor of 情報政策課 saves and
// submits, the department's reviewer sends it back with a comment, the editor sees the comment, fixes and submits
// again, the reviewer accepts. Each person logs in in their own browser context (data/users.yaml). The state, the
// buttons, the save button locked while submitted, the history with old and new values, the list's state column,
// and axe-core with 0 violations.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/model/password';
import { copyOfData, hasChromium, openEditor, type EditorSession } from './helpers/browser';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORDS = { 'tsukuba-taro': 'taro no pasuwaado', 'bucho-jiro': 'jiro no pasuwaado' };

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe.skipIf(!hasChromium() && !process.env.CI)('the review flow in chromium, with two accounts', () => {
  let s: EditorSession;
  let reviewer: Page;
  const logIn = async (page: Page, name: keyof typeof PASSWORDS) => {
    await page.goto(`${s.origin}/`);
    await page.waitForSelector('form.login');
    await page.fill('#login-name', name);
    await page.fill('#login-password', PASSWORDS[name]);
    await page.keyboard.press('Enter');
    await page.waitForSelector('table.sheets tbody tr');
  };
  const open = async (page: Page) => {
    await page.goto(`${s.origin}/sheets/2021/087`);
    await page.waitForSelector('#sheet-form input');
    await page.waitForSelector('.history-panel[data-loaded]', { state: 'attached' });
  };
  const state = (page: Page) => () => page.textContent('#flow-state');

  beforeAll(async () => {
    const dataDir = copyOfData();
    const cheap = { ln: 10, r: 8, p: 1 };
    const [taro, jiro] = await Promise.all([hashPassword(PASSWORDS['tsukuba-taro'], cheap), hashPassword(PASSWORDS['bucho-jiro'], cheap)]);
    writeFileSync(
      join(dataDir, 'users.yaml'),
      `users:\n  tsukuba-taro:\n    displayName: 筑波 太郎\n    department: 政策イノベーション部\n    division: 情報政策課\n    role: editor\n    passwordHash: "${taro}"\n` +
        `  bucho-jiro:\n    displayName: 部長 次郎\n    department: 政策イノベーション部\n    role: reviewer\n    passwordHash: "${jiro}"\n`,
    );
    s = await openEditor({ dataDir });
    reviewer = await (await s.browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'ja-JP' })).newPage();
    await logIn(s.page, 'tsukuba-taro');
    await logIn(reviewer, 'bucho-jiro');
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('submit → return with a comment → resubmit → accept, with the history of old and new values', async () => {
    const editor = s.page;
    await open(editor);
    expect(await state(editor)()).toContain('状態: 作成中');
    expect(await editor.locator('#flow-accept').count()).toBe(0);
    await editor.fill('[id="f-name"]', '情報化推進事業（改）');
    await editor.click('#save');
    await editor.waitForFunction(() => /保存しました/.test(document.getElementById('save-status')?.textContent ?? ''));
    await editor.click('#flow-submit');
    await expect.poll(state(editor)).toContain('状態: 提出');
    expect(await editor.isDisabled('#save')).toBe(true);
    await editor.waitForSelector('#history-list li.history-save table.changes');
    const row = await editor.locator('#history-list li.history-save table.changes tbody tr').first().textContent();
    expect(row).toBe('事務事業名情報化推進事業情報化推進事業（改）');

    await open(reviewer);
    expect(await state(reviewer)()).toContain('状態: 提出（筑波 太郎');
    await reviewer.click('#flow-return');
    await expect.poll(() => reviewer.textContent('#flow-message')).toContain('コメントに書いてください');
    await reviewer.fill('#return-comment', '成果の数値を確認してください');
    await reviewer.click('#flow-return');
    await expect.poll(state(reviewer)).toContain('作成中（差し戻し）');

    await open(editor);
    expect(await editor.textContent('#flow-comment')).toBe('差し戻しのコメント: 成果の数値を確認してください');
    expect(await editor.isDisabled('#save')).toBe(false);
    await editor.fill('[id="f-name"]', '情報化推進事業');
    await editor.click('#save');
    await editor.waitForFunction(() => /保存しました/.test(document.getElementById('save-status')?.textContent ?? ''));
    await editor.click('#flow-submit');
    await expect.poll(state(editor)).toContain('状態: 提出');

    await open(reviewer);
    await reviewer.click('#flow-accept');
    await expect.poll(state(reviewer)).toContain('状態: 確認済');
    await reviewer.waitForSelector('#history-list li.history-accept');
    const events = await reviewer.locator('#history-list li .history-head').allTextContents();
    expect(events.map((e) => e.replace(/^[0-9-]+ [0-9:]+ /, ''))).toEqual(['部長 次郎: 確認済', '筑波 太郎: 提出', '筑波 太郎: 保存', '部長 次郎: 差し戻し', '筑波 太郎: 提出', '筑波 太郎: 保存']);
    expect(await reviewer.locator('#history-list li.history-return .history-comment').textContent()).toBe('コメント: 成果の数値を確認してください');
    await reviewer.screenshot({ path: '/tmp/flow-editor.png' });
    await reviewer.locator('.history-panel').screenshot({ path: '/tmp/flow-history.png' });
    expect(await axeViolations(reviewer)).toEqual([]);

    // The editor's list shows the state (the year is in the flow now), and only the division's sheets.
    await editor.goto(`${s.origin}/years/2021`);
    await editor.waitForSelector('table.sheets tbody tr');
    const headers = await editor.locator('table.sheets thead th').allTextContents();
    expect(headers.at(-1)).toBe('確認の状態');
    expect(await editor.locator('table.sheets tbody tr').first().locator('td').last().textContent()).toBe('確認済');
    await editor.screenshot({ path: '/tmp/flow-list.png' });
    expect(await axeViolations(editor)).toEqual([]);
    // The log-in page asks for the session first (401 before logging in).
    expect(s.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  });
});
