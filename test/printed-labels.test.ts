// Issue 20: no printed label is typed twice. The cost table's groups, units and head, 担当部課 and the section
// headings are the schema's (annotations), printed through template helpers; which fields are on a sheet's second
// page is the schema's too (x-page), and both the template's page break and the publication record follow it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { officialLabelPattern, pageOf, printedLabel, sectionHeading } from '../src/model/form';

const TEMPLATES = join(__dirname, '..', 'templates');
const sheetTemplates = ['sheet.hbs', ...readdirSync(join(TEMPLATES, 'partials')).map((f) => `partials/${f}`)];

describe('the sheet templates', () => {
  it('type no label: every printed text comes from the data or the schema', () => {
    for (const file of sheetTemplates) {
      const source = readFileSync(join(TEMPLATES, file), 'utf8');
      const typed = [...source.matchAll(/"text":\s*"([^"]+)"/g)].map((m) => m[1]);
      expect(typed, file).toEqual([]);
    }
  });

  it('break the page where the schema says, not by themselves', () => {
    for (const file of sheetTemplates) expect(readFileSync(join(TEMPLATES, file), 'utf8'), file).not.toContain('"pageBreak"');
  });
});

describe('the printed words in the schema', () => {
  it('are read through form.ts, the official text reading the same words', () => {
    expect(printedLabel(['department'])).toBe('担当部課');
    expect(printedLabel(['division'])).toBe('担当課');
    expect(sectionHeading(['budgetItem'])).toBe('事業の基本情報');
    expect(sectionHeading(['costs'])).toBe('コストの推移');
    const official = (path: string[]) => new RegExp(`^(?:${officialLabelPattern(path)})$`);
    expect('事業費 予算額 (千円)').toMatch(official(['costs', 'budget']));
    expect('予算額 (千円)').toMatch(official(['costs', 'budget']));
    expect('決算額 (千円)').toMatch(official(['costs', 'settled']));
    expect('内訳 決算額 (千円)').not.toMatch(official(['costs', 'settled']));
    expect('内訳 正職員従事割合 (人)').toMatch(official(['costs', 'staffRatio']));
    expect('会計年度任用職員有無 (-)').toMatch(official(['costs', 'partTimeStaff']));
    expect('項目').toMatch(official(['costs']));
    expect('担当部課').toMatch(official(['department']));
  });

  it('say which page each field prints on', () => {
    expect(pageOf(['name'])).toBe(1);
    expect(pageOf(['costs', 'settled', '2021'])).toBe(1);
    expect(pageOf(['participation', 'review'])).toBe(1);
    expect(pageOf(['indicators', 0, 'name'])).toBe(2);
    expect(pageOf(['results', 'achievements'])).toBe(2);
    expect(pageOf(['direction', 'decision'])).toBe(2);
  });
});

describe('a template asking for a word the schema lacks', () => {
  it('is refused when the templates are loaded, in Japanese, naming the file and line', async () => {
    const { cpSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { loadTemplates } = await import('../src/pipeline/layout');
    const load = (edit: (source: string) => string) => {
      const dir = join(mkdtempSync(join(tmpdir(), 'sheetbook-templates-')), 'templates');
      cpSync(TEMPLATES, dir, { recursive: true });
      const file = join(dir, 'partials', 'costs.hbs');
      writeFileSync(file, edit(readFileSync(file, 'utf8')));
      return () => loadTemplates(dir);
    };
    expect(load((s) => s.replace('{{label "costs" part="head"}}', '{{label "costs.settled" part="group"}}'))).toThrow(
      /partials\/costs\.hbs:7: テンプレートの \{\{label "costs\.settled" part="group"\}\}: シートのスキーマで、この項目に x-group がありません。/,
    );
    expect(load((s) => s.replace('{{label "costs" part="head"}}', '{{label "costs" part="title"}}'))).toThrow(/part には label、section、head、group、unit のどれかを指定してください/);
  });
});
