// 事業分類 offers the city's usual values (the schema's x-choices): the editor shows them as a select, a value not
// in the list is kept as written and warned about, with the standard spelling suggested (issue 21).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { standardChoicesOf, standardSpelling } from '../src/model/form';
import { checkData, openWorkspace } from '../src/pipeline/sheet';
import { formView } from '../src/server/form-view';
import { readFileSync } from 'node:fs';
import { DATA_DIR, makeDataDir } from './helpers/data';

const text = (number: string) => readFileSync(join(DATA_DIR, '2021', `${number}.yaml`), 'utf8');

const STANDARD = ['自治事務（任意）', '自治事務（義務）', '法定受託事務'];

describe('事業分類: the standard values', () => {
  it('are read from the schema', () => {
    expect(standardChoicesOf(['category'])).toEqual(STANDARD);
    expect(standardSpelling(['category'], '自治事務(任意)')).toBe('自治事務（任意）');
    expect(standardSpelling(['category'], ' 法定受託事務 ')).toBe('法定受託事務');
    expect(standardSpelling(['category'], '独自の分類')).toBeUndefined();
  });

  it('make the editor a select, with a blank first', () => {
    const workspace = openWorkspace(DATA_DIR);
    const view = formView(2021, workspace.city, workspace.templates.layout.boxes as never);
    const field = view.sections.flatMap((s) => s.fields).find((f) => f.path.join('.') === 'category')!;
    expect(field.kind).toBe('choice');
    expect(field.choices!.map((c) => c.value)).toEqual(['', ...STANDARD]);
  });

  it('warn about a value not in the list, suggesting the standard spelling, and keep it', () => {
    const dir = makeDataDir({ '089.yaml': text('089'), '087.yaml': text('087').replace(/^category: .*$/m, 'category: 独自の分類') });
    const workspace = openWorkspace(dir);
    const ascii = checkData(join(dir, '2021', '089.yaml'), workspace);
    const warning = ascii.findings.find((f) => f.path.join('.') === 'category')!;
    expect(warning).toMatchObject({ severity: 'warning', line: 17 });
    expect(warning.message).toContain('「自治事務(任意)」');
    expect(warning.message).toContain('「自治事務（任意）」');
    expect(ascii.sheet?.category).toBe('自治事務(任意)');
    const other = checkData(join(dir, '2021', '087.yaml'), workspace).findings.find((f) => f.path.join('.') === 'category')!;
    expect(other.severity).toBe('warning');
    expect(other.message).toContain(STANDARD.join('、'));
    const standard = checkData(join(DATA_DIR, '2021', '087.yaml'), openWorkspace(DATA_DIR)).findings.filter((f) => f.path[0] === 'category');
    expect(standard).toEqual([]);
  });
});
