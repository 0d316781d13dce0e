// Small YAML files the program reads on every run (templates/layout.yaml, the city files) are kept parsed and
// checked, keyed by their content and their schema: parsing and checking them costs more than the rest of a
// one-sheet rebuild's start-up. Only values that passed their schema are kept.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from './write';

const DIR = resolve(__dirname, '../../node_modules/.cache/sheetbook/yaml');

/** The key of a file's checked value: what it is checked against, and its bytes. */
export function cacheKey(checkedAgainst: string, bytes: Buffer): string {
  return createHash('sha256').update(checkedAgainst).update('\0').update(bytes).digest('hex');
}

/** The value kept for `key`, or undefined when there is none (or it cannot be read). */
export function readCachedValue(key: string): { value: unknown } | undefined {
  const file = join(DIR, `${key}.json`);
  if (!existsSync(file)) return undefined;
  try {
    return { value: JSON.parse(readFileSync(file, 'utf8')) };
  } catch {
    return undefined; // checked again by the caller
  }
}

export function writeCachedValue(key: string, value: unknown): void {
  try {
    mkdirSync(DIR, { recursive: true });
    writeFileAtomic(join(DIR, `${key}.json`), Buffer.from(JSON.stringify(value ?? null)), { durable: false });
  } catch {
    // an unwritable cache only costs time
  }
}
