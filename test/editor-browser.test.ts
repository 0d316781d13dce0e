// The editor in a real browser (Debian's chromium, driven by playwright-core) against `sheetbook serve`'s server on
// a copy of the bundled data: the year's list, a sentence with ` # ` saved and read back from the file, `24,857円`
// typed into a figure and its finding, the preview redrawn, a conflict with the file changed on disk, leaving with
// unsaved changes, a keyboard-only pass, and axe-core on both pages (the editor with a finding and a conflict shown).
// One browser for the file, to stay quick.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hasChromium, openEditor, type EditorSession } from './helpers/browser';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is (WCAG 2.1 A and AA, and best practices). */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated, not added as a <script>: the page's CSP allows no inline script, and the test does not relax it.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}

const sheetFile = (s: EditorSession, n = '087') => join(s.dataDir, '2021', `${n}.yaml`);
const cell = (path: string) => `[id="f-${path}"]`;

async function openSheet(page: Page, number = '087'): Promise<void> {
  await page.goto(`${new URL(page.url()).origin}/sheets/2021/${number}`);
  await page.waitForSelector('#sheet-form input');
  await page.waitForSelector('#preview-pages canvas');
}

/** Waits until the findings shown are those of the values in the page now. */
async function findingsSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const summary = document.getElementById('findings-summary');
    return summary?.dataset.version !== undefined && summary.dataset.version === summary.dataset.current;
  });
}

// Skipped where chromium is missing, except on CI, whose .ci/run installs it.
describe.skipIf(!hasChromium() && !process.env.CI)('the editor in chromium', () => {
  let s: EditorSession;

  beforeAll(async () => {
    s = await openEditor();
  }, 60_000);

  afterAll(async () => {
    await s?.close();
  });

  it('lists the year, filters by 部, and passes axe', async () => {
    const { page } = s;
    await page.waitForSelector('table.sheets tbody tr');
    expect(await page.locator('h1').textContent()).toContain('2021年度');
    expect(await page.locator('table.sheets tbody tr').count()).toBe(5);
    const first = page.locator('table.sheets tbody tr').first();
    expect(await first.locator('td').first().textContent()).toBe('087');
    expect(await first.locator('a').textContent()).toBe('情報化推進事業');
    const departments = await page.locator('#department-filter option').allTextContents();
    expect(departments[0]).toBe('すべての部');
    expect(departments.length).toBeGreaterThan(1);
    await page.selectOption('#department-filter', { label: departments[1] });
    const shown = await page.locator('table.sheets tbody tr td:nth-child(3)').allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown)).toEqual(new Set([departments[1]]));
    await page.selectOption('#department-filter', { index: 0 });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('makes a new sheet as `new` does and opens it', async () => {
    const { page } = s;
    await page.fill('#new-number', '092');
    await page.fill('#new-department', '総務部');
    await page.fill('#new-division', '総務課');
    await page.click('button:has-text("シートを作る")');
    await page.waitForSelector('#sheet-form input');
    expect(new URL(page.url()).pathname).toBe('/sheets/2021/092');
    expect(await page.inputValue(cell('department'))).toBe('総務部');
    expect(parse(readFileSync(sheetFile(s, '092'), 'utf8')).division).toBe('総務課');
    // Made again: refused in Japanese, nothing overwritten.
    await page.goto(`${s.origin}/`);
    await page.fill('#new-number', '92');
    await page.fill('#new-department', '総務部');
    await page.fill('#new-division', '総務課');
    await page.click('button:has-text("シートを作る")');
    await expect.poll(() => page.textContent('#new-sheet-message')).not.toBe('');
    expect(await page.locator('table.sheets tbody tr').count()).toBe(6);
  });

  it('previews a new, blank sheet (every field still to write, errors and all)', async () => {
    const { page } = s;
    await page.goto(`${s.origin}/sheets/2021/092`);
    await page.waitForSelector('#sheet-form input');
    await page.waitForFunction(() => !/作っています|作り直しています/.test(document.getElementById('preview-status')?.textContent ?? ''));
    expect(await page.textContent('#preview-status')).toMatch(/エラーが [0-9]+ 件あります/);
    expect(await page.locator('#preview-pages canvas').count()).toBe(2);
  });

  it('saves a sentence with " # " and the file reads it back exactly, changing only that line', async () => {
    const { page } = s;
    const before = readFileSync(sheetFile(s), 'utf8');
    await page.goto(`${s.origin}/`);
    await page.click('text=情報化推進事業');
    await page.waitForSelector('#preview-pages canvas');
    expect(new URL(page.url()).pathname).toBe('/sheets/2021/087');
    const sentence = '庁内の # 説明会を 3 回: "開催" した。';
    await page.fill(cell('results.achievements'), sentence);
    await page.click('#save');
    await page.waitForFunction(() => /保存しました/.test(document.getElementById('save-status')?.textContent ?? ''));
    const after = readFileSync(sheetFile(s), 'utf8');
    expect(parse(after).results.achievements).toBe(sentence);
    const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^\s+achievements: /);
  });

  it('shows the finding for 24,857円 in a figure at the cell and in the list, which jumps to it', async () => {
    const { page } = s;
    const figure = cell('costs.settled.2020');
    await page.fill(figure, '24,857円');
    await findingsSettled(page);
    await expect.poll(() => page.getAttribute(figure, 'aria-invalid')).toBe('true');
    const atCell = await page.locator('[id="f-costs.settled.2020-msg"]').textContent();
    expect(atCell).toContain('数値を入力してください（"24,857円" は数値ではありません）');
    expect(atCell).toContain('24857 と書いてください');
    // The cell names the message among its descriptions.
    expect(await page.getAttribute(figure, 'aria-describedby')).toContain('f-costs.settled.2020-msg');
    const listed = page.locator('#findings-list button.jump', { hasText: '24,857円' });
    expect(await listed.textContent()).toContain('コストの推移 › 決算額 › 令和2年度');
    await page.focus('#save');
    await listed.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-costs.settled.2020');
    // Put back: the finding goes.
    await page.fill(figure, '24857');
    await findingsSettled(page);
    expect(await page.getAttribute(figure, 'aria-invalid')).toBeNull();
    expect(await page.locator('#findings-list', { hasText: '24,857円' }).count()).toBe(0);
  });

  it('redraws the preview from the unsaved values', async () => {
    const { page } = s;
    const drawn = () => page.evaluate(() => (document.querySelector('#preview-pages canvas') as HTMLCanvasElement).toDataURL());
    await page.waitForFunction(() => document.getElementById('preview-pages')?.dataset.version === document.getElementById('findings-summary')?.dataset.current);
    const before = await drawn();
    await page.fill(cell('name'), '情報化推進事業（見本の確認）');
    await page.waitForFunction(() => document.getElementById('preview-pages')?.dataset.version === document.getElementById('findings-summary')?.dataset.current);
    expect(await drawn()).not.toBe(before);
    expect(await page.locator('#preview-pages canvas').count()).toBe(2);
  });

  it('refuses a save over a file changed on disk, keeps the values typed, shows what changed, and passes axe', async () => {
    const { page } = s;
    // A colleague's change to the file since the page loaded it.
    const file = sheetFile(s);
    writeFileSync(file, readFileSync(file, 'utf8').replace('section: 企画推進係', 'section: 情報政策係'));
    await page.fill(cell('overview.target'), '市職員と市民');
    await page.click('#save');
    await page.waitForSelector('#conflict');
    expect(await page.locator('#conflict h2').textContent()).toContain('保存できませんでした');
    expect(await page.inputValue(cell('overview.target'))).toBe('市職員と市民');
    expect(await page.inputValue(cell('name'))).toBe('情報化推進事業（見本の確認）');
    const row = page.locator('#conflict table.changes tbody tr', { hasText: '係名' });
    expect(await row.locator('td').allTextContents()).toEqual(['企画推進係', '情報政策係', '（変更なし）']);
    expect(readFileSync(file, 'utf8')).toContain('target: 市職員\n');
    // The editor passes axe with the conflict and a finding shown.
    await page.fill(cell('costs.settled.2021'), '19,083円');
    await findingsSettled(page);
    expect(await page.locator('[id="f-costs.settled.2021-msg"] li').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.fill(cell('costs.settled.2021'), '19083');
    await findingsSettled(page);
    // Taking the file's change in keeps the person's own; the save then goes through with both.
    await page.click('#conflict-merge');
    expect(await page.inputValue(cell('section'))).toBe('情報政策係');
    expect(await page.inputValue(cell('overview.target'))).toBe('市職員と市民');
    await page.click('#save');
    await page.waitForFunction(() => /保存しました/.test(document.getElementById('save-status')?.textContent ?? ''));
    const saved = parse(readFileSync(file, 'utf8'));
    expect([saved.section, saved.overview.target, saved.name]).toEqual(['情報政策係', '市職員と市民', '情報化推進事業（見本の確認）']);
  });

  it('adds and removes indicators up to the slots, tells the standard sentence of a score, shows <script> as text', async () => {
    const { page } = s;
    const add = page.locator('#f-indicators > button.add');
    expect(await add.textContent()).toBe('指標を追加（3／5 枠）');
    await add.click();
    await add.click();
    expect(await add.textContent()).toBe('指標を追加（5／5 枠）');
    expect(await add.isDisabled()).toBe(true);
    expect(await page.locator('#f-indicators fieldset.item legend').allTextContents()).toEqual(['指標 1', '指標 2', '指標 3', '指標 4', '指標 5']);
    // The new slot is blank as `new` makes one, its year rows at 0.
    expect(await page.inputValue(cell('indicators.4.name'))).toBe('');
    expect(await page.inputValue(cell('indicators.4.target.2024'))).toBe('0');
    await page.click('text=指標 5を削除');
    await page.click('text=指標 4を削除');
    expect(await add.textContent()).toBe('指標を追加（3／5 枠）');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('指標を追加（3／5 枠）');

    // A score's options carry their standard sentence; the chosen one is told beside the sentence.
    const score = cell('evaluation.citizenNeeds.score');
    expect(await page.locator(`${score} option:checked`).textContent()).toBe('3：今後も一定の市民ニーズが見込まれる。');
    await page.selectOption(score, { label: '4：十分に高く、今後も変わらずにあると見込まれる。' });
    expect(await page.textContent('[id="f-evaluation.citizenNeeds.sentence-standard"]')).toContain('標準文言: 十分に高く、今後も変わらずにあると見込まれる。');
    await page.selectOption(score, { label: '3：今後も一定の市民ニーズが見込まれる。' });

    // Any text is shown as text, never as markup.
    const dialogs: string[] = [];
    page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    await page.fill(cell('name'), '<script>alert(1)</script><b>太字</b>');
    await expect.poll(() => page.textContent('#sheet-title')).toBe('087 <script>alert(1)</script><b>太字</b>');
    expect(await page.locator('#sheet-title b, #sheet-title script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.fill(cell('name'), '情報化推進事業（見本の確認）');
    page.removeAllListeners('dialog');
  });

  it('asks before leaving with unsaved changes', async () => {
    const { page } = s;
    await page.fill(cell('period'), '毎年度（見直し中）');
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.click('text=2021年度の一覧へ戻る');
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toContain('保存していない変更があります');
    expect(new URL(page.url()).pathname).toBe('/sheets/2021/087');
    expect(await page.inputValue(cell('period'))).toBe('毎年度（見直し中）');
    await page.fill(cell('period'), '毎年度');
  });

  it('can be used with the keyboard alone: open a sheet from the list, write, choose 「—」, save', async () => {
    const { page } = s;
    await page.goto(`${s.origin}/`);
    await page.waitForSelector('table.sheets tbody tr');
    // Tab to the second sheet's link and open it with Enter.
    let guard = 0;
    while (!(await page.evaluate(() => (document.activeElement as HTMLAnchorElement | null)?.pathname === '/sheets/2021/088')) && guard++ < 40) {
      await page.keyboard.press('Tab');
    }
    expect(await page.evaluate(() => (document.activeElement as HTMLAnchorElement).pathname)).toBe('/sheets/2021/088');
    // The focused link shows it.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#preview-pages canvas');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    // Through the fields to 市民参加 › 実行 and its 「—」 button.
    guard = 0;
    while (!(await page.evaluate(() => document.activeElement?.id === 'f-participation.implementation')) && guard++ < 200) await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('説明会を開いた # 2 回');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('「—」にする');
    await page.keyboard.press('Enter');
    expect(await page.inputValue(cell('participation.implementation'))).toBe('—');
    await page.keyboard.press('Control+S');
    await page.waitForFunction(() => /保存しました/.test(document.getElementById('save-status')?.textContent ?? ''));
    expect(parse(readFileSync(sheetFile(s, '088'), 'utf8')).participation.implementation).toBe('—');
    expect(s.problems).toEqual([]);
  });
});
