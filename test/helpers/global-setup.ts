// Every temporary folder the tests make goes into one folder per test run, removed at the end: tests need not tidy
// up after themselves for /tmp to stay clean.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const PREFIX = 'sheetbook-test-run-';

export function setup(): () => void {
  // Run once for the root and once per project (vitest.config.mts): the first one's folder serves them all, so that
  // paths stay short (chromium refuses a profile whose socket path is over 107 bytes).
  if (basename(tmpdir()).startsWith(PREFIX)) return () => {};
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(dir, { recursive: true, force: true });
  };
}
