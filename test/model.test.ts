// Issue 9: one model of the form. The schema is the one description of a sheet: its types are generated from it,
// the facts about each field are its annotations, and the stages read them from src/model/form.ts.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runExport } from '../src/commands/export.runner';
import { packageVersion, SHAPING_LIBRARIES } from '../src/batch/cache';
import { eraShortLabel, eraYearLabel, eraYearText, fiscalYearOf, japaneseDate, parseEraYear, parseEraYearLabel } from '../src/model/era';
import { BOXED_FIELDS, EVALUATION_ITEMS, FORM_FIELDS, isReviewEntry, MUST_FILL, REWRITE_EVERY_YEAR, boxOf, officialLabel } from '../src/model/form';
import { deriveSheetView } from '../src/pipeline/derive';
import { checkData, openWorkspace } from '../src/pipeline/sheet';
import { loadTemplates } from '../src/pipeline/layout';
import { bundledSheet, DATA_DIR, makeDataDir } from './helpers/data';
import { parsePdf } from './helpers/pdf';

/** The text of bundled sheet 087 as the command line prints it. */
async function renderBundled(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'sheetbook-labels-'));
  const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'build', '087', '--data', makeDataDir({ '087.yaml': bundledSheet('087') }), '--out', out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return (await parsePdf(readFileSync(join(out, '2021', '087.pdf')))).text;
}

const ROOT = resolve(__dirname, '..');
const layout = parse(readFileSync(join(ROOT, 'templates/layout.yaml'), 'utf8'));

describe('the types of a sheet', () => {
  it('are generated from sheet.schema.json and cannot drift from it', async () => {
    const { generate, OUTPUT } = require('../src/build/generate-types.js');
    expect(readFileSync(OUTPUT, 'utf8')).toBe(await generate());
    const { boxedFieldsType, BOXED_FIELDS_OUTPUT } = require('../src/build/generate-types.js');
    expect(readFileSync(BOXED_FIELDS_OUTPUT, 'utf8')).toBe(boxedFieldsType());
  });

  it('give the schema of the standard sentences, generated from the evaluation items of the sheet', () => {
    const { evaluationSentencesSchema, EVALUATION_SENTENCES_OUTPUT } = require('../src/build/generate-types.js');
    expect(readFileSync(EVALUATION_SENTENCES_OUTPUT, 'utf8')).toBe(evaluationSentencesSchema());
    const generated = JSON.parse(evaluationSentencesSchema());
    expect(Object.keys(generated.properties)).toEqual(EVALUATION_ITEMS);
    expect(generated.properties.priority.title).toBe('優先度');
    // A fifth item in the sheet's schema is a fifth map of sentences, with no other file to change.
    const sheet = JSON.parse(readFileSync(join(ROOT, 'src/model/sheet.schema.json'), 'utf8'));
    sheet.properties.evaluation.properties.efficiency = { $ref: '#/$defs/evaluationItem', title: '効率性' };
    expect(JSON.parse(evaluationSentencesSchema(sheet)).properties.efficiency).toMatchObject({ title: '効率性', propertyNames: { pattern: '^[1-5]$' } });
  });
});

describe('the annotations of the schema', () => {
  it('name boxes that templates/layout.yaml defines', () => {
    const boxed = FORM_FIELDS.filter((f) => f.node['x-box']);
    expect(boxed.length).toBeGreaterThan(20);
    for (const field of boxed) expect(layout.boxes, field.path.join('.')).toHaveProperty(field.node['x-box']!);
  });

  it('forbid line breaks in every field printed in a one-line box', () => {
    for (const field of BOXED_FIELDS.concat(FORM_FIELDS.filter((f) => f.path.includes('*') && f.node['x-box']))) {
      const oneLine = layout.boxes[field.node['x-box']!].lines === 1;
      const text = field.node.type === 'string';
      const pattern = (field.node as { pattern?: string }).pattern;
      if (oneLine && text) expect(pattern && new RegExp(pattern).test('IV-3\n2'), field.path.join('.')).toBe(false);
    }
  });

  it('list as rewritten every year only fields a review list may name', () => {
    expect(REWRITE_EVERY_YEAR.length).toBe(9);
    for (const entry of REWRITE_EVERY_YEAR) expect(isReviewEntry(entry), entry).toBe(true);
    expect(isReviewEntry('costs.settled.2022')).toBe(true);
    expect(isReviewEntry('results.achievement')).toBe(false);
  });

  it('give the evaluation items, the fields to fill in and the labels of the official text', () => {
    expect(EVALUATION_ITEMS).toEqual(['citizenNeeds', 'progress', 'cityInvolvement', 'priority']);
    expect(MUST_FILL.find((f) => f.path.join('.') === 'participation.review')?.hint).toBe('取組がなければ「—」と書きます');
    expect(officialLabel(['costs', 'budget']).test('事業費 予算額 (千円) 0 26,499')).toBe(true);
    expect(officialLabel(['overview', 'target']).test('対象 市職員')).toBe(true);
    expect(boxOf(['indicators', 3, 'description'])).toBe('indicatorDescription');
  });
});

describe('era labels, computed in one module', () => {
  it('read an era year written alone, in every era the module knows', () => {
    expect(parseEraYear('令和3')).toBe(2021);
    expect(parseEraYear('令和元年度')).toBe(2019);
    expect(parseEraYear('令和３年')).toBe(2021);
    expect(parseEraYear('平成31年度')).toBe(2019);
    expect(parseEraYear('昭和60')).toBeUndefined();
    expect(parseEraYear('2021')).toBeUndefined();
  });

  it('read back the headings they print (the title and the table headings of the official text)', () => {
    for (const year of [2019, 2021, 2028, 2018]) {
      expect([eraYearLabel(year), eraYearText(year), eraShortLabel(year)].map(parseEraYearLabel), String(year)).toEqual([year, year, year]);
    }
    expect(['令和 3', '3年度', '昭和60年度', 'R3年度', '令和 3年度 事務事業'].map(parseEraYearLabel)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('print fiscal years and dates as the city writes them', () => {
    expect([2019, 2021, 2028].map(eraYearLabel)).toEqual(['令和元年度', '令和 3年度', '令和10年度']);
    expect([2019, 2021, 2028].map(eraYearText)).toEqual(['令和元年度', '令和3年度', '令和10年度']);
    expect(eraShortLabel(2024)).toBe('R06年度');
    expect([fiscalYearOf('令和', 3), fiscalYearOf('R', 1), fiscalYearOf('平成', 30)]).toEqual([2021, 2019, 2018]);
    expect(['2019-04-30', '2019-05-01', '2022-10-01'].map(japaneseDate)).toEqual(['平成31年4月30日', '令和元年5月1日', '令和4年10月1日']);
  });
});

describe('stages are values in, values out', () => {
  it('fit returns a new, sized view and leaves the view it is given as it was', () => {
    const workspace = openWorkspace(DATA_DIR);
    const checked = checkData(join(DATA_DIR, '2021', '091.yaml'), workspace);
    const view = deriveSheetView(checked.sheet!, workspace.city);
    const before = JSON.stringify(view);
    const deepFreeze = (o: any): any => (Object.values(o).forEach((v) => v && typeof v === 'object' && deepFreeze(v)), Object.freeze(o));
    const { view: fitted } = workspace.fitter.fitView(deepFreeze(view));
    expect(JSON.stringify(view)).toBe(before);
    expect(fitted.results.achievements.fontSize).toBeGreaterThan(0);
    expect(fitted.results.achievements.runs.length).toBeGreaterThan(0);
    expect((view.results.achievements as { fontSize?: number }).fontSize).toBeUndefined();
  });

  it('reading official text loads no layout engine', () => {
    // pdfmake's own files (the checkout's folder may be called pdfmake too).
    const script = `require('./dist/interchange/official-text.js'); process.stdout.write(String(Object.keys(require.cache).some((p) => /[\\\\/]node_modules[\\\\/]pdfmake[\\\\/]/.test(p))))`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout).toBe('false');
  });

  it('export checks the data and measures no text: a sentence too long to print still exports', async () => {
    const sheet = bundledSheet('087');
    sheet.results.achievements = 'あ'.repeat(3000);
    const dataDir = makeDataDir({ '087.yaml': sheet });
    const summary = await runExport({ year: 2021, dataDir, outDir: mkdtempSync(join(tmpdir(), 'sheetbook-out-')), format: 'json' }, () => {});
    expect(summary.file).toBeDefined();
  });
});

describe('the render cache', () => {
  it('is keyed by the installed version of every library that shapes a page', () => {
    expect(SHAPING_LIBRARIES).toEqual(expect.arrayContaining(['pdfmake', 'pdfkit', 'fontkit', 'handlebars', 'yaml']));
    for (const lib of SHAPING_LIBRARIES) expect(packageVersion(lib), lib).toMatch(/^[0-9]+\.[0-9]+\.[0-9]+/);
  });
});

describe('the printed labels of the form', () => {
  const partials = join(ROOT, 'templates', 'partials');
  const templates = () => readdirSync(partials).map((f) => ({ file: f, text: readFileSync(join(partials, f), 'utf8') }));

  it('are the schema titles, through {{label}}: no title is typed again in a template', () => {
    const titles = new Set(FORM_FIELDS.map((f) => f.title));
    const typed = templates().flatMap(({ file, text }) => [...text.matchAll(/"text": "([^"]+)"/g)].map((m) => ({ file, label: m[1] })));
    expect(typed.filter(({ label }) => titles.has(label))).toEqual([]);
    const labels = templates().flatMap(({ text }) => [...text.matchAll(/\{\{label "([^"]+)"/g)].map((m) => m[1]));
    expect(labels.length).toBeGreaterThan(40);
  });

  it('print each evaluation item once, by its title, in the schema order', async () => {
    const pages = await renderBundled();
    const order = EVALUATION_ITEMS.map((item) => pages.indexOf(FORM_FIELDS.find((f) => f.path.join('.') === `evaluation.${item}`)!.title));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('refuse a template that names no field of the form, with the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sheetbook-templates-'));
    cpSync(join(ROOT, 'templates'), dir, { recursive: true });
    const file = join(dir, 'partials', 'direction.hbs');
    writeFileSync(file, readFileSync(file, 'utf8').replace('{{label "direction.reason"}}', '{{label "direction.reasons"}}'));
    expect(() => loadTemplates(dir)).toThrow(/templates\/partials\/direction\.hbs:8: .*\{\{label "direction\.reasons"\}\}: シートのスキーマ.*にない項目です/);
  });
});

describe('displayPath while servers run', () => {
  it('names files from the latest running server’s folder, and each server takes back only its own', async () => {
    const { displayPath, showPathsFrom } = await import('../src/model/report');
    const [a, b] = ['/srv/city-a', '/srv/city-b'];
    const file = (dir: string) => join(dir, 'data', '2021', '087.yaml');
    const stopA = showPathsFrom(a);
    const stopB = showPathsFrom(b);
    expect(displayPath(file(b))).toBe(join('data', '2021', '087.yaml'));
    expect(displayPath(file(a))).toBe('087.yaml'); // outside b's folder: its name alone
    stopA(); // the first server ends before the second
    expect(displayPath(file(b))).toBe(join('data', '2021', '087.yaml'));
    stopB();
    expect(displayPath(file(b))).toBe(file(b)); // from the working directory again
  });
});
