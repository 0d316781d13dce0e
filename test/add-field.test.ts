// Issue 20: adding a field to the form is the schema plus one template cell. Here a copy of the schema gains
// 事業の概要 › 受益者 (`overview.beneficiaries`) and a copy of the templates one row for it; nothing else changes,
// and the field is validated, printed, exported and read back from the PDF (import).
// Run from the sources (vitest), which compile the validator from the schema they import, so the mocked schema is
// the one every stage reads.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../src/model/sheet.schema.json', async (importOriginal) => {
  const original = (await importOriginal()) as { default?: object };
  const schema = structuredClone((original.default ?? original) as any);
  const overview = schema.properties.overview.properties;
  // After 対象, in the form's order: properties keep their insertion order.
  const { target, ...rest } = overview;
  schema.properties.overview.properties = {
    target,
    beneficiaries: { type: 'string', title: '受益者', maxLength: 200, pattern: '^[^\\n\\r]*$', 'x-box': 'target', 'x-openData': { key: 'beneficiaries' } },
    ...rest,
  };
  return { default: schema, ...schema };
});

import { runImport } from '../src/commands/import.runner';
import { openDataColumns, openDataRow, toCsv } from '../src/interchange/open-data';
import { FORM_FIELDS } from '../src/model/form';
import { personnelCosts } from '../src/pipeline/derive';
import { checkSheet, openWorkspace, renderSheet, sheetPdf } from '../src/pipeline/sheet';
import { bundledSheet, makeDataDir } from './helpers/data';
import { parsePdf } from './helpers/pdf';

const ROOT = join(__dirname, '..');

/** The bundled templates, with one row for the new field under 対象 (the box of 対象, one line). */
function templatesWithTheField(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sheetbook-add-field-'));
  cpSync(join(ROOT, 'templates'), dir, { recursive: true });
  const file = join(dir, 'partials', 'overview.hbs');
  const row = '      [ { "text": {{label "overview.target"}}, "style": "label" }, { {{> box value=sheet.overview.target}} } ],\n';
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(row);
  writeFileSync(
    file,
    text
      .replace(row, `${row}      [ { "text": {{label "overview.beneficiaries"}}, "style": "label" }, { {{> box value=sheet.overview.beneficiaries}} } ],\n`)
      .replace('"heights": [ "auto", ', '"heights": [ "auto", "auto", '),
  );
  return dir;
}

function sheetWith(beneficiaries: unknown): Record<string, unknown> {
  const sheet = bundledSheet('087');
  return { ...sheet, overview: { ...sheet.overview, beneficiaries } };
}

describe('a field added to the schema and one template cell', () => {
  it('is a field of the form, in its place', () => {
    const paths = FORM_FIELDS.map((f) => f.path.join('.'));
    expect(paths.indexOf('overview.beneficiaries')).toBe(paths.indexOf('overview.target') + 1);
  });

  it('is validated: a number there is refused, named by its title', () => {
    const dataDir = makeDataDir({ '087.yaml': sheetWith(42) });
    const workspace = openWorkspace(dataDir, templatesWithTheField());
    const checked = checkSheet(join(dataDir, '2021', '087.yaml'), workspace);
    expect(checked.view).toBeUndefined();
    expect(checked.findings.map((f) => [f.labels.join(' › '), f.severity])).toContainEqual(['事業の概要 › 受益者', 'error']);
  });

  it('is printed under its label, exported under its key and title, and read back from the PDF', async () => {
    const dataDir = makeDataDir({ '087.yaml': sheetWith('市内の中小企業') });
    const workspace = openWorkspace(dataDir, templatesWithTheField());
    const checked = checkSheet(join(dataDir, '2021', '087.yaml'), workspace);
    expect(checked.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const pdf = sheetPdf(workspace, renderSheet(workspace, checked.view!), 2021);
    const { text } = await parsePdf(pdf);
    expect(text).toMatch(/受益者\s*市内の中小企業/);

    const columns = openDataColumns(2021);
    const at = columns.findIndex((c) => c.key === 'beneficiaries');
    expect(columns[at]?.header).toBe('受益者');
    expect(columns[at - 1]?.key).toBe('division');
    const sheet = checked.sheet!;
    const csv = toCsv([openDataRow(columns, sheet, personnelCosts(sheet, workspace.city))]).toString('utf8');
    expect(csv).toContain(',受益者,');
    expect(csv).toContain(',市内の中小企業,');

    // Read back from the PDF, as `import` does.
    const file = join(mkdtempSync(join(tmpdir(), 'sheetbook-add-field-pdf-')), '087.pdf');
    writeFileSync(file, pdf);
    const target = mkdtempSync(join(tmpdir(), 'sheetbook-add-field-import-'));
    const imported = await runImport({ files: [file], dataDir: target }, () => {});
    expect(imported.sheets[0]?.sheet.overview).toMatchObject({ target: sheet.overview.target, beneficiaries: '市内の中小企業' });
  });
});
