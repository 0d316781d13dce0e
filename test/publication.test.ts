// Issue 12: publication and corrections. publish records what was printed, with the data; errata compares the data of
// today with that record and writes a 正誤表, replacement pages that carry the booklet's own page numbers, and the
// corrected booklet.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parse as parseErrata } from '../src/commands/errata.parser';
import { runErrata } from '../src/commands/errata.runner';
import { UserError } from '../src/model/errors';
import { runPublish } from '../src/commands/publish.runner';
import { changedSentences } from '../src/publication/errata';
import { bundledSheet, makeDataDir } from './helpers/data';
import { checkConformance } from './helpers/conformance';
import { parsePdf } from './helpers/pdf';

const NUMBERS = ['087', '088', '089', '090', '091'];
const quiet = () => {};
const fiveSheets = () => makeDataDir(Object.fromEntries(NUMBERS.map((n) => [`${n}.yaml`, bundledSheet(n)])));
const outDir = () => mkdtempSync(join(tmpdir(), 'sheetbook-pub-out-'));
const edit = (dataDir: string, number: string, change: (s: any) => void) => {
  const sheet = bundledSheet(number);
  change(sheet);
  writeFileSync(join(dataDir, '2021', `${number}.yaml`), stringify(sheet, { lineWidth: 0 }));
};
const HAS_PDFTOPPM = spawnSync('pdftoppm', ['-v']).status === 0;

/** A page as raw greyscale pixels (pdftoppm's PGM), to compare two renderings pixel by pixel. */
function pixels(pdf: string, page: number): { width: number; height: number; data: Buffer } {
  const run = spawnSync('pdftoppm', ['-r', '50', '-gray', '-f', String(page), '-l', String(page), pdf], { maxBuffer: 64 * 1024 * 1024 });
  const bytes = run.stdout as Buffer;
  const header = /^P5\s+([0-9]+)\s+([0-9]+)\s+255\s/.exec(bytes.subarray(0, 40).toString('latin1'))!;
  return { width: Number(header[1]), height: Number(header[2]), data: bytes.subarray(header[0].length) };
}

describe('sheetbook publish', () => {
  it('records every sheet printed value, the page map and the booklet; twice changes nothing; the record outlives output/', async () => {
    const dataDir = fiveSheets();
    const out = outDir();
    const first = await runPublish({ dataDir, outDir: out }, quiet);
    expect(first.written).toBe(true);
    const file = join(dataDir, '2021', 'published', '2022-10-01.json');
    const record = JSON.parse(readFileSync(file, 'utf8'));
    expect(record).toMatchObject({ fiscalYear: 2021, kind: '発行', date: '2022-10-01', booklet: { pages: 16 } }); // cover, contents, 評価結果一覧 (2), sheets
    expect(record.booklet.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(record.sheets)).toEqual(NUMBERS);
    expect(record.sheets['087'].firstPage).toBe(7);
    expect(record.sheets['091'].firstPage).toBe(15);
    const settled = record.sheets['087'].values.find((v: any) => v.key === 'costs.settled.2021');
    expect(settled).toEqual({ key: 'costs.settled.2021', page: 1, place: ['コストの推移', '決算額', '令和3年度'], text: '19,083' });
    const bytes = readFileSync(file);
    expect((await runPublish({ dataDir, outDir: out }, quiet)).written).toBe(false);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    rmSync(out, { recursive: true, force: true });
    expect(existsSync(file)).toBe(true);
  });

  it('every recorded value stands on the page of the sheet the record says', async () => {
    const dataDir = fiveSheets();
    const out = outDir();
    const { record } = await runPublish({ dataDir, outDir: out }, quiet);
    for (const n of NUMBERS) {
      const pages = (await parsePdf(readFileSync(join(out, '2021', `${n}.pdf`)))).pages.map((p) => p.replace(/\s+/g, ''));
      for (const value of record!.sheets[n].values) {
        const text = value.text.replace(/\s+/g, '');
        if (text.length < 4) continue; // short figures stand on both pages
        expect(pages[value.page - 1], `${n} ${value.key}`).toContain(text);
      }
    }
  });

  it('refuses data with errors and records nothing', async () => {
    const dataDir = fiveSheets();
    edit(dataDir, '089', (s) => (s.overview.purpose = ''));
    const lines: string[] = [];
    expect((await runPublish({ dataDir, outDir: outDir() }, (l) => lines.push(l))).record).toBeUndefined();
    expect(lines.join('\n')).toMatch(/誤りのあるシートが 1 件あるため、発行しませんでした.*089\.yaml/);
    expect(existsSync(join(dataDir, '2021', 'published'))).toBe(false);
  });
});

describe('sheetbook errata', () => {
  async function publishedThenCorrected() {
    const dataDir = fiveSheets();
    const out = outDir();
    await runPublish({ dataDir, outDir: out }, quiet);
    rmSync(out, { recursive: true, force: true }); // the record lives with the data
    edit(dataDir, '087', (s) => {
      s.costs.settled[2021] = 19183;
      s.costs.generalFund[2021] = 6770;
      s.costs.staffRatio[2020] = 1.0; // printed as before (1.00): no change
    });
    edit(dataDir, '089', (s) => (s.results.achievements = s.results.achievements.replace('200台', '210台')));
    const lines: string[] = [];
    const result = await runErrata({ dataDir, outDir: out, date: '2022-11-01' }, (l) => lines.push(l));
    return { dataDir, out, result: result!, lines };
  }

  it('lists each changed printed value with its page, place and both values, in the PDF and the CSV', async () => {
    const { out, result } = await publishedThenCorrected();
    expect(result.rows).toBe(6);
    const csv = parseCsv(readFileSync(join(out, '2021', '正誤表-2022-11-01.csv'), 'utf8').replace(/^\ufeff/, ''), { columns: true });
    expect(csv.map((r: any) => [r['ページ'], r['事業'], r['箇所'], r['誤'], r['正']])).toEqual([
      // The 評価結果一覧 prints figures that follow from 087's: its 部's cost (page 5) and 087's row (page 6).
      ['5', '評価結果一覧', '部別のトータルコスト（千円） › 政策イノベーション部', '753,391', '753,491'],
      ['5', '評価結果一覧', '部別のトータルコスト（千円） › 合計', '753,391', '753,491'],
      ['6', '評価結果一覧', '087 情報化推進事業 › トータルコスト（千円）', '30,307', '30,407'],
      ['7', '087 情報化推進事業', 'コストの推移 › 決算額 › 令和3年度', '19,083', '19,183'],
      ['7', '087 情報化推進事業', 'コストの推移 › 一般財源 › 令和3年度', '6,670', '6,770'],
      ['12', '089 庁内情報化事業(イントラとパソコンの整備)', '事業の成果と課題 › 成果', expect.stringContaining('200台'), expect.stringContaining('210台')],
    ]);
    const pdf = await parsePdf(readFileSync(join(out, '2021', '正誤表-2022-11-01.pdf')));
    const text = pdf.text.replace(/\s+/g, '');
    expect(text).toContain('令和3年度事務事業マネジメントシート正誤表');
    expect(text).toContain('令和4年11月1日');
    expect(text).toMatch(/7087情報化推進事業コストの推移›決算額›令和3年度19,08319,183/);
  });

  it('a computed value that follows from a change is a change too (人件費計 from 従事割合)', async () => {
    const dataDir = fiveSheets();
    edit(dataDir, '090', (s) => delete s.costs.personnelCost);
    await runPublish({ dataDir, outDir: outDir() }, quiet);
    edit(dataDir, '090', (s) => {
      delete s.costs.personnelCost;
      s.costs.staffRatio[2021] += 0.5;
    });
    const out = outDir();
    await runErrata({ dataDir, outDir: out, date: '2022-11-01' }, quiet);
    const places = parseCsv(readFileSync(join(out, '2021', '正誤表-2022-11-01.csv'), 'utf8').replace(/^\ufeff/, ''), { columns: true })
      .filter((r: any) => r['事業'] !== '評価結果一覧')
      .map((r: any) => r['箇所']);
    expect(places).toEqual(['コストの推移 › 人件費計 › 令和3年度', 'コストの推移 › 正職員従事割合 › 令和3年度']);
  });

  it('replacement pages carry the booklet page numbers and render as the corrected booklet does, apart from the mark', async () => {
    const { out, lines } = await publishedThenCorrected();
    // The 評価結果一覧 (pages 5–6) shows 087's total cost, so it changes with it.
    expect(lines).toContain('差し替えページ: 5、6、7、8、11、12 ページ。改訂した冊子も作りました（令和4年11月1日 改訂）。');
    const replacement = join(out, '2021', '差し替え-2022-11-01.pdf');
    const booklet = join(out, '2021', 'booklet.pdf');
    const pdf = await parsePdf(readFileSync(replacement));
    expect(pdf.pageCount).toBe(6);
    pdf.pages.forEach((page, i) => expect(page.split('\n').map((l) => l.trim())).toContain(['5', '6', '7', '8', '11', '12'][i]));
    for (const page of pdf.pages) expect(page).toContain('令和4年11月1日 差し替え');
    const revised = await parsePdf(readFileSync(booklet));
    expect(revised.pages[0]).toContain('令和4年11月1日 改訂');
    if (!HAS_PDFTOPPM) {
      console.warn('pdftoppm (poppler-utils) is not installed: the pixel comparison of replacement pages was skipped');
      return;
    }
    [5, 6, 7, 8, 11, 12].forEach((bookletPage, i) => {
      const a = pixels(replacement, i + 1);
      const b = pixels(booklet, bookletPage);
      expect([a.width, a.height]).toEqual([b.width, b.height]);
      const markRows = Math.ceil(a.height * (30 / 842)); // the top 30 pt hold the mark
      let differing = 0;
      for (let k = markRows * a.width; k < a.data.length; k++) if (a.data[k] !== b.data[k]) differing++;
      expect(differing, `page ${bookletPage}`).toBe(0);
      expect(a.data.subarray(0, markRows * a.width).equals(b.data.subarray(0, markRows * a.width))).toBe(false);
    });
  });

  it('the 正誤表, the replacement pages and the 評価結果一覧 meet every checked rule of PDF/A-2a and PDF/UA-1, as the booklet does', async () => {
    const { out } = await publishedThenCorrected();
    for (const name of ['正誤表-2022-11-01.pdf', '差し替え-2022-11-01.pdf', 'booklet.pdf', '評価結果一覧.pdf']) {
      expect(checkConformance(readFileSync(join(out, '2021', name))).violations, name).toEqual([]);
    }
  });

  it('nothing changed: says so, exits without writing anything', async () => {
    const dataDir = fiveSheets();
    await runPublish({ dataDir, outDir: outDir() }, quiet);
    const out = outDir();
    const lines: string[] = [];
    expect(await runErrata({ dataDir, outDir: out, date: '2022-11-01' }, (l) => lines.push(l))).toEqual({ rows: 0, files: [], moved: [] });
    expect(lines.at(-1)).toBe('令和4年10月1日発行の内容から、印刷される値は何も変わっていません。正誤表は作りませんでした。');
    expect(existsSync(join(out, '2021')) ? readdirSync(join(out, '2021')).filter((f) => !f.startsWith('.')) : []).toEqual([]);
    expect(readdirSync(join(dataDir, '2021', 'published'))).toEqual(['2022-10-01.json']);
  });

  it('a sheet added after publication moves pages: it says so, lists it, and still writes the 正誤表 for the rest', async () => {
    const dataDir = fiveSheets();
    await runPublish({ dataDir, outDir: outDir() }, quiet);
    const added = bundledSheet('091');
    added.number = 92;
    writeFileSync(join(dataDir, '2021', '092.yaml'), stringify(added, { lineWidth: 0 }));
    edit(dataDir, '087', (s) => {
      s.costs.settled[2021] = 19183;
      s.costs.generalFund[2021] = 6770;
    });
    const out = outDir();
    const lines: string[] = [];
    const result = await runErrata({ dataDir, outDir: out, date: '2022-11-01' }, (l) => lines.push(l));
    expect(result!.moved).toEqual(['092 つくばデジタル・ガバメント推進体制の活用（追加または番号の変更）']);
    expect(lines.join('\n')).toContain('ページが動く変更があるため、差し替えページでは対応できません（正誤表だけを作りました）: 092');
    expect(readdirSync(join(out, '2021')).filter((f) => !f.startsWith('.')).sort()).toEqual(['正誤表-2022-11-01.csv', '正誤表-2022-11-01.pdf']);
    // The 正誤表 was issued: its record keeps the printed booklet as it was and the values it corrected, so the next
    // correction does not issue its rows again.
    expect(readdirSync(join(dataDir, '2021', 'published'))).toEqual(['2022-10-01.json', '2022-11-01.json']);
    const issued = JSON.parse(readFileSync(join(dataDir, '2021', 'published', '2022-10-01.json'), 'utf8'));
    const corrected = JSON.parse(readFileSync(join(dataDir, '2021', 'published', '2022-11-01.json'), 'utf8'));
    expect(corrected.booklet).toEqual(issued.booklet);
    expect(Object.keys(corrected.sheets)).toEqual(NUMBERS);
    const next: string[] = [];
    expect(await runErrata({ dataDir, outDir: out, date: '2022-11-05' }, (l) => next.push(l))).toMatchObject({ rows: 0, files: [] });
    expect(next.join('\n')).toContain('令和4年11月1日訂正の内容から、印刷される値は何も変わっていません。');
    expect(next.join('\n')).toContain('ページが動く変更があるため、差し替えページでは対応できません: 092');
    expect(readdirSync(join(out, '2021')).filter((f) => !f.startsWith('.')).sort()).toEqual(['正誤表-2022-11-01.csv', '正誤表-2022-11-01.pdf']);
  });

  it('--since a date with no record lists the dates that have one', async () => {
    const dataDir = fiveSheets();
    await runPublish({ dataDir, outDir: outDir() }, quiet);
    await expect(runErrata({ dataDir, outDir: outDir(), date: '2022-11-01', since: '2022-09-30' }, quiet)).rejects.toThrow(
      '2022-09-30 の発行の記録はありません。記録がある日: 2022-10-01（令和4年10月1日）',
    );
  });
});

/** Every file under `dir` by its sha256 (the render cache left out), to show that nothing was written. */
function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath ?? (entry as any).path, entry.name);
    if (entry.isFile() && !path.includes(`${join(dir, '.cache')}`)) out[path.slice(dir.length)] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

/** What a refused command throws: its message and exit code. */
async function refusal(promise: Promise<unknown>): Promise<{ message: string; exitCode: number }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return { message: (error as UserError).message, exitCode: (error as UserError).exitCode };
}

describe('the date of a correction (issue 19.6): checked before anything is written', () => {
  const editAgain = (dataDir: string) => edit(dataDir, '089', (s) => (s.results.achievements = s.results.achievements.replace('200台', '220台')));
  async function corrected() {
    const dataDir = fiveSheets();
    const out = outDir();
    await runPublish({ dataDir, outDir: out }, quiet);
    edit(dataDir, '087', (s) => {
      s.costs.settled[2021] = 19183;
      s.costs.generalFund[2021] = 6770;
    });
    expect((await runErrata({ dataDir, outDir: out, date: '2022-11-01' }, quiet))!.rows).toBeGreaterThan(0);
    return { dataDir, out };
  }

  it('a date that already has a record is refused (exit 2), and the first 正誤表, the booklet and the record stay as they were', async () => {
    const { dataDir, out } = await corrected();
    editAgain(dataDir);
    const before = { out: hashTree(out), data: hashTree(join(dataDir, '2021', 'published')) };
    const refused = await refusal(runErrata({ dataDir, outDir: out, date: '2022-11-01' }, quiet));
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toContain('--date 2022-11-01（令和4年11月1日）には既に訂正の記録があります');
    expect(refused.message).toContain('2022-11-02 以降');
    expect(refused.message).not.toContain('sheetbook errata」で行います');
    expect(hashTree(out)).toEqual(before.out);
    expect(hashTree(join(dataDir, '2021', 'published'))).toEqual(before.data);
  });

  it('a date before the last correction is refused (exit 2), naming the day after it', async () => {
    const { dataDir, out } = await corrected();
    editAgain(dataDir);
    const before = hashTree(out);
    const refused = await refusal(runErrata({ dataDir, outDir: out, date: '2022-10-15' }, quiet));
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toContain('最後の記録（訂正）の日付 2022-11-01（令和4年11月1日）より前です');
    expect(refused.message).toContain('--date 2022-11-02');
    expect(hashTree(out)).toEqual(before);
    expect(readdirSync(join(dataDir, '2021', 'published'))).toEqual(['2022-10-01.json', '2022-11-01.json']);
  });

  it.each([
    ['2022-09-01', '発行日の前: 最後の記録（発行）の日付 2022-10-01（令和4年10月1日）より前です'],
    ['2022-10-01', '発行日: --date 2022-10-01（令和4年10月1日）には既に発行の記録があります'],
  ])('%s, before or on the issue date, is refused (exit 2) and writes nothing', async (date, said) => {
    const dataDir = fiveSheets();
    await runPublish({ dataDir, outDir: outDir() }, quiet);
    edit(dataDir, '087', (s) => (s.overview.purpose = `${s.overview.purpose}（訂正）`));
    const out = outDir();
    const refused = await refusal(runErrata({ dataDir, outDir: out, date }, quiet));
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toContain(said.split(': ')[1]);
    expect(refused.message).toContain('2022-10-02 以降');
    expect(hashTree(out)).toEqual({});
    expect(readdirSync(join(dataDir, '2021', 'published'))).toEqual(['2022-10-01.json']);
  });

  it('an impossible date is refused by the command line (exit 2, in Japanese), not an unexpected error', () => {
    for (const date of ['2022-13-01', '2022-02-30', '2022-1-5']) {
      const run = spawnSync(process.execPath, [join(__dirname, '../dist/cli.js'), 'errata', '--date', date, '--data', fiveSheets()], { encoding: 'utf8' });
      expect(run.status, date).toBe(2);
      expect(run.stderr).toContain(`--date には実在する日付を YYYY-MM-DD の形で指定してください（「${date}」）`);
      expect(run.stderr).not.toContain('予期しない');
      expect(() => parseErrata(['--date', date])).toThrow(UserError);
    }
    expect(parseErrata(['--date', '2024-02-29']).date).toBe('2024-02-29');
  });

  it('the same correction is never issued twice: a later date finds nothing new, and --since an older record is refused', async () => {
    const { dataDir, out } = await corrected();
    const before = hashTree(out);
    const lines: string[] = [];
    expect(await runErrata({ dataDir, outDir: out, date: '2022-11-05' }, (l) => lines.push(l))).toEqual({ rows: 0, files: [], moved: [] });
    expect(lines.at(-1)).toBe('令和4年11月1日訂正の内容から、印刷される値は何も変わっていません。正誤表は作りませんでした。');
    const refused = await refusal(runErrata({ dataDir, outDir: out, date: '2022-11-05', since: '2022-10-01' }, quiet));
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toContain('2022-11-01（令和4年11月1日）の記録があります');
    expect(hashTree(out)).toEqual(before);
    expect(readdirSync(join(dataDir, '2021', 'published'))).toEqual(['2022-10-01.json', '2022-11-01.json']);
  });

  it('publish after a correction is refused before it writes anything: the revised booklet stays', async () => {
    const { dataDir, out } = await corrected();
    const before = { out: hashTree(out), data: hashTree(join(dataDir, '2021', 'published')) };
    const refused = await refusal(runPublish({ dataDir, outDir: out }, quiet));
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toContain('2022-11-01（令和4年11月1日）の記録があります');
    expect(refused.message).toContain('sheetbook errata --date 2022-11-02');
    expect(hashTree(out)).toEqual(before.out);
    expect(hashTree(join(dataDir, '2021', 'published'))).toEqual(before.data);
  });
});

describe('long texts in a 正誤表', () => {
  it('show the whole sentence that changed on both sides, the changed characters in bold', () => {
    const before = '電子申請を推進した。チャットツールの利用者は583人だった。来年度も続ける。';
    const after = '電子申請を推進した。チャットツールの利用者は637人だった。来年度も続ける。';
    const { before: b, after: a } = changedSentences(before, after);
    expect(b).toEqual([{ text: 'チャットツールの利用者は' }, { text: '583', bold: true }, { text: '人だった。' }]);
    expect(a).toEqual([{ text: 'チャットツールの利用者は' }, { text: '637', bold: true }, { text: '人だった。' }]);
  });
});
