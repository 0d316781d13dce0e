// Issue 2: a value is text, never layout. Quotes, backslashes, newlines and template syntax print as written.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runBuild } from '../src/commands/build.runner';
import { bundledSheet, makeDataDir } from './helpers/data';
import { readingOrder } from './helpers/expected';
import { firstOutOfOrder, parsePdf, squash } from './helpers/pdf';

const NASTY = ['"引用符"', 'バック\\スラッシュ\\n', '改行の前\n改行の後', '{{x}}', '}}', '</p>', '{{> basic-info}}', '"], "pageBreak": "before'];

it('prints quotes, backslashes, newlines and template syntax literally, without changing the layout', async () => {
  const sheet = bundledSheet('087');
  sheet.name = `情報化推進事業${NASTY[0]}${NASTY[1]}`;
  sheet.overview.purpose = NASTY.join(' ');
  sheet.participation.planning = NASTY[5];
  sheet.results.challenges.organization = NASTY[3] + NASTY[4];
  sheet.direction.reason = NASTY[7];
  sheet.indicators[0].description = NASTY[6];
  const dataDir = makeDataDir({ '087.yaml': sheet });
  const outDir = mkdtempSync(join(tmpdir(), 'sheetbook-esc-'));

  const summary = await runBuild({ numbers: [], dataDir, outDir }, () => {});
  expect(summary.failed).toEqual([]);
  const pdf = await parsePdf(readFileSync(join(outDir, '2021/087.pdf')));

  expect(pdf.pageCount).toBe(2);
  const text = squash(pdf.text);
  for (const value of NASTY) expect(text).toContain(squash(value));
  expect(pdf.text).toContain('改行の前\n改行の後');
  // Every label still stands where it belongs: the values did not add, remove or move any part of the form.
  expect(firstOutOfOrder(pdf.text, readingOrder(sheet))).toBeUndefined();
});
