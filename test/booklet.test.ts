// Issue 5: the booklet, selections, reuse of unchanged sheets, identical bytes for identical input.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runBooklet } from '../src/commands/booklet.runner';
import { runBuild } from '../src/commands/build.runner';
import { bundledSheet, makeDataDir } from './helpers/data';
import { embeddedFonts, firstOutOfOrder, parsePdf, type ParsedPdf } from './helpers/pdf';

const NUMBERS = ['087', '088', '089', '090', '091'];
const quiet = () => {};
const everything = { only: [], departments: [] };

function fiveSheets(): string {
  return makeDataDir(Object.fromEntries(NUMBERS.map((n) => [`${n}.yaml`, bundledSheet(n)])));
}

describe('the booklet of the five sheets', () => {
  let pdf: ParsedPdf;
  let bytes: Buffer;
  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-booklet-'));
    const result = await runBooklet({ dataDir: fiveSheets(), outDir: out, selection: everything }, quiet);
    expect(result.file).toBe(join(out, '2021/booklet.pdf'));
    bytes = readFileSync(result.file!);
    pdf = await parsePdf(bytes);
  });

  it('has a cover, a contents page and every sheet on two pages starting on a right-hand page', () => {
    // cover, blank, contents, blank, the 評価結果一覧 (2 pages), then 5 × 2 pages
    expect(pdf.pageCount).toBe(16);
    expect(pdf.pages[4]).toContain('令和 3年度 評価結果一覧');
    expect(pdf.pages[0]).toContain('令和 3年度 事務事業マネジメントシート');
    expect(pdf.pages[0]).toContain('つくば市');
    expect(pdf.pages[0]).toContain('令和4年10月1日発行');
    // Blank pages say so, as printed booklets do, and carry no page number.
    expect(pdf.pages[1].trim()).toBe('（白紙）');
    expect(pdf.pages[3].trim()).toBe('（白紙）');
    NUMBERS.forEach((n, k) => {
      const first = 6 + 2 * k; // 0-based index of the sheet's first page: 7, 9, 11… in print
      expect((first + 1) % 2).toBe(1);
      expect(pdf.pages[first]).toContain(`事務事業名 ${n}`);
      expect(pdf.pages[first + 1]).toContain('指標の推移');
    });
  });

  it('lists 部, 課 and each sheet with its number, name and page in the contents', () => {
    const names = NUMBERS.map((n) => bundledSheet(n).name);
    const expected = ['目次', '政策イノベーション部', '情報政策課', ...NUMBERS.flatMap((n, k) => [n, names[k], String(7 + 2 * k)])];
    expect(firstOutOfOrder(pdf.pages[2], expected)).toBeUndefined();
  });

  it('numbers the pages through the booklet at the foot, but not the cover or blank pages', () => {
    for (let i = 2; i < pdf.pageCount; i++) {
      if (i === 3) continue;
      const lastLine = pdf.pages[i].trim().split('\n').pop();
      expect(lastLine).toBe(String(i + 1));
    }
    expect(pdf.pages[0]).not.toMatch(/^1$/m);
  });

  it('has bookmarks 部 › 課 › sheet, and Japanese document metadata', () => {
    expect(pdf.outline?.map((o) => o.title)).toEqual(['目次', '政策イノベーション部']);
    const division = pdf.outline![1].items[0];
    expect(division.title).toBe('情報政策課');
    expect(division.items.map((i: any) => i.title)).toEqual(NUMBERS.map((n) => `${n} ${bundledSheet(n).name}`));
    expect(pdf.info.Title).toBe('令和 3年度 事務事業マネジメントシート');
    expect(pdf.info.Author).toBe('つくば市');
    expect(pdf.info.Subject).toContain('5 事業');
    expect(bytes.toString('latin1')).toContain('/Lang (ja)');
  });

  it('embeds each font once, as a subset, for the whole booklet', () => {
    const fonts = embeddedFonts(bytes);
    expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual(['BIZUDPGothic-Bold', 'BIZUDPGothic-Regular']);
    expect(fonts.every((f) => f.embedded)).toBe(true);
  });
});

describe('a council selection', () => {
  it('holds only the chosen sheets, with its own contents, under a name that says so', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-only-'));
    const result = await runBooklet({ dataDir: fiveSheets(), outDir: out, selection: { only: [87, 89], departments: [] } }, quiet);
    expect(result.file).toBe(join(out, '2021/booklet-087-089.pdf'));
    const pdf = await parsePdf(readFileSync(result.file!));
    expect(pdf.pageCount).toBe(8);
    expect(pdf.pages[2]).toContain('087');
    expect(pdf.pages[2]).toContain('089');
    expect(pdf.pages[2]).not.toContain('088');
    expect(pdf.text).not.toContain(bundledSheet('088').name);
    expect(pdf.outline![1].items[0].items.map((i: any) => i.title.slice(0, 3))).toEqual(['087', '089']);
  });

  it('selects by 部, and refuses a 部 no sheet belongs to', async () => {
    const dataDir = fiveSheets();
    const other = bundledSheet('090');
    other.department = '総務部';
    other.division = '総務課';
    writeFileSync(join(dataDir, '2021/090.yaml'), stringify(other, { lineWidth: 0 }));
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-dept-'));
    const result = await runBooklet({ dataDir, outDir: out, selection: { only: [], departments: ['総務部'] } }, quiet);
    expect(result.file).toBe(join(out, '2021/booklet-総務部.pdf'));
    const pdf = await parsePdf(readFileSync(result.file!));
    expect(pdf.pageCount).toBe(6);
    expect(pdf.outline!.map((o) => o.title)).toEqual(['目次', '総務部']);
    await expect(runBooklet({ dataDir, outDir: out, selection: { only: [], departments: ['存在しない部'] } }, quiet)).rejects.toThrow(
      '部「存在しない部」のシートはありません。この年度の部: 「政策イノベーション部」「総務部」',
    );
  });
});

describe('rebuilding', () => {
  it('writes identical bytes when nothing changed, and re-renders only the sheet that changed', async () => {
    const dataDir = fiveSheets();
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-again-'));
    const first = await runBooklet({ dataDir, outDir: out, selection: everything }, quiet);
    expect(first.tally).toEqual({ built: 5, reused: 0, failed: 0 });
    const firstBytes = readFileSync(first.file!);

    const second = await runBooklet({ dataDir, outDir: out, selection: everything }, quiet);
    expect(second.tally).toEqual({ built: 0, reused: 5, failed: 0 });
    expect(readFileSync(second.file!).equals(firstBytes)).toBe(true);

    // A fresh output folder (no cache) gives the same bytes too: nothing depends on time or chance.
    const fresh = await runBooklet({ dataDir, outDir: mkdtempSync(join(tmpdir(), 'sheetbook-fresh-')), selection: everything }, quiet);
    expect(readFileSync(fresh.file!).equals(firstBytes)).toBe(true);

    const changed = bundledSheet('089');
    changed.direction.reason = '機器の更新を前倒しで実施するため。';
    writeFileSync(join(dataDir, '2021/089.yaml'), stringify(changed, { lineWidth: 0 }));
    const third = await runBooklet({ dataDir, outDir: out, selection: everything }, quiet);
    expect(third.tally).toEqual({ built: 1, reused: 4, failed: 0 });
    const pdf = await parsePdf(readFileSync(third.file!));
    expect(pdf.pages[10 + 1]).toContain('機器の更新を前倒しで実施するため。'); // 089 starts on page 11

    const build = await runBuild({ numbers: [89], dataDir, outDir: out }, quiet);
    expect(build.built).toEqual([join(out, '2021/089.pdf')]);
    expect(build.tally).toEqual({ built: 0, reused: 1, failed: 0 });
  });
});
