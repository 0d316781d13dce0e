// Small YAML files the program reads on every run (templates/layout.yaml, the city files) are kept parsed,
// keyed by their content: parsing them costs more than the rest of a one-sheet rebuild's start-up.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { writeFileAtomic } from './write';

const DIR = resolve(__dirname, '../../node_modules/.cache/sheetbook/yaml');

export function parseYamlCached(text: string): unknown {
  const file = join(DIR, `${createHash('sha256').update(text).digest('hex')}.json`);
  if (existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // parse again below
    }
  }
  const value = parse(text);
  try {
    mkdirSync(DIR, { recursive: true });
    writeFileAtomic(file, Buffer.from(JSON.stringify(value ?? null)), { durable: false });
  } catch {
    // an unwritable cache only costs time
  }
  return value;
}
