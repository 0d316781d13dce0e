// Issue 19, point 8: a PDF that sheetbook wrote reads back as the YAML it was made from — the same data, the text
// `sheetbook` itself writes for that data, and not one 要確認 (the writer marks every full-width space, so any
// other space is a half-width one; it never clips a text, so nothing can be cut at a cell's edge).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runBooklet } from '../src/commands/booklet.runner';
import { runBuild } from '../src/commands/build.runner';
import { runImport } from '../src/commands/import.runner';
import { linesFromPdfPages } from '../src/interchange/official-text';
import type { PdfLine, PdfPage } from '../src/interchange/pdf-text';
import { sheetYaml } from '../src/interchange/sheet-yaml';
import { bundledSheet, DATA_DIR, makeDataDir } from './helpers/data';

const NUMBERS = ['087', '088', '089', '090', '091'];

/** Import `files` into a fresh data folder: the lines import printed and the folder. */
async function importInto(files: string[]): Promise<{ lines: string[]; target: string }> {
  const target = mkdtempSync(join(tmpdir(), 'sheetbook-own-import-'));
  const lines: string[] = [];
  await runImport({ files, dataDir: target }, (l) => lines.push(l));
  return { lines, target };
}

/**
 * The draft import wrote for sheet `n`, against the source: the same data, and byte for byte the house-style YAML
 * that sheetbook writes for that data (with the line that says where the draft came from).
 */
function expectSameSheet(target: string, n: string, source: unknown): void {
  const file = join(target, '2021', `${n}.yaml`);
  const text = readFileSync(file, 'utf8');
  const draft = parse(text);
  expect(draft.doubts, n).toBeUndefined();
  expect(draft, n).toEqual(source);
  const origin = /^# (.*から sheetbook import で読み取った下書きです。原本と照らし合わせてください。)$/m.exec(text)?.[1];
  expect(origin, n).toBeDefined();
  expect(text, n).toBe(sheetYaml(source as never, file, { origin }));
}

const doubtsIn = (lines: string[]) => lines.filter((l) => l.includes('要確認'));

describe('import of a PDF that sheetbook wrote', () => {
  it('gives back each bundled sheet exactly, with no 要確認', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-own-out-'));
    await runBuild({ numbers: [], dataDir: DATA_DIR, outDir: out }, () => {});
    for (const n of NUMBERS) {
      const { lines, target } = await importInto([join(out, '2021', `${n}.pdf`)]);
      expect(doubtsIn(lines), n).toEqual([]);
      expectSameSheet(target, n, bundledSheet(n));
    }
  });

  it('gives back every sheet of a booklet exactly, with no 要確認', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-own-booklet-'));
    const { file } = await runBooklet({ dataDir: DATA_DIR, outDir: out, selection: { only: [], departments: [] } }, () => {});
    const { lines, target } = await importInto([file!]);
    expect(doubtsIn(lines)).toEqual([]);
    for (const n of NUMBERS) expectSameSheet(target, n, bundledSheet(n));
  });

  it('keeps a text whose last lines on a page are only digits (they are not the page number)', async () => {
    const sheet = bundledSheet('087');
    // The last box of page 1 and of page 2, each ending in lines of digits alone.
    sheet.participation.review = `番号は${'0987654321'.repeat(8)}`;
    sheet.direction.reason = `問い合わせ番号は${'1234567890'.repeat(8)}`;
    const source = makeDataDir({ '087.yaml': sheet });
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-own-digits-'));
    const built = await runBuild({ numbers: [], dataDir: source, outDir: out }, () => {});
    expect(built.built).toHaveLength(1);
    const { lines, target } = await importInto(built.built);
    expect(doubtsIn(lines)).toEqual([]);
    expectSameSheet(target, '087', sheet);
  });
});

describe('import of a PDF that sheetbook wrote, with line breaks typed in its texts', () => {
  it('gives back each line break, blank lines (and lines of a full-width space) and a text’s last one too, and joins the lines the box broke', async () => {
    const sheet = bundledSheet('087');
    sheet.legalBasis = 'つくば市情報化推進計画\n第2条';
    sheet.overview.purpose = '市役所の業務効率化や\n価値の高い住民サービスの提供を図る。';
    sheet.overview.activities = `${sheet.overview.activities}\n\n　新しい段落。Chat tool と\nGIS を活用する。\n`;
    sheet.results.improvementGoal = '1. 周知する。\n\n\n2. Web site を\nupdate する。';
    sheet.direction.reason = '継続する。\n　\n（理由は上のとおり）';
    const source = makeDataDir({ '087.yaml': sheet });
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-own-breaks-'));
    const built = await runBuild({ numbers: [], dataDir: source, outDir: out }, () => {});
    expect(built.built).toHaveLength(1);
    const { lines, target } = await importInto(built.built);
    expect(doubtsIn(lines)).toEqual([]);
    expectSameSheet(target, '087', sheet);
  });
});

describe('page numbers at the foot of a page, in any PDF', () => {
  const line = (text: string, y: number, artifact = false): PdfLine => ({ text, stated: [], y, size: 8, ...(artifact ? { artifact: true as const } : {}) });
  const read = (page: PdfPage) => linesFromPdfPages([page], 'x.pdf').map((l) => l.text);

  it('on a tagged page, an artifact is the page number: digits drawn as text right under the text are data', () => {
    expect(read({ tagged: true, lines: [line('理由 問い合わせ番号は', 700), line('1234567890', 710), line('2 / 2', 716, true)] })).toEqual(['理由 問い合わせ番号は', '1234567890']);
    expect(read({ tagged: true, lines: [line('理由 問い合わせ番号は', 700), line('1234567890', 710)] })).toEqual(['理由 問い合わせ番号は', '1234567890']);
    // A page number tagged as text (a careless writer) still stands apart at the foot.
    expect(read({ tagged: true, lines: [line('理由 問い合わせ番号は', 700), line('12', 800)] })).toEqual(['理由 問い合わせ番号は']);
  });

  it('on an untagged page, the page number is the line that stands apart at the foot, not a line of the text above', () => {
    expect(read({ tagged: false, lines: [line('理由 問い合わせ番号は', 700), line('1234567890', 710), line('12', 800)] })).toEqual(['理由 問い合わせ番号は', '1234567890']);
    expect(read({ tagged: false, lines: [line('理由 問い合わせ番号は', 700), line('1234567890', 710)] })).toEqual(['理由 問い合わせ番号は', '1234567890']);
  });
});
