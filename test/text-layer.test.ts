// Issue 19, point 3: the text layer is the printed text, in every PDF and on every path. Each command runs on a copy
// of the bundled data; every PDF it writes is read back by pdf.js and by poppler (`pdftotext -raw`) and compared,
// page by page, with the strings the model puts there: the form's labels and every printed value of each sheet
// (names, texts, figures as printed), the cover, the contents, the 評価結果一覧, the 正誤表's rows. The paths: fresh,
// from the render cache, after a process killed with SIGKILL while writing the cache (and with damaged or misplaced
// cache entries), 200 saves in `watch`, `errata`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runBooklet } from '../src/commands/booklet.runner';
import { runBuild } from '../src/commands/build.runner';
import { runErrata } from '../src/commands/errata.runner';
import { runPublish } from '../src/commands/publish.runner';
import { startWatch, type Rebuild, type WatchHandle } from '../src/commands/watch.runner';
import { eraYearText, japaneseDate } from '../src/model/era';
import { openWorkspace, type Workspace } from '../src/pipeline/sheet';
import { readRecord, type PublicationRecord } from '../src/publication/record';
import { environmentKey, RenderCache } from '../src/batch/cache';
import { loadFontFaces } from '../src/pdf/fonts';
import { FontSet } from '../src/pdf/fontset';
import { fontkitGlyphId } from '../src/pdf/pdfmake';
import { fontIdentity, reverseCharacterMap } from '../src/pdf/glyph-text';
import { renderPages } from '../src/pipeline/render';
import { documentPdf } from '../src/pipeline/sheet';
import { checkConformance } from './helpers/conformance';
import { bundledSheet, makeDataDir } from './helpers/data';
import { parsePdf } from './helpers/pdf';
import {
  bookletPageTexts,
  compareTextLayer,
  HAS_POPPLER,
  overviewPageTexts,
  recordedOverview,
  sheetPageTexts,
  TextLayerTally,
  type BookletPlan,
  type Extractor,
  type PageText,
  toUnicodePages,
} from './helpers/text-layer';

const NUMBERS = ['087', '088', '089', '090', '091'];
const YEAR = 2021;
const CLI = join(__dirname, '../dist/cli.js');
const FAULTS = join(__dirname, 'helpers/write-faults.cjs');
const quiet = () => {};
const tally = new TextLayerTally();
/** The sheet PDFs of the bundled sheets as a fresh build writes them (their text checked), by number. */
const fresh = new Map<string, Buffer>();

const sheetYaml = (dataDir: string, n: string) => join(dataDir, String(YEAR), `${n}.yaml`);
const sheetPdf = (outDir: string, n: string) => join(outDir, String(YEAR), `${n}.pdf`);
const newOut = () => mkdtempSync(join(tmpdir(), 'sheetbook-text-out-'));
const write = (dataDir: string, n: string, sheet: unknown) => writeFileSync(sheetYaml(dataDir, n), stringify(sheet, { lineWidth: 0 }));

afterAll(() => {
  if (tally.pdfs > 0) console.log(tally.summary());
  if (!HAS_POPPLER) console.log('poppler (pdftotext) is not installed: the text layer was read by pdf.js only');
});

/** Every difference between what `file` says and what sheet `n` of `dataDir` prints. */
function checkSheetPdf(workspace: Workspace, dataDir: string, outDir: string, n: string, options: { readers?: Extractor[]; bytes?: Buffer } = {}) {
  return compareTextLayer(tally, 'sheet', sheetPdf(outDir, n), sheetPageTexts(sheetYaml(dataDir, n), workspace), options);
}

async function checkSheetPdfs(workspace: Workspace, dataDir: string, outDir: string, numbers = NUMBERS): Promise<string[]> {
  const problems: string[] = [];
  for (const n of numbers) problems.push(...(await checkSheetPdf(workspace, dataDir, outDir, n)));
  return problems;
}

/** The plan of a booklet of these sheets (their names and places as the sheets say now). */
function plan(workspace: Workspace, dataDir: string, numbers: string[], pageCount: number, extra: Partial<BookletPlan> = {}): BookletPlan {
  return {
    year: YEAR,
    pageCount,
    sheets: numbers.map((n) => {
      const s = bundledSheetAt(dataDir, n);
      return { number: Number(n), file: sheetYaml(dataDir, n), name: s.name, department: s.department, division: s.division };
    }),
    ...extra,
  };
}
const bundledSheetAt = (dataDir: string, n: string) => parse(readFileSync(sheetYaml(dataDir, n), 'utf8'));

/** The booklet plan a publication record describes (its sheets, the 評価結果一覧 after the contents). */
function recordedPlan(workspace: Workspace, dataDir: string, record: PublicationRecord, revised?: string): BookletPlan {
  return plan(workspace, dataDir, Object.keys(record.sheets).sort(), record.booklet.pages, {
    overview: { firstPage: record.overview!.firstPage, ...recordedOverview(record) },
    revised,
  });
}

/** The 評価結果一覧's own PDF, as the record says it prints. */
function checkOverviewPdf(workspace: Workspace, file: string, record: PublicationRecord) {
  const { values, pages } = recordedOverview(record);
  return compareTextLayer(tally, '評価結果一覧', file, overviewPageTexts(YEAR, values, workspace, pages));
}

describe('what a glyph stands for comes from the font alone', () => {
  const fontSet = new FontSet(loadFontFaces());

  it('every glyph of the character map: its lowest code point, as fontkit maps it, in both faces', () => {
    for (const font of fontSet.fonts) {
      const fontkit = font.pdfkit.fontkit;
      const lowest = new Map<number, number>();
      for (const cp of fontkit.characterSet as number[]) {
        const gid = fontkitGlyphId(fontkit, cp);
        if (gid > 0 && !(lowest.get(gid)! <= cp)) lowest.set(gid, cp);
      }
      const read = reverseCharacterMap(font.bytes, fontkit.numGlyphs)!;
      const differ = [...lowest].filter(([gid, cp]) => read[gid] !== cp || font.text.charactersOf(gid) !== String.fromCodePoint(cp));
      expect(differ, font.id).toEqual([]);
      expect(read.filter((cp) => cp >= 0).length).toBe(lowest.size);
    }
  });

  it('a glyph only shaping reaches stands for what it replaces; a run says whether its glyphs spell its text', () => {
    const font = fontSet.fonts[0];
    const ligature = font.pdfkit.fontkit.layout('か\u309a');
    expect(ligature.glyphs).toHaveLength(1);
    expect(font.text.charactersOf(ligature.glyphs[0].id)).toBe('か\u309a');
    expect(font.text.spells(ligature.glyphs, 'か\u309a')).toBe(true);
    // Two characters, one glyph: it stands for the lower one, and a run of the other does not spell its text.
    const shared = font.pdfkit.fontkit.glyphForCodePoint(0x29fd7);
    expect(shared.id).toBe(font.pdfkit.fontkit.glyphForCodePoint(0x29fce).id);
    expect(font.text.charactersOf(shared.id)).toBe('\u{29fce}');
    expect(font.text.spells([shared], '\u{29fd7}')).toBe(false);
    // Whatever fontkit's glyph objects say: one made by id (as for a page from the cache) stands for nothing there.
    const untouched = new FontSet(loadFontFaces()).fonts[0];
    const gid = untouched.pdfkit.fontkit.glyphForCodePoint(0x89a7).id; // 覧
    expect(new FontSet(loadFontFaces()).fonts[0].pdfkit.fontkit.getGlyph(gid).codePoints).toEqual([]);
    expect(untouched.text.charactersOf(gid)).toBe('覧');
  });

  it('a run whose glyphs do not spell its text carries ActualText, and every code shown has a ToUnicode entry', async () => {
    const workspace = openWorkspace(makeDataDir());
    const text = '参照: \u{29fd7}の字';
    const rendered = renderPages(
      { pageSize: 'A4', pageMargins: [28, 28, 28, 28], defaultStyle: { font: 'BIZUDPGothic' }, content: [{ text, tag: 'P' }] } as any,
      workspace.templates.layout,
      workspace.fontSet,
    );
    const pdf = documentPdf(workspace, rendered, { title: 't', author: 'a', subject: 's' }, new Date(0));
    const report = checkConformance(pdf);
    expect(report.violations.filter((v) => v.rule.startsWith('31-'))).toEqual([]);
    expect(report.actualTexts).toContain(text);
    // The map itself says what the font says: the glyph the two characters share is the lower one.
    expect(toUnicodePages(pdf)[0]).toContain('参照: \u{29fce}の字');
  });

  it('the fonts are part of every cache key: another font (or version) never finds the entries of this one', () => {
    const [regular, bold] = loadFontFaces();
    expect(fontIdentity(regular.bytes)).not.toBe(fontIdentity(bold.bytes));
    // Another version of the font: some table's checksum differs.
    const other = Buffer.from(regular.bytes);
    other.writeUInt32BE((other.readUInt32BE(12 + 4) + 1) >>> 0, 12 + 4);
    expect(fontIdentity(other)).not.toBe(fontIdentity(regular.bytes));
    expect(new FontSet([{ ...regular, bytes: other }, bold]).identity).not.toBe(fontSet.identity);

    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    const dir = mkdtempSync(join(tmpdir(), 'sheetbook-text-cache-'));
    const file = sheetYaml(dataDir, '087');
    const cacheOf = (identity: string) => new RenderCache(dir, environmentKey(dataDir, join(__dirname, '../templates'), join(__dirname, '../fonts'), identity), dataDir);
    const mine = cacheOf(fontSet.identity);
    mine.put(mine.keyFor(file), { file, findings: [] });
    expect(mine.get(mine.keyFor(file), file)).toBeDefined();
    const theirs = cacheOf(new FontSet([{ ...regular, bytes: other }, bold]).identity);
    expect(theirs.get(theirs.keyFor(file), file)).toBeUndefined();
  });
});

describe('the text layer is the printed text', () => {
  let dataDir: string;
  let outDir: string;
  let workspace: Workspace;

  beforeAll(() => {
    dataDir = makeDataDir(Object.fromEntries(NUMBERS.map((n) => [`${n}.yaml`, bundledSheet(n)])));
    outDir = newOut();
    workspace = openWorkspace(dataDir);
  });

  it('build: every sheet PDF, fresh; then again from the render cache, byte for byte the same', async () => {
    await runBuild({ numbers: [], dataDir, outDir }, quiet);
    for (const n of NUMBERS) fresh.set(n, readFileSync(sheetPdf(outDir, n)));
    expect(await checkSheetPdfs(workspace, dataDir, outDir)).toEqual([]);

    // From the cache (a new workspace, as a new process has): the same bytes as the files just read back.
    for (const n of NUMBERS) rmSync(sheetPdf(outDir, n));
    const lines: string[] = [];
    await runBuild({ numbers: [], dataDir, outDir }, (l) => lines.push(l));
    expect(lines.filter((l) => l.endsWith('（前回の描画から）'))).toHaveLength(NUMBERS.length);
    for (const n of NUMBERS) expect(readFileSync(sheetPdf(outDir, n)).equals(fresh.get(n)!), n).toBe(true);
  });

  it('publish: the 評価結果一覧 and the booklet (its sheets from the cache)', async () => {
    await runPublish({ year: YEAR, dataDir, outDir }, quiet);
    const record = readRecord(dataDir, YEAR, '2022-10-01');
    const problems = [
      ...(await checkOverviewPdf(workspace, join(outDir, String(YEAR), '評価結果一覧.pdf'), record)),
      ...(await compareTextLayer(tally, 'booklet', join(outDir, String(YEAR), 'booklet.pdf'), bookletPageTexts(recordedPlan(workspace, dataDir, record), workspace))),
    ];
    expect(problems).toEqual([]);
    // The sheet PDFs were in step: publish left them as they were.
    for (const n of NUMBERS) expect(readFileSync(sheetPdf(outDir, n)).equals(fresh.get(n)!), n).toBe(true);
  });

  it('booklet: the year (everything from the cache) and a selection (booklet --only 087,089)', async () => {
    const published = readFileSync(join(outDir, String(YEAR), 'booklet.pdf'));
    await runBooklet({ year: YEAR, dataDir, outDir, selection: { only: [], departments: [] } }, quiet);
    const booklet = join(outDir, String(YEAR), 'booklet.pdf');
    expect(readFileSync(booklet).equals(published)).toBe(true);
    await runBooklet({ year: YEAR, dataDir, outDir, selection: { only: [87, 89], departments: [] } }, quiet);
    const selection = join(outDir, String(YEAR), 'booklet-087-089.pdf');
    // Cover, blank, one page of contents and its blank, then the two sheets.
    const pages = 4 + 2 * 2;
    // (The year's booklet is the published one, byte for byte, read back above.)
    const problems = await compareTextLayer(tally, 'selection', selection, bookletPageTexts(plan(workspace, dataDir, ['087', '089'], pages, { selection: true }), workspace));
    expect(problems).toEqual([]);
  });

  it('errata after a real correction: the 正誤表, the 差し替え pages, the revised booklet and the corrected sheet', async () => {
    // Figures with their breakdown (the year's, so that the 評価結果一覧's totals change too), and a sentence rewritten.
    const sheet = bundledSheet('087');
    sheet.costs.settled[2020] = 24858;
    sheet.costs.otherFunds[2020] = 2027;
    sheet.costs.settled[2021] = 19084;
    sheet.costs.otherFunds[2021] = 71;
    const [first, ...rest] = sheet.results.achievements.split('。');
    sheet.results.achievements = [`${first}（令和3年度末の集計による）`, ...rest].join('。');
    write(dataDir, '087', sheet);
    const date = '2022-11-01';
    const result = await runErrata({ year: YEAR, date, dataDir, outDir }, quiet);
    expect(result?.rows).toBeGreaterThan(2);
    const dir = join(outDir, String(YEAR));
    const before = readRecord(dataDir, YEAR, '2022-10-01');
    const after = readRecord(dataDir, YEAR, date);

    // The 正誤表: its title and date, and every cell of every row (the CSV beside it holds the same rows).
    const rows: string[][] = parseCsv(readFileSync(join(dir, `正誤表-${date}.csv`), 'utf8').replace(/^\ufeff/, ''), { relaxColumnCount: false });
    // (理由, the reason of a restatement, is printed under 正 when there is one: none here.)
    expect(rows[0]).toEqual(['ページ', '事業', '箇所', '誤', '正', '理由']);
    expect(rows.slice(1).every((r) => r[5] === '')).toBe(true);
    expect(rows.some((r) => r[1] === '評価結果一覧')).toBe(true);
    expect(rows.some((r) => r[3] === '24,857' && r[4] === '24,858')).toBe(true);
    const errata: PageText = { ordered: [`${eraYearText(YEAR)} ${workspace.city.documentTitle} 正誤表`, japaneseDate(date), ...rows.flatMap((r) => r.slice(0, 5))] };

    // The 差し替え pages: each part of the booklet (a sheet's two pages, the contents, the 評価結果一覧) that has a page
    // changed, as the revised booklet prints it, marked in its margin.
    const revised = bookletPageTexts(recordedPlan(workspace, dataDir, after, date), workspace);
    const firstSheet = after.booklet.pages - 2 * Object.keys(after.sheets).length + 1;
    const parts = [
      Array.from({ length: after.overview!.firstPage - 3 }, (_, i) => 3 + i),
      Array.from({ length: firstSheet - after.overview!.firstPage }, (_, i) => after.overview!.firstPage + i),
      ...Object.values(after.sheets).map((s) => [s.firstPage, s.firstPage + 1]),
    ];
    const replaced = parts.filter((pages) => pages.some((p) => before.booklet.pageDigests[p - 1] !== after.booklet.pageDigests[p - 1])).flat();
    expect(replaced).toEqual(expect.arrayContaining([after.sheets['087'].firstPage, after.sheets['087'].firstPage + 1]));
    const mark = `${japaneseDate(date)} 差し替え`;
    const replacement = replaced.map((p) => ({ ordered: [...(revised[p - 1]?.ordered ?? [])], contains: [...(revised[p - 1]?.contains ?? []), mark] }));

    const problems = [
      ...(await compareTextLayer(tally, '正誤表', join(dir, `正誤表-${date}.pdf`), [errata])),
      ...(await compareTextLayer(tally, '差し替え', join(dir, `差し替え-${date}.pdf`), replacement)),
      ...(await compareTextLayer(tally, 'revised booklet', join(dir, 'booklet.pdf'), revised)),
      ...(await checkSheetPdf(workspace, dataDir, outDir, '087')),
    ];
    if (existsSync(join(dir, '評価結果一覧.pdf'))) problems.push(...(await checkOverviewPdf(workspace, join(dir, '評価結果一覧.pdf'), after)));
    expect(problems).toEqual([]);
    // Every code these files show has its Unicode (and the rest of what the conformance checks ask).
    for (const name of [`正誤表-${date}.pdf`, `差し替え-${date}.pdf`]) {
      expect(checkConformance(readFileSync(join(dir, name))).violations.map((v) => `${name} ${v.rule}: ${v.message}`)).toEqual([]);
    }
  });
});

describe('the render cache never gives back a page whose text layer is not proven', () => {
  /** sheetbook as a user runs it (the bundled program), optionally with a fault injected into its writes. */
  const sheetbook = (args: string[], fault?: object) =>
    spawnSync(process.execPath, [...(fault ? ['--require', FAULTS] : []), CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, SHEETBOOK_FAULT: fault ? JSON.stringify(fault) : '' },
      timeout: 60_000,
    });

  it('after a build killed with SIGKILL while writing a cache entry, and with torn and misplaced entries', async () => {
    const dataDir = makeDataDir(Object.fromEntries(NUMBERS.map((n) => [`${n}.yaml`, bundledSheet(n)])));
    const outDir = newOut();
    const workspace = openWorkspace(dataDir);
    const args = ['build', '--data', dataDir, '--out', outDir];

    // The reference: a clean build (the one read back above, when it ran: the same sheets give the same bytes).
    if (fresh.size === 0) {
      const clean = newOut();
      expect(sheetbook(['build', '--data', dataDir, '--out', clean]).status).toBe(0);
      for (const n of NUMBERS) fresh.set(n, readFileSync(sheetPdf(clean, n)));
    }
    const reference = fresh;

    // kill -9 in the middle of writing the first cache entry.
    const killed = sheetbook(args, { file: '*.v8', fault: 'kill' });
    expect(killed.signal).toBe('SIGKILL');
    const cacheDir = join(outDir, '.cache', String(YEAR));
    expect(readdirSync(cacheDir).some((f) => f.endsWith('.tmp'))).toBe(true);

    const next = sheetbook(args);
    expect(next.status, next.stderr).toBe(0);
    expect(await checkSheetPdfs(workspace, dataDir, outDir)).toEqual([]);
    for (const n of NUMBERS) expect(readFileSync(sheetPdf(outDir, n)).equals(reference.get(n)!), n).toBe(true);

    // Entries damaged on disk: one torn (cut short where it lies, as a crash before the data reached the disk leaves
    // it), one holding another sheet's rendering under its name. Neither may be used: both sheets are drawn again.
    const written = JSON.parse(readFileSync(join(cacheDir, 'written.json'), 'utf8')) as Record<string, string>;
    const entry = (n: string) => join(cacheDir, `${written[`${n}.pdf`]}.v8`);
    truncateSync(entry('088'), Math.floor(readFileSync(entry('088')).length / 2));
    copyFileSync(entry('090'), entry('089'));
    for (const n of NUMBERS) rmSync(sheetPdf(outDir, n));
    const again = sheetbook(args);
    expect(again.status, again.stderr).toBe(0);
    const reused = again.stdout.split('\n').filter((l) => l.endsWith('（前回の描画から）'));
    expect(reused.map((l) => /([0-9]{3})\.pdf/.exec(l)?.[1])).toEqual(['087', '090', '091']);
    // Byte for byte the PDFs read back above.
    for (const n of NUMBERS) expect(readFileSync(sheetPdf(outDir, n)).equals(reference.get(n)!), n).toBe(true);
  });
});

// `npm test` makes 40 saves; `npm run test:scale` the full 200.
const SAVES = process.env.SHEETBOOK_SCALE === '1' ? 200 : 40;

describe(`watch: ${SAVES} saves in one session`, () => {
  const WATCHED = ['087', '088', '089'];
  let watch: WatchHandle | undefined;
  afterAll(async () => watch?.close());

  it('every PDF it writes, from the cache and fresh in turn, and a booklet made later from its cache', async () => {
    const dataDir = makeDataDir(Object.fromEntries(WATCHED.map((n) => [`${n}.yaml`, bundledSheet(n)])));
    const outDir = newOut();
    const templatesDir = mkdtempSync(join(tmpdir(), 'sheetbook-text-templates-'));
    cpSync(join(__dirname, '../templates'), templatesDir, { recursive: true });
    const workspace = openWorkspace(dataDir);
    const original = new Map(WATCHED.map((n) => [n, bundledSheet(n)]));
    // A variant changes the sheet's 係名 (one short value): what the model prints then is what it prints for the
    // original with that one value changed (worked out once per sheet, not for each of the 200 saves).
    const variant = (n: string, label: string) => ({ ...structuredClone(original.get(n)), section: `${original.get(n).section}${label}` });
    const printed = new Map(WATCHED.map((n) => [n, sheetPageTexts(sheetYaml(dataDir, n), workspace)]));
    const expected = (n: string, label: string): PageText[] => {
      const section = original.get(n).section;
      const swap = (list?: string[]) => list?.map((s) => (s === section ? `${section}${label}` : s));
      return printed.get(n)!.map((page) => ({ ordered: swap(page.ordered), contains: swap(page.contains) }));
    };
    // Renderings the session does not make itself: each sheet's variant A, left in the cache by an earlier run
    // (built by number, so that the second build keeps them: a build of the whole year forgets unused entries).
    const numbers = WATCHED.map(Number);
    for (const n of WATCHED) write(dataDir, n, variant(n, '（甲）'));
    await runBuild({ numbers, dataDir, outDir }, quiet);
    for (const n of WATCHED) write(dataDir, n, original.get(n));
    await runBuild({ numbers, dataDir, outDir }, quiet);

    const lines: string[] = [];
    watch = startWatch({ dataDir, outDir, templatesDir, booklet: false }, (l) => lines.push(l));
    const problems: string[] = [];
    let fromCache = 0;
    for (let i = 0; i < SAVES && problems.length < 20; i++) {
      const n = WATCHED[i % WATCHED.length];
      const round = Math.floor(i / WATCHED.length);
      // Rounds in turn: variant A (from the cache), a new text (drawn now), the original (from the cache), a new text…
      const label = round % 2 === 1 ? `（第${round}版）` : round % 4 === 0 ? '（甲）' : '';
      const next = watch.nextRebuild();
      write(dataDir, n, label ? variant(n, label) : original.get(n));
      const rebuild: Rebuild = await next;
      expect(rebuild.written, `save ${i}: ${rebuild.problem ?? ''}`).toEqual([sheetPdf(outDir, n)]);
      if (round % 2 === 0) fromCache++;
      // Every file the session writes, by the file's own ToUnicode maps; every 25th, and the last of each sheet, by
      // pdf.js and poppler too.
      const readers: Extractor[] = i % 25 === 24 || i >= SAVES - WATCHED.length ? ['tounicode', 'pdf.js', 'poppler'] : ['tounicode'];
      const found = await compareTextLayer(tally, 'sheet (watch)', sheetPdf(outDir, n), expected(n, label), { readers });
      problems.push(...found.map((p) => `save ${i}: ${p}`));
    }
    await watch.close();
    watch = undefined;
    expect(problems).toEqual([]);
    // Half the saves took their PDF from the cache, half drew it.
    expect(lines.filter((l) => l.startsWith('作成: '))).toHaveLength(SAVES);
    expect(lines.filter((l) => l.startsWith('作成: ') && l.endsWith('（前回の描画から）'))).toHaveLength(fromCache);
    expect(Math.min(fromCache, SAVES - fromCache)).toBeGreaterThan(SAVES / 3);

    // What the session left in the cache, as a later command uses it: the year's booklet, every sheet from the cache.
    await runBooklet({ year: YEAR, dataDir, outDir, selection: { only: [], departments: [] } }, quiet);
    const booklet = join(outDir, String(YEAR), 'booklet.pdf');
    const { pageCount } = await parsePdf(readFileSync(booklet));
    // Cover, blank, contents and its blank, then the 評価結果一覧 (from page 5) before the sheets.
    const texts = bookletPageTexts(plan(workspace, dataDir, WATCHED, pageCount, { overview: { firstPage: 5 } }), workspace);
    expect(await compareTextLayer(tally, 'booklet', booklet, texts)).toEqual([]);
  });
});
