// pdfmake may read nothing but the fonts it is given: no file, no URL.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openWorkspace } from '../src/pipeline/sheet';
import { renderPages } from '../src/pipeline/render';

const workspace = openWorkspace(join(__dirname, '../data'));
const page = (content: unknown[]) => ({ pageSize: 'A4', pageMargins: [28, 28, 28, 28], defaultStyle: { font: 'BIZUDPGothic' }, content });

it('refuses to read a local file a layout definition points to', () => {
  expect(() => renderPages(page([{ image: join(__dirname, '../README.md') }]), workspace.templates.layout, workspace.fontSet)).toThrow('denied by resource access policy');
});

it('refuses a URL instead of fetching it', () => {
  expect(() => renderPages(page([{ image: 'https://example.invalid/logo.png' }]), workspace.templates.layout, workspace.fontSet)).toThrow('denied by resource access policy');
});

it('draws text with the shared, embedded font', () => {
  const rendered = renderPages(page([{ text: '事務事業' }]), workspace.templates.layout, workspace.fontSet);
  expect(rendered.pages).toHaveLength(1);
  // The page keeps the glyphs it shows; what they stand for is the font's to say.
  const text = workspace.fontSet.byId('F1').text;
  expect([...rendered.glyphs.F1].map((id) => text.charactersOf(id)).sort()).toEqual(['事', '務', '業'].sort());
});
