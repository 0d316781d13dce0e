// Logging in and out in a real browser (issue 22, point 5): with data/users.yaml the page asks for a name and a
// password first (labelled fields, the error announced, keyboard only), then names the person in the header with a
// log-out button; logging out ends the session.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/model/password';
import { copyOfData, hasChromium, openEditor, type EditorSession } from './helpers/browser';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

describe.skipIf(!hasChromium() && !process.env.CI)('log-in and log-out in chromium', () => {
  let s: EditorSession;

  beforeAll(async () => {
    const dataDir = copyOfData();
    const hash = await hashPassword('correct horse battery', { ln: 10, r: 8, p: 1 });
    writeFileSync(
      join(dataDir, 'users.yaml'),
      `users:\n  tsukuba-taro:\n    displayName: 筑波 太郎\n    department: 政策イノベーション部\n    division: 情報政策課\n    role: editor\n    passwordHash: "${hash}"\n`,
    );
    s = await openEditor({ dataDir, width: 1000, height: 700 });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('asks for the name and password, says a wrong pair, logs in with the keyboard, names the person, logs out', async () => {
    const { page } = s;
    await page.waitForSelector('form.login');
    expect(await page.locator('h1').textContent()).toBe('ログイン');
    expect(await page.title()).toBe('ログイン — sheetbook');
    // The fields are labelled, and the name field has the focus.
    expect(await page.getByLabel('ログイン名').count()).toBe(1);
    expect(await page.getByLabel('パスワード').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-name');
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const axe = (window as any).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
      return result.violations.map((v: any) => `${v.id}: ${v.help}`);
    });
    expect(violations).toEqual([]);

    // A wrong pair, typed and sent with the keyboard alone.
    await page.keyboard.type('tsukuba-taro');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    const alert = page.locator('form.login [role="alert"]');
    await alert.filter({ hasText: '名前かパスワードが違います。' }).waitFor();
    expect(await page.locator('#login-password').inputValue()).toBe('');
    expect(await page.locator('#login-name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#login-name').getAttribute('aria-describedby')).toBe(await alert.getAttribute('id'));
    await page.screenshot({ path: '/tmp/sheetbook-login-error.png' });

    // The right pair: the year's list, and the person in the header.
    await page.locator('#login-password').focus();
    await page.keyboard.type('correct horse battery');
    await page.keyboard.press('Enter');
    await page.waitForSelector('table.sheets tbody tr');
    expect(await page.locator('#signed-in').textContent()).toBe('筑波 太郎（情報政策課）');
    expect(await page.locator('header #logout').textContent()).toBe('ログアウト');
    await page.screenshot({ path: '/tmp/sheetbook-signed-in.png' });
    // A write from the page (a check of the sheet as typed) goes through: Origin and the CSRF token.
    const checked = await page.evaluate(async () => {
      const sheet = await (await fetch('/api/sheets/2021/087')).json();
      return (await fetch('/api/check/2021/087', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ data: sheet.data }) })).status;
    });
    expect(checked).toBe(200);

    // Log out: back to the log-in form; the session is gone.
    await page.locator('header #logout').click();
    await page.waitForSelector('form.login');
    expect(await page.evaluate(async () => (await fetch('/api/years/2021/sheets')).status)).toBe(401);
    expect(await page.locator('#signed-in').count()).toBe(0);
    expect(s.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  });
});
