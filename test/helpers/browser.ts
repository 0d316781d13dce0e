/// <reference lib="dom" />
// The editor in a real browser: Debian's chromium (installed by .ci/run when missing) driven by playwright-core,
// against `sheetbook serve`'s server started in this process on a copy of the bundled data.
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DATA_DIR } from './data';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export const hasChromium = (): boolean => existsSync(CHROMIUM);

// The compiled program, from the test sources or from the compiled benchmark (run from the repository).
const DIST = existsSync(join(__dirname, '../../dist/server/server.js')) ? join(__dirname, '../../dist') : resolve('dist');

export interface EditorSession {
  dataDir: string;
  origin: string;
  token: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Errors the page threw or logged, and requests the CSP refused. */
  problems: string[];
  close(): Promise<void>;
}

/** A copy of the repository's data folder (the city files and every year's sheets). */
export function copyOfData(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'sheetbook-editor-')), 'data');
  cpSync(DATA_DIR, dir, { recursive: true });
  return dir;
}

export async function openEditor(options: { dataDir?: string; width?: number; height?: number } = {}): Promise<EditorSession> {
  const { startServer } = require(join(DIST, 'server', 'server')) as typeof import('../../src/server/server');
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const dataDir = options.dataDir ?? copyOfData();
  const server = await startServer({ dataDir, outDir: join(dataDir, '..', 'output'), port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
  const context = await browser.newContext({ viewport: { width: options.width ?? 1400, height: options.height ?? 900 }, locale: 'ja-JP' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A refused save (412) or a sheet that exists already (409), a return without its comment (400) are answers the
    // page expects, which chromium logs all the same.
    if (message.type() === 'error' && !/status of (400|409|412)/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  // The printed address: its token becomes the cookie, and the list is shown.
  await page.goto(server.url);
  return {
    dataDir,
    origin: server.origin,
    token: server.token,
    browser,
    context,
    page,
    problems,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
