// Temporary data folders made from the bundled sheets, for tests that need their own input.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

// The repository's data folder, from the test sources or from the compiled benchmark.
export const DATA_DIR = existsSync(join(__dirname, '../../data/city.yaml')) ? join(__dirname, '../../data') : resolve('data');

/** A bundled sheet as a plain object, to copy and change. */
export function bundledSheet(number = '087', year = 2021): any {
  return parse(readFileSync(join(DATA_DIR, String(year), `${number}.yaml`), 'utf8'));
}

/** A fresh data folder holding the city files and the given sheets (objects, or raw text keyed by file name). */
export function makeDataDir(sheets: Record<string, unknown> = {}, year = 2021): string {
  const dir = mkdtempSync(join(tmpdir(), 'sheetbook-data-'));
  for (const file of readdirSync(DATA_DIR)) if (/\.ya?ml$/.test(file)) copyFileSync(join(DATA_DIR, file), join(dir, file));
  mkdirSync(join(dir, String(year)), { recursive: true });
  for (const [name, content] of Object.entries(sheets)) {
    const text = typeof content === 'string' || Buffer.isBuffer(content) ? content : stringify(content, { lineWidth: 0 });
    writeFileSync(join(dir, String(year), name), text as string);
  }
  return dir;
}
