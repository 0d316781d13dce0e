// A box's width follows from the template's cell that prints it (src/pipeline/box-places.ts): move the cell and the
// box is fitted to its new width; a box of layout.yaml that no cell prints, or one box in cells of two widths, is
// refused when the workspace opens, in Japanese, naming the template and the box.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FitNote } from '../src/pipeline/fit';
import { openWorkspace } from '../src/pipeline/sheet';

const ROOT = join(__dirname, '..');
const DATA = join(ROOT, 'data');

/** A copy of templates/ whose 概要 table (partials/overview.hbs) is edited by `edit`. */
function templatesWith(edit: (overview: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sheetbook-box-places-'));
  cpSync(join(ROOT, 'templates'), dir, { recursive: true });
  const file = join(dir, 'partials', 'overview.hbs');
  const source = readFileSync(file, 'utf8');
  const edited = edit(source);
  expect(edited).not.toBe(source);
  writeFileSync(file, edited);
  return dir;
}

const PURPOSE_ROW = '[ { "text": {{label "overview.purpose"}}, "style": "label" }, { {{> box value=sheet.overview.purpose}} } ]';

describe('box places: read from the templates', () => {
  it('a box whose cell moves to span both columns is fitted to the wider cell', () => {
    const standard = openWorkspace(DATA);
    const { layout } = standard.templates;
    const [label, text] = layout.tables.overview.widths!;
    const ruling = layout.tableLayouts[layout.tables.overview.layout];
    expect(standard.fitter.places.get('purpose')!.width).toBe(text);

    const wide = openWorkspace(DATA, templatesWith((s) => s.replace(PURPOSE_ROW, '[ { {{> box value=sheet.overview.purpose}}, "colSpan": 2 }, {} ]')));
    const width = label + text + ruling.padding[0] + ruling.padding[2] + ruling.lineWidth;
    expect(wide.fitter.places.get('purpose')!.width).toBeCloseTo(width, 9);
    expect(wide.fitter.places.get('target')!.width).toBe(text);

    // A text that shrinks in the standard cell fits the wider one at the standard size.
    const fit = (workspace: typeof standard) => {
      const notes: FitNote[] = [];
      const fitted = workspace.fitter.fitBox({ box: 'purpose', text: 'あ'.repeat(Math.floor((text / 8) * 3.3)), field: ['overview', 'purpose'] }, notes);
      return fitted.fontSize;
    };
    expect(fit(standard)).toBeLessThan(layout.fontSize.body);
    expect(fit(wide)).toBe(layout.fontSize.body);
  });

  it('a box of layout.yaml that no cell prints is refused, naming the box', () => {
    const dir = templatesWith((s) => s.replace('{ {{> box value=sheet.overview.purpose}} }', '{ "text": "" }'));
    expect(() => openWorkspace(DATA, dir)).toThrow(/templates\/layout\.yaml の boxes の「purpose」を印刷する欄がテンプレート/);
  });

  it('one box in cells of two widths is refused, naming the template and the box', () => {
    const dir = templatesWith((s) =>
      s
        .replace(PURPOSE_ROW, '[ { {{> box value=sheet.overview.purpose}}, "colSpan": 2 }, {} ]')
        .replace('{{> box value=sheet.overview.activities}}', '{{> box value=sheet.overview.purpose}}'),
    );
    expect(() => openWorkspace(DATA, dir)).toThrow(/^templates\/sheet\.hbs: 枠「purpose」が幅の違う欄に置かれています/);
  });
});
