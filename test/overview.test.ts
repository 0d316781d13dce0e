// Issue 12: the overview of a year's evaluation (評価結果一覧). Its counts and costs are recomputed here from the
// YAML alone (with data/personnel-rates.yaml for sheets that leave 人件費計 out) and compared with the data and with
// the text of the PDF; its charts are vectors in the embedded fonts; its project list runs over several pages.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTIONS, EVALUATION_ITEMS } from '../src/model/form';
import { UserError } from '../src/model/errors';
import { overviewData, writeOverview } from '../src/publication/overview';
import { checkSheet } from '../src/pipeline/sheet';
import { bundledSheet, DATA_DIR, makeDataDir } from './helpers/data';
import { buildOverview, type BuiltOverview } from './helpers/overview';
import { embeddedFonts, firstOutOfOrder, parsePdf, squash, type ParsedPdf } from './helpers/pdf';

const YEAR = 2021;
const ALL_DIRECTIONS = ['継続', '拡大・拡充', '改善', '縮小', '休止・廃止', '統合', '完了'];
const SCORE_KEYS = ['citizenNeeds', 'progress', 'cityInvolvement', 'priority'];
const LIST_HEADER = ['番号', '事務事業名', '部・課', '方向性', '市民ニーズ', '進捗状況', '市の関与', '優先度', 'トータルコスト（千円）'];
const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const amount = (n: number) => n.toLocaleString('en-US');
const number3 = (n: number) => String(n).padStart(3, '0');

interface Expected {
  projects: { number: number; name: string; department: string; division: string; direction: string; scores: number[]; total: number }[];
  departments: { name: string; counts: number[]; projects: number; total: number }[];
  counts: number[];
  total: number;
}

/** What the overview must say, from the YAML files themselves: 決算額 + 人件費計 of the year, in 千円. */
function expectedFrom(dataDir: string): Expected {
  const rates = parse(readFileSync(join(dataDir, 'personnel-rates.yaml'), 'utf8'))[YEAR];
  const y = String(YEAR);
  const projects = readdirSync(join(dataDir, y))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parse(readFileSync(join(dataDir, y, f), 'utf8')))
    .map((s) => {
      const personnel = s.costs.personnelCost?.[y] ?? Math.round(s.costs.staffRatio[y] * rates.staffYear + s.costs.overtimeHours[y] * rates.overtimeHour);
      return {
        number: s.number as number,
        name: s.name as string,
        department: s.department as string,
        division: s.division as string,
        direction: s.direction.decision as string,
        scores: SCORE_KEYS.map((k) => s.evaluation[k].score as number),
        total: (s.costs.settled[y] as number) + personnel,
      };
    })
    .sort((a, b) => a.number - b.number);
  const departments: Expected['departments'] = [];
  for (const p of projects) {
    let d = departments.find((x) => x.name === p.department);
    if (!d) departments.push((d = { name: p.department, counts: ALL_DIRECTIONS.map(() => 0), projects: 0, total: 0 }));
    d.counts[ALL_DIRECTIONS.indexOf(p.direction)] += 1;
    d.projects += 1;
    d.total += p.total;
  }
  const counts = ALL_DIRECTIONS.map((dir) => projects.filter((p) => p.direction === dir).length);
  return { projects, departments, counts, total: projects.reduce((s, p) => s + p.total, 0) };
}

interface Built extends BuiltOverview {
  pdf: ParsedPdf;
}

async function build(dataDir: string): Promise<Built> {
  const built = await buildOverview(dataDir, YEAR);
  return { ...built, pdf: await parsePdf(built.bytes) };
}

/** The data and the PDF agree with the YAML: counts by 方向性 (by 部 and in total), costs, and every project. */
function checkAgainstYaml(built: Built, expected: Expected): void {
  const { data, pdf } = built;
  expect(data.directions).toEqual(ALL_DIRECTIONS);
  expect(data.evaluationItems.map((i) => i.label)).toEqual(['市民ニーズ', '進捗状況', '市の関与', '優先度']);
  expect(data.projects.map((p) => ({ number: p.number, name: p.name, department: p.department, division: p.division, direction: p.direction, scores: p.scores, total: p.total }))).toEqual(
    expected.projects,
  );
  expect(data.departments.map((d) => ({ name: d.name, counts: d.byDirection, projects: d.projects, total: d.total }))).toEqual(expected.departments);
  expect(data.total.byDirection).toEqual(expected.counts);
  expect(data.total.total).toBe(expected.total);
  expect(data.total.settled + data.total.personnel).toBe(expected.total);

  // Page 1: the title, the counts table row by row, the charts' labels.
  const page1 = pdf.pages[0];
  expect(squash(page1)).toContain(squash('令和 3年度 評価結果一覧'));
  expect(page1).toContain('つくば市');
  expect(page1).toContain(`部 ${ALL_DIRECTIONS.join(' ')} 計`);
  for (const d of expected.departments) expect(page1.split('\n')).toContain(`${d.name} ${d.counts.join(' ')} ${d.projects}`);
  expect(page1.split('\n')).toContain(`合計 ${expected.counts.join(' ')} ${expected.projects.length}`);
  const shares = expected.counts.map((n) => `${n}件（${((n / expected.projects.length) * 100).toFixed(1)}%）`);
  // Read band by band: each 方向性, then its count and share.
  expect(firstOutOfOrder(page1, ['方向性の内訳', ...ALL_DIRECTIONS.flatMap((d, i) => [d, shares[i]])])).toBeUndefined();
  // The cost chart: its legend, then each 部 (its label) and its total beside its bar, in order.
  const chart = page1.slice(page1.indexOf('部別のトータルコスト（決算額＋人件費計、千円）'));
  expect(firstOutOfOrder(chart, ['決算額', '人件費計', ...expected.departments.flatMap((d) => [d.name, amount(d.total)]), '千円'])).toBeUndefined();
  expect(page1).toContain('決算額 人件費計');

  // The list: every project in number order, whole, with its 方向性, scores and total cost; then the grand total.
  const list = pdf.pages.slice(1).join('\n');
  const cells = expected.projects.flatMap((p) => [number3(p.number), p.name, p.department, p.division, `${p.direction} ${p.scores.join(' ')} ${amount(p.total)}`]);
  expect(firstOutOfOrder(list, [...cells, `合計 ${amount(expected.total)}`])).toBeUndefined();
  pdf.pages.forEach((text, i) => expect(text.trim().endsWith(`${i + 1} / ${pdf.pageCount}`), `folio of page ${i + 1}`).toBe(true));
}

describe('the overview of the five bundled sheets', () => {
  let built: Built;
  beforeAll(async () => {
    built = await build(DATA_DIR);
  });

  it('counts and costs the YAML says, in the data and in the PDF', () => {
    const expected = expectedFrom(DATA_DIR);
    expect(expected.total).toBe(753_391); // 決算額 709,346 + 人件費計 44,045
    checkAgainstYaml(built, expected);
    expect(built.pdf.pageCount).toBe(2);
    expect(DIRECTIONS).toEqual(ALL_DIRECTIONS);
    expect(EVALUATION_ITEMS).toEqual(SCORE_KEYS);
  });

  it('is a Japanese PDF dated on the year’s date of issue, named after the year', () => {
    expect(built.pdf.info.Title).toBe('令和 3年度 評価結果一覧');
    expect(built.pdf.info.Author).toBe('つくば市');
    expect(built.pdf.info.Subject).toBe('つくば市 令和 3年度 評価結果一覧（5 事業）');
    expect(built.bytes.toString('latin1')).toContain('/Lang (ja)');
    expect(built.bytes.toString('latin1')).toContain('/CreationDate (D:20220930150000Z)');
  });

  it('draws its charts as vectors: grey paths, no image, text in the embedded fonts only', () => {
    const content = inflateSync(built.rendered.pages[0].content).toString('latin1');
    const grey = (hex: string) => [1, 3, 5].map((i) => String(parseInt(hex.slice(i, i + 2), 16) / 255)).join(' ');
    const { charts } = built.workspace.templates.layout.overview;
    // A bar for each 方向性 that has projects (継続 and 拡大・拡充; an empty one has only its label, 0件), and the two
    // parts of the one 部's cost and their legend's swatches: each a filled and stroked path in its grey.
    expect(content.split(`${grey(charts.directionFill)} scn`).length - 1).toBe(2);
    expect(content.split(`${grey(charts.costFills[0])} scn`).length - 1).toBe(2);
    expect(content.split(`${grey(charts.costFills[1])} scn`).length - 1).toBe(2);
    expect(content.match(/\nh\nB\n/g)?.length).toBe(6);
    for (const page of built.rendered.pages) {
      expect(inflateSync(page.content).toString('latin1')).not.toMatch(/ Do\n/);
      expect(page.fonts.every((f) => /^F[0-9]+$/.test(f))).toBe(true);
    }
    const bytes = built.bytes.toString('latin1');
    expect(bytes).not.toMatch(/\/Subtype \/Image|\/XObject|Helvetica/);
    const fonts = embeddedFonts(built.bytes);
    expect(fonts.length).toBe(2);
    for (const font of fonts) expect(font).toMatchObject({ name: expect.stringMatching(/^[A-Z]{6}\+BIZUDPGothic-(Regular|Bold)$/), embedded: true });
  });

  const poppler = ['pdftotext', 'pdffonts'].every((tool) => {
    try {
      execFileSync(tool, ['-v'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  it.skipIf(!poppler)('reads back with poppler: the charts’ text extracts, and only our embedded subsets are used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sheetbook-overview-'));
    tempDirs.push(dir);
    const file = join(dir, 'overview.pdf');
    writeFileSync(file, built.bytes);
    const text = execFileSync('pdftotext', ['-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
    for (const label of ['2件（40.0%）', '3件（60.0%）', '753,391', '決算額', '人件費計', '千円']) expect(text).toContain(label);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(fonts.length).toBe(2);
    for (const line of fonts) expect(line).toMatch(/^[A-Z]{6}\+BIZUDPGothic-(Regular|Bold) +CID TrueType +Identity-H +yes yes yes /);
  });

  it('writes output/<year>/評価結果一覧.pdf', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'sheetbook-overview-'));
    tempDirs.push(outDir);
    const target = writeOverview(built.workspace, YEAR, built.rendered, outDir);
    expect(target).toBe(join(outDir, '2021', '評価結果一覧.pdf'));
    expect(readFileSync(target).equals(built.bytes)).toBe(true);
  });

  it('refuses a sheet of another year, and a number given twice', () => {
    const sheets = ['087', '088'].map((n) => checkSheet(join(DATA_DIR, '2021', `${n}.yaml`), built.workspace));
    expect(() => overviewData(2022, sheets.map((p) => p.sheet!), built.workspace.city)).toThrow(UserError);
    expect(() => overviewData(2022, sheets.map((p) => p.sheet!), built.workspace.city)).toThrow('シート 087 は令和3年度のシートです');
    expect(() => overviewData(YEAR, [sheets[0].sheet!, sheets[0].sheet!], built.workspace.city)).toThrow('事業番号 087 のシートが 2 つあります');
  });
});

describe('the overview of a varied year: four 部, every kind of 方向性, a list of several pages', () => {
  let dataDir: string;
  let built: Built;
  beforeAll(async () => {
    // The five bundled sheets, two of them moved to another 部 and 方向性 (one with its 人件費計 left to the rates),
    // and 60 more in three 部, some with long names; numbered so that 部 appear out of alphabetical order.
    const sheets: Record<string, unknown> = {};
    for (const n of ['087', '088', '089', '090', '091']) sheets[`${n}.yaml`] = bundledSheet(n);
    Object.assign(sheets['087.yaml'] as any, { department: 'こども部', division: 'こども政策課' });
    (sheets['087.yaml'] as any).direction = { decision: '拡大・拡充', reason: '待機児童の解消に向けて定員を拡大するため。' };
    delete (sheets['087.yaml'] as any).costs.personnelCost;
    Object.assign(sheets['091.yaml'] as any, { department: '市民部', division: '市民活動課' });
    (sheets['091.yaml'] as any).direction = { decision: '完了', reason: '所期の目的を達成したため。' };
    const departments = [
      ['市民部', '市民活動課'],
      ['都市計画部', '都市計画課'],
      ['保健福祉部', '社会福祉課'],
    ];
    for (let k = 0; k < 60; k++) {
      const sheet = bundledSheet(['087', '088', '089', '090', '091'][k % 5]);
      sheet.number = 100 + k;
      [sheet.department, sheet.division] = departments[Math.floor(k / 20)];
      sheet.direction = { decision: ALL_DIRECTIONS[k % 7], reason: '方向性の理由。' };
      if (k % 6 === 2) sheet.name = `${sheet.name}（地域共生社会の実現に向けた包括的な支援体制の整備と関係機関の連携強化）`;
      if (k % 4 === 1) delete sheet.costs.personnelCost;
      sheets[`${number3(sheet.number)}.yaml`] = sheet;
    }
    dataDir = makeDataDir(sheets);
    tempDirs.push(dataDir);
    built = await build(dataDir);
  });

  it('counts by 部 and 方向性, and costs, as the YAML says — 人件費計 from the rates where a sheet leaves it out', () => {
    const expected = expectedFrom(dataDir);
    expect(expected.departments.map((d) => d.name)).toEqual(['こども部', '政策イノベーション部', '市民部', '都市計画部', '保健福祉部']);
    expect(expected.counts.every((n) => n > 0)).toBe(true);
    checkAgainstYaml(built, expected);
    // 087 has no 人件費計 of its own: 1.50 × 6,834.6 + 400 × 2.430 = 11,223.9 → 11,224 (the figure the sheet printed).
    expect(built.data.projects[0]).toMatchObject({ number: 87, personnel: 11_224, settled: 19_083, total: 30_307 });
  });

  it('runs its list over several pages, the header row on every one of them, no name cut short', () => {
    const listPages = built.pdf.pages.slice(1);
    expect(listPages.length).toBeGreaterThanOrEqual(2);
    for (const page of listPages) expect(firstOutOfOrder(page, LIST_HEADER), page.slice(0, 80)).toBeUndefined();
    // Every project is on exactly one page, whole.
    for (const p of built.data.projects) {
      const on = listPages.filter((page) => squash(page).includes(squash(`${number3(p.number)} ${p.name}`)));
      expect(on.length, `${p.number} ${p.name}`).toBe(1);
    }
  });
});
