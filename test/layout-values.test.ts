// The layout stage puts values into the document as they are (src/pipeline/layout.ts): the templates' JSON is the
// document's shape, read once per shape; no value is written out as JSON text and read back. What a person wrote
// reaches pdfmake unchanged, whatever it contains, and each document is its own copy.
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { layoutSheet } from '../src/pipeline/layout';
import { checkSheet, openWorkspace } from '../src/pipeline/sheet';
import { DATA_DIR } from './helpers/data';

const workspace = openWorkspace(DATA_DIR);
const prepared = (n: string) => {
  const sheet = checkSheet(join(DATA_DIR, '2021', `${n}.yaml`), workspace);
  if (!sheet.view) throw new Error(`${n} does not check`);
  return sheet.view;
};

/** Every string of a document, in order. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('layoutSheet', () => {
  it('reads the shape of a sheet once: the next sheet of that shape writes and reads no JSON', () => {
    const first = layoutSheet(workspace.templates, prepared('087'), workspace.city);
    const parse = vi.spyOn(JSON, 'parse');
    const stringify = vi.spyOn(JSON, 'stringify');
    const again = layoutSheet(workspace.templates, prepared('087'), workspace.city);
    expect(parse).not.toHaveBeenCalled();
    expect(stringify).not.toHaveBeenCalled();
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });

  it('gives each document its own copy: what pdfmake writes into one is not in the next, nor in the view', () => {
    const view = prepared('088');
    const runsBefore = JSON.stringify(view.overview.purpose.runs);
    const doc = layoutSheet(workspace.templates, view, workspace.city);
    doc.content[0].text = '書き換え';
    doc.pageMargins[0] = 999;
    const next = layoutSheet(workspace.templates, view, workspace.city);
    expect(next.content[0].text).not.toBe('書き換え');
    expect(next.pageMargins[0]).toBe(workspace.templates.layout.page.margins[0]);
    expect(workspace.templates.layout.page.margins[0]).not.toBe(999);
    expect(JSON.stringify(view.overview.purpose.runs)).toBe(runsBefore);
  });

  it('puts a value in as written, even one that looks like a value\'s place or like JSON', () => {
    const view = prepared('089');
    const tricky = ['\u0000sheetbook:0', '"}, {"text": "x', '\\u0000sheetbook:1', '{{json sheet.name}}'];
    const written = (box: typeof view.projectName, text: string) => ({ ...box, text, runs: [text] });
    const [purpose, target, content, name] = tricky;
    view.overview = { ...view.overview, purpose: written(view.overview.purpose, purpose), target: written(view.overview.target, target), activities: written(view.overview.activities, content) };
    view.projectName = written(view.projectName, name);
    const doc = layoutSheet(workspace.templates, view, workspace.city);
    const texts = strings(doc);
    for (const text of tricky) expect(texts.filter((t) => t === text)).toHaveLength(text === name ? 3 : 1);
    // The document is plain data, as it would be had the values gone through JSON.
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
