// The HTTP interface of `sheetbook serve` (issue 21, points 2, 7, 8): the year's list (the same as `sheetbook
// status`), a sheet with its ETag, saving over the version loaded and never over a newer one (412 with the file as it
// is now, 428 without If-Match), findings and fit of unsaved values with validate's messages, the preview as a PDF
// (errors and all), a new sheet as `new` makes it.
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { costYears } from '../src/model/era';
import { draftSheet, openWorkspace } from '../src/pipeline/sheet';
import { runStatus } from '../src/commands/status.runner';
import { validateFiles } from '../src/commands/validate.runner';
import { bundledSheet, DATA_DIR } from './helpers/data';
import { parsePdf, squash } from './helpers/pdf';
import { startTestServer, type TestServer } from './helpers/serve';

const TEXT_087 = readFileSync(join(DATA_DIR, '2021', '087.yaml'), 'utf8');
let t: TestServer;
const sheetPath = (n: string) => join(t.dataDir, '2021', `${n}.yaml`);

beforeAll(async () => {
  const rolled = bundledSheet('089');
  rolled.review = ['results.achievements'];
  t = await startTestServer({ '087.yaml': TEXT_087, '088.yaml': bundledSheet('088'), '089.yaml': rolled });
});
afterAll(() => t.close());

describe('GET /api/years/<year>/sheets', () => {
  it('lists every sheet with its counts, as sheetbook status does', async () => {
    const res = await t.request('GET', '/api/years/2021/sheets');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const list = res.json;
    expect(list.year).toBe(2021);
    expect(list.issueDate).toBe('2022-10-01');
    expect(list.sheets.map((s: any) => s.key)).toEqual(['087', '088', '089']);
    const s089 = list.sheets[2];
    expect(s089).toMatchObject({ number: 89, name: bundledSheet('089').name, department: bundledSheet('089').department, review: 1, doubts: 0, changedSincePublish: null });
    expect(s089.errors).toBeGreaterThan(0);
    expect(Date.parse(s089.savedAt)).not.toBeNaN();
    // The same code as the command line.
    const status = runStatus({ departments: [], format: 'json', dataDir: t.dataDir }, 2021);
    expect(status.sheets.map(({ file: _f, ...s }) => s)).toEqual(list.sheets.map(({ file: _f, ...s }: any) => s));
  });

  it('says when a year has no folder', async () => {
    const res = await t.request('GET', '/api/years/2030/sheets');
    expect(res.status).toBe(404);
    expect(res.json.message).toContain('2030年度のフォルダがありません');
  });
});

describe('GET /api/sheets/<year>/<number>', () => {
  it('gives the data, the findings of validate and the fit of each box, with the file\'s SHA-256 as its ETag', async () => {
    const res = await t.request('GET', '/api/sheets/2021/088');
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual(bundledSheet('088'));
    const { createHash } = await import('node:crypto');
    expect(res.headers.etag).toBe(`"${createHash('sha256').update(readFileSync(sheetPath('088'))).digest('hex')}"`);
    const cli = validateFiles({ paths: [sheetPath('088')], dataDir: t.dataDir });
    expect(res.json.findings.map((f: any) => f.message)).toEqual(cli.findings.map((f) => f.message));
    expect(res.json.fit['overview.activities']).toMatchObject({ state: expect.stringMatching(/^(fits|shrunk)$/), box: 'activities' });
    expect(res.json.fit['results.achievements'].fontSize).toBeGreaterThan(0);
  });

  it('accepts the number written with or without leading zeros, and refuses one that has no sheet', async () => {
    expect((await t.request('GET', '/api/sheets/2021/88')).status).toBe(200);
    const missing = await t.request('GET', '/api/sheets/2021/099');
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe('2021年度のシート 099 はありません。');
  });
});

describe('POST /api/check', () => {
  it('gives validate\'s findings for unsaved values, at the field, within the sheet as it would be saved', async () => {
    const data = parse(TEXT_087);
    data.costs.settled['2020'] = '24,857円';
    const res = await t.request('POST', '/api/check/2021/087', { body: { data } });
    expect(res.status).toBe(200);
    const finding = res.json.findings.find((f: any) => f.path.join('.') === 'costs.settled.2020');
    expect(finding).toMatchObject({ severity: 'error', labels: ['コストの推移', '決算額', '令和2年度'] });
    expect(finding.message).toContain('数値を入力してください（"24,857円" は数値ではありません）');
    expect(finding.message).toContain('24857 と書いてください');
    // Same words as validate on that file.
    const copy = join(t.outDir, '087.yaml');
    writeFileSync(copy, TEXT_087.replace('2020: 24857', '2020: "24,857円"'));
    expect(validateFiles({ paths: [copy], dataDir: t.dataDir }).findings.map((f) => f.message)).toContain(finding.message);
    // Nothing was written.
    expect(readFileSync(sheetPath('087'), 'utf8')).toBe(TEXT_087);
  });

  it('tells how full a box is as the text grows: fits, then printed smaller, then does not fit', async () => {
    const states: string[] = [];
    let last: any;
    for (let n = 10; n <= 80 && states.at(-1) !== 'overflow'; n += 5) {
      const data = parse(TEXT_087);
      data.results.achievements = 'とても長い成果の文章。'.repeat(n);
      const res = await t.request('POST', '/api/check/2021/087', { body: { data } });
      last = res.json.fit['results.achievements'];
      if (states.at(-1) !== last.state) states.push(last.state);
      expect(res.json.fit['overview.target'].state).toBe('fits');
    }
    expect(states).toEqual(['fits', 'shrunk', 'overflow']);
    expect(last.message).toContain('枠に収まりません');
  });
});

describe('POST /api/preview', () => {
  it('draws the two pages of unsaved values with the same pipeline', async () => {
    const data = parse(TEXT_087);
    data.overview.target = '見本のための新しい対象';
    const res = await t.request('POST', '/api/preview/2021/087', { body: { data } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-findings']).toBe('0');
    const pdf = await parsePdf(res.body);
    expect(pdf.pages).toHaveLength(2);
    expect(squash(pdf.pages[0])).toContain('見本のための新しい対象');
  });

  it('still draws a sheet with errors, the other values as written', async () => {
    const data = parse(TEXT_087);
    data.costs.settled['2020'] = '24,857円';
    data.review = ['results.achievements'];
    data.overview.target = '誤りがあっても見本は描く';
    const res = await t.request('POST', '/api/preview/2021/087', { body: { data } });
    expect(res.status).toBe(200);
    expect(Number(res.headers['x-findings'])).toBeGreaterThanOrEqual(2);
    const pdf = await parsePdf(res.body);
    expect(pdf.pages).toHaveLength(2);
    expect(squash(pdf.pages[0])).toContain('誤りがあっても見本は描く');
  });
});

describe('POST /api/preview of a figure the schema refuses', () => {
  it('leaves its cell blank, never a 0 the person did not write', async () => {
    const page1 = async (settled2020: unknown) => {
      const data = parse(TEXT_087);
      data.costs.settled['2020'] = settled2020;
      const res = await t.request('POST', '/api/preview/2021/087', { body: { data } });
      expect(res.status).toBe(200);
      return squash((await parsePdf(res.body)).pages[0]);
    };
    const written = await page1(13579);
    expect(written).toContain('13,579');
    // The refused value's cell prints nothing: the page is the written one without that figure.
    expect(await page1('24,857円')).toBe(written.replace('13,579', ''));
  });

  it('leaves 人件費計 blank too where it is computed from a refused rate', () => {
    const workspace = openWorkspace(DATA_DIR);
    const data = parse(TEXT_087);
    delete data.costs.personnelCost['2021'];
    data.costs.staffRatio['2021'] = '1.5人';
    data.costs.settled['2019'] = '31,521';
    const draft = draftSheet('087.yaml', workspace, Buffer.from(stringify(data)), { fiscalYear: 2021, number: 87 });
    const column = costYears(2021).indexOf(2021);
    expect(draft.view!.costTable.staffRatio[column]).toBe('');
    expect(draft.view!.costTable.personnelCost[column]).toBe('');
    expect(draft.view!.costTable.settled[costYears(2021).indexOf(2019)]).toBe('');
    // The figures written stay as written.
    expect(draft.view!.costTable.settled[costYears(2021).indexOf(2020)]).toBe('24,857');
    expect(draft.view!.costTable.staffRatio[costYears(2021).indexOf(2020)]).toBe('1.00');
  });
});

describe('POST /api/preview of a sheet the schema refuses in many places', () => {
  it('still draws two pages, each refused value left blank', async () => {
    const data = parse(TEXT_087);
    data.fiscalYear = '令和3年度';
    delete data.overview;
    data.indicators[0].unknownKey = 1;
    data.indicators[1].target = [1, 2];
    data.sdgs = 'nine';
    data.evaluation.progress.score = 9;
    data.costs.budget = { R2: 5 };
    data.name = '誤りだらけでも描く';
    const check = await t.request('POST', '/api/check/2021/087', { body: { data } });
    expect(check.json.findings.filter((f: any) => f.severity === 'error').length).toBeGreaterThanOrEqual(6);
    const res = await t.request('POST', '/api/preview/2021/087', { body: { data } });
    expect(res.status, res.text).toBe(200);
    const pdf = await parsePdf(res.body);
    expect(pdf.pages).toHaveLength(2);
    expect(squash(pdf.pages[0])).toContain('誤りだらけでも描く');
  });
});

describe('POST /api/preview of text that cannot fit', () => {
  it('draws the pages as they come (more than two), the finding saying so', async () => {
    const data = parse(TEXT_087);
    data.overview.target = 'い'.repeat(3000);
    data.results.achievements = 'あ'.repeat(3000);
    const res = await t.request('POST', '/api/preview/2021/087', { body: { data } });
    expect(res.status, res.text).toBe(200);
    expect(Number(res.headers['x-pages'])).toBeGreaterThan(2);
    expect((await parsePdf(res.body)).pages.length).toBe(Number(res.headers['x-pages']));
    const check = await t.request('POST', '/api/check/2021/087', { body: { data } });
    expect(check.json.fit['results.achievements'].state).toBe('overflow');
    // The target is longer than the schema allows (200): drawn blank, so how full its box is is not told.
    expect(check.json.fit['overview.target']).toBeUndefined();
  });
});

describe('PUT /api/sheets/<year>/<number>', () => {
  it('saves over the version loaded and answers with the new ETag and findings', async () => {
    const got = await t.request('GET', '/api/sheets/2021/088');
    const data = got.json.data;
    data.overview.target = '保存した対象';
    const res = await t.request('PUT', '/api/sheets/2021/088', { body: { data }, headers: { 'If-Match': got.headers.etag as string } });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(res.json.etag);
    expect(res.json.etag).not.toBe(got.headers.etag);
    expect(parse(readFileSync(sheetPath('088'), 'utf8')).overview.target).toBe('保存した対象');
    expect(Array.isArray(res.json.findings)).toBe(true);
  });

  it('takes the sheet itself as the body too, as scripts send it (no { "data": … } around it)', async () => {
    const got = await t.request('GET', '/api/sheets/2021/088');
    const sheet = got.json.data;
    sheet.overview.target = '素のシートで保存した対象';
    const res = await t.request('PUT', '/api/sheets/2021/088', { body: sheet, headers: { 'If-Match': got.headers.etag as string } });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(res.json.etag);
    expect(parse(readFileSync(sheetPath('088'), 'utf8')).overview.target).toBe('素のシートで保存した対象');
    const preview = await t.request('POST', '/api/preview/2021/088', { body: { ...sheet, name: '素のシートの見本' } });
    expect(preview.status).toBe(200);
    expect(preview.headers['content-type']).toBe('application/pdf');
    expect(squash((await parsePdf(preview.body)).pages[0])).toContain('素のシートの見本');
    const check = await t.request('POST', '/api/check/2021/088', { body: { ...sheet, name: '' } });
    expect(check.status).toBe(200);
    expect(check.json.findings.some((f: { path: string[] }) => f.path.join('.') === 'name')).toBe(true);
    // As it was, for the tests after this one.
    sheet.overview.target = '保存した対象';
    const back = await t.request('PUT', '/api/sheets/2021/088', { body: { data: sheet }, headers: { 'If-Match': res.json.etag } });
    expect(back.status).toBe(200);
  });

  it('refuses a body that is neither a sheet nor { "data": sheet } (400), changing nothing', async () => {
    const got = await t.request('GET', '/api/sheets/2021/088');
    const before = readFileSync(sheetPath('088'));
    const res = await t.request('PUT', '/api/sheets/2021/088', { body: { data: 'これはシートではありません' }, headers: { 'If-Match': got.headers.etag as string } });
    expect(res.status).toBe(400);
    expect(res.json.message).toContain('data');
    expect(readFileSync(sheetPath('088'))).toEqual(before);
  });

  it('refuses without If-Match (428), changing nothing', async () => {
    const before = readFileSync(sheetPath('088'));
    const res = await t.request('PUT', '/api/sheets/2021/088', { body: { data: bundledSheet('088') } });
    expect(res.status).toBe(428);
    expect(res.json.message).toContain('If-Match');
    expect(readFileSync(sheetPath('088'))).toEqual(before);
  });

  it('refuses when the file changed on disk since it was loaded (412), with the file as it is now', async () => {
    const got = await t.request('GET', '/api/sheets/2021/088');
    // A colleague (or git pull) changes the file meanwhile.
    const theirs = readFileSync(sheetPath('088'), 'utf8').replace('保存した対象', '同僚が書いた対象');
    writeFileSync(sheetPath('088'), theirs);
    const data = got.json.data;
    data.overview.purpose = '自分の変更';
    const res = await t.request('PUT', '/api/sheets/2021/088', { body: { data }, headers: { 'If-Match': got.headers.etag as string } });
    expect(res.status).toBe(412);
    expect(res.json.message).toContain('書き換えました。保存していません');
    expect(res.json.disk.data.overview.target).toBe('同僚が書いた対象');
    const { createHash } = await import('node:crypto');
    expect(res.json.disk.etag).toBe(`"${createHash('sha256').update(theirs).digest('hex')}"`);
    expect(readFileSync(sheetPath('088'), 'utf8')).toBe(theirs);
    // Saving again over what is on disk now works.
    const retry = await t.request('PUT', '/api/sheets/2021/088', { body: { data }, headers: { 'If-Match': res.json.disk.etag } });
    expect(retry.status).toBe(200);
  });

  it('saves a sheet with errors as a draft, and the list shows its errors', async () => {
    const got = await t.request('GET', '/api/sheets/2021/087');
    const data = got.json.data;
    data.costs.settled['2020'] = '24,857円';
    const res = await t.request('PUT', '/api/sheets/2021/087', { body: { data }, headers: { 'If-Match': got.headers.etag as string } });
    expect(res.status).toBe(200);
    expect(res.json.findings.some((f: any) => f.severity === 'error' && f.path.join('.') === 'costs.settled.2020')).toBe(true);
    expect(parse(readFileSync(sheetPath('087'), 'utf8')).costs.settled['2020']).toBe('24,857円');
    const list = await t.request('GET', '/api/years/2021/sheets');
    expect(list.json.sheets[0].errors).toBeGreaterThan(0);
    expect(list.json.sheets[0].firstError).toContain('数値を入力してください');
    writeFileSync(sheetPath('087'), TEXT_087);
  });

  it('notices a change on disk that keeps the time stamp (the version is the content, not the clock)', async () => {
    const got = await t.request('GET', '/api/sheets/2021/087');
    const { mtime } = await import('node:fs').then((fs) => fs.statSync(sheetPath('087')));
    writeFileSync(sheetPath('087'), TEXT_087.replace('情報化推進事業', '情報化推進事業（改）'));
    utimesSync(sheetPath('087'), mtime, mtime);
    const res = await t.request('PUT', '/api/sheets/2021/087', { body: { data: got.json.data }, headers: { 'If-Match': got.headers.etag as string } });
    expect(res.status).toBe(412);
    writeFileSync(sheetPath('087'), TEXT_087);
  });
});

describe('POST /api/years/<year>/sheets', () => {
  it('makes a new sheet as sheetbook new does, and never over one that exists', async () => {
    const res = await t.request('POST', '/api/years/2021/sheets', { body: { number: 92, department: '総務部', division: '総務課' } });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ number: 92, key: '092' });
    const made = readFileSync(sheetPath('092'), 'utf8');
    expect(made.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=/);
    expect(parse(made)).toMatchObject({ number: 92, fiscalYear: 2021, department: '総務部', division: '総務課' });
    // A blank sheet is all errors (nothing written yet), and still previews as two pages.
    const got = await t.request('GET', '/api/sheets/2021/092');
    const preview = await t.request('POST', '/api/preview/2021/092', { body: { data: got.json.data } });
    expect(preview.status, preview.text).toBe(200);
    expect((await parsePdf(preview.body)).pages).toHaveLength(2);
    const again = await t.request('POST', '/api/years/2021/sheets', { body: { number: 92 } });
    expect(again.status).toBe(409);
    expect(again.json.message).toContain('既にあります。上書きはしません');
    expect(readFileSync(sheetPath('092'), 'utf8')).toBe(made);
  });
});

describe('the city\'s data', () => {
  it('is read again when its files change while the server runs; an error in them is shown, not guessed around', async () => {
    const cityFile = join(t.dataDir, 'city.yaml');
    const city = readFileSync(cityFile, 'utf8');
    writeFileSync(cityFile, city.replace('issueDate: 2022-10-01', 'issueDate: 2022-02-30'));
    const broken = await t.request('GET', '/api/years/2021/sheets');
    expect(broken.status).toBe(503);
    expect(broken.json.message).toContain('city.yaml');
    expect(broken.json.message).toContain('2022-02-30');
    writeFileSync(cityFile, city.replace('issueDate: 2022-10-01', 'issueDate: 2022-10-03'));
    const fixed = await t.request('GET', '/api/years/2021/sheets');
    expect(fixed.status).toBe(200);
    expect(fixed.json.issueDate).toBe('2022-10-03');
    writeFileSync(cityFile, city);
  });
});

describe('a sheet with a YAML syntax error', () => {
  it('is shown with its findings and checked, but not saved over (the person fixes the file itself)', async () => {
    const broken = TEXT_087.replace('  target: 市職員', '  target: 市職員\n   purpose: [ずれた行');
    writeFileSync(sheetPath('094'), broken.replace('number: 87', 'number: 94'));
    const got = await t.request('GET', '/api/sheets/2021/094');
    expect(got.status).toBe(200);
    expect(got.json.findings[0].severity).toBe('error');
    const data = parse(TEXT_087.replace('number: 87', 'number: 94'));
    const check = await t.request('POST', '/api/check/2021/094', { body: { data } });
    expect(check.status).toBe(200);
    const put = await t.request('PUT', '/api/sheets/2021/094', { body: { data }, headers: { 'If-Match': got.headers.etag as string } });
    expect(put.status).toBe(409);
    expect(put.json.message).toContain('YAML の書き方に誤りがある');
    expect(readFileSync(sheetPath('094'), 'utf8')).toBe(broken.replace('number: 87', 'number: 94'));
  });
});
