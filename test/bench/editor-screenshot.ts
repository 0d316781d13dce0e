// The README's picture of the editor (docs/editor.png): sheet 087 with `24,857円` typed into a figure, its finding
// at the cell and in the list, and the preview beside. Run from the repository:
//   npx tsc -p tsconfig.bench.json && node node_modules/.cache/sheetbook-bench/test/bench/editor-screenshot.js
import { resolve } from 'node:path';
import { hasChromium, openEditor } from '../helpers/browser';

async function main(): Promise<void> {
  if (!hasChromium()) throw new Error('chromium (/usr/bin/chromium) がありません');
  const session = await openEditor({ width: 1400, height: 860 });
  try {
    const { page } = session;
    await page.goto(`${session.origin}/sheets/2021/087`);
    await page.waitForSelector('#preview-pages canvas');
    await page.fill('[id="f-costs.settled.2020"]', '24,857円');
    await page.waitForFunction(() => document.getElementById('findings-summary')?.dataset.version === document.getElementById('findings-summary')?.dataset.current);
    await page.waitForFunction(() => document.getElementById('preview-pages')?.dataset.version === document.getElementById('findings-summary')?.dataset.current);
    await page.locator('[id="f-costs.settled.2020"]').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.querySelector('#section-3')?.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => window.scrollBy(0, -110));
    await page.focus('[id="f-costs.settled.2020"]');
    await page.screenshot({ path: resolve('docs/editor.png') });
  } finally {
    await session.close();
  }
}

void main();
