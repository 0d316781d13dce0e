// Issue 2: the five seed sheets, end to end, parsed back from their PDFs.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../src/commands/build.runner';
import { embeddedFonts, firstOutOfOrder, parsePdf, type ParsedPdf } from './helpers/pdf';
import { readingOrder, seedCells } from './helpers/expected';

const NUMBERS = ['087', '088', '089', '090', '091'];
const seed = readFileSync(join(__dirname, 'fixtures/seed-fy2021-087-091.txt'), 'utf8');
const outDir = mkdtempSync(join(tmpdir(), 'sheetbook-sheet-'));
const pdfs = new Map<string, { bytes: Buffer; parsed: ParsedPdf }>();

beforeAll(async () => {
  const summary = await runBuild({ numbers: [], dataDir: 'data', outDir }, () => {});
  expect(summary.failed).toEqual([]);
  for (const n of NUMBERS) {
    const bytes = readFileSync(join(outDir, '2021', `${n}.pdf`));
    pdfs.set(n, { bytes, parsed: await parsePdf(bytes) });
  }
});

describe.each(NUMBERS)('sheet %s', (n) => {
  const yaml = parse(readFileSync(`data/2021/${n}.yaml`, 'utf8'));

  it('is exactly two A4 pages with the sections split as the official form', () => {
    const { parsed } = pdfs.get(n)!;
    expect(parsed.pageCount).toBe(2);
    const [p1, p2] = parsed.pages;
    for (const section of ['事業の基本情報', '事業の概要', 'コストの推移', '市民参加の取組状況']) expect(p1).toContain(section);
    for (const section of ['指標の推移', '事業の成果と課題', '評価', '方向性']) expect(p2).toContain(section);
    expect(p1).not.toContain('指標の推移');
    expect(p1).toContain('1 / 2');
    expect(p2).toContain('2 / 2');
  });

  it('prints every label and every value of its YAML, in reading order', () => {
    const { parsed } = pdfs.get(n)!;
    expect(firstOutOfOrder(parsed.text, readingOrder(yaml))).toBeUndefined();
  });

  it('reads like the official sheet: every cell of the seed text, in the seed order', () => {
    const { parsed } = pdfs.get(n)!;
    expect(firstOutOfOrder(parsed.text, seedCells(seed, n))).toBeUndefined();
  });

  it('embeds BIZ UDPGothic as a subset, and no other font', () => {
    const fonts = embeddedFonts(pdfs.get(n)!.bytes);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      expect(font.name).toMatch(/^[A-Z]{6}\+BIZUDPGothic/);
      expect(font.embedded).toBe(true);
    }
  });

  it('carries Japanese document metadata', () => {
    const { info } = pdfs.get(n)!.parsed;
    expect(info.Title).toBe('令和 3年度 事務事業マネジメントシート');
    expect(info.Author).toBe('つくば市');
    expect(info.Subject).toBe(`${n} ${yaml.name}`);
  });
});

it('writes the same bytes for the same input', async () => {
  const again = mkdtempSync(join(tmpdir(), 'sheetbook-again-'));
  await runBuild({ numbers: [87], dataDir: 'data', outDir: again }, () => {});
  expect(readFileSync(join(again, '2021/087.pdf')).equals(pdfs.get('087')!.bytes)).toBe(true);
});
