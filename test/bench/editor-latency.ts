// The editor's latencies in a real browser (chromium, as the browser tests drive it), measured by the page itself
// (window.sheetbookLatency, src/web/editor/page.ts): from a keystroke's input event to its findings shown
// (POST /api/check), and from the last keystroke to its preview drawn (POST /api/preview, then pdf.js). Each
// keystroke waits for both before the next, so each is one pause in typing.
import { hasChromium, openEditor } from '../helpers/browser';

declare global {
  interface Window {
    /** Kept by the editor page (src/web/editor/page.ts). */
    sheetbookLatency?: { findings: number[]; preview: number[]; previewServer?: number[]; previewDraw?: number[] };
  }
}

export interface EditorLatency {
  findingsMs: number[];
  previewMs: number[];
  /** The preview's parts: the server's answer, and pdf.js drawing it. */
  previewServerMs: number[];
  previewDrawMs: number[];
}

/**
 * `field`: the sentence typed into. The default, 成果, prints on page 2 while the side pane shows page 1 (so the page
 * in view does not change); `overview.purpose` prints on page 1, which is then redrawn every time.
 */
export async function editorLatency(keystrokes = 20, warmUp = 3, field = 'results.achievements'): Promise<EditorLatency | undefined> {
  if (!hasChromium()) return undefined;
  const session = await openEditor();
  try {
    const { page } = session;
    await page.goto(`${session.origin}/sheets/2021/087`);
    await page.waitForSelector('#preview-pages canvas');
    await page.focus(`[id="f-${field}"]`);
    await page.keyboard.press('End');
    for (let i = 0; i < warmUp + keystrokes; i++) {
      if (i === warmUp) await page.evaluate(() => (window.sheetbookLatency = { findings: [], preview: [], previewServer: [], previewDraw: [] }));
      await page.keyboard.type(i % 2 === 0 ? 'あ' : '。');
      await page.waitForFunction(() => {
        const current = document.getElementById('findings-summary')?.dataset.current;
        return document.getElementById('findings-summary')?.dataset.version === current && document.getElementById('preview-pages')?.dataset.version === current;
      });
      await page.waitForTimeout(50);
    }
    const measured = await page.evaluate(() => window.sheetbookLatency!);
    return { findingsMs: measured.findings, previewMs: measured.preview, previewServerMs: measured.previewServer ?? [], previewDrawMs: measured.previewDraw ?? [] };
  } finally {
    await session.close();
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export function editorSummary(latency: EditorLatency): Record<string, number> {
  return {
    previewServerMedianMs: Math.round(median(latency.previewServerMs)),
    previewDrawMedianMs: Math.round(median(latency.previewDrawMs)),
    findingsMedianMs: Math.round(median(latency.findingsMs)),
    findingsMaxMs: Math.round(Math.max(...latency.findingsMs)),
    previewMedianMs: Math.round(median(latency.previewMs)),
    previewMaxMs: Math.round(Math.max(...latency.previewMs)),
    samples: latency.findingsMs.length,
  };
}

if (require.main === module) {
  void editorLatency(20, 3, process.env.BENCH_FIELD).then((latency) => {
    if (!latency) {
      console.log('chromium (/usr/bin/chromium) がないので、編集画面の計測を飛ばしました。');
      return;
    }
    console.log(JSON.stringify({ ...editorSummary(latency), findingsMs: latency.findingsMs.map(Math.round), previewMs: latency.previewMs.map(Math.round) }));
  });
}
