// The browser editor reads the server's answers through its own copy of their shapes (src/web/types.ts: the browser
// bundle takes nothing from the server's modules). This file holds the two together: `tsc -p tsconfig.test.json`
// (run by npm test) fails when the server's shapes drift from what the editor reads.
import { describe, expect, it } from 'vitest';
import type { FieldView as ServerField, FormView as ServerForm } from '../src/server/form-view';
import type { FindingView, FitView } from '../src/server/sheet-service';
import type { YearStatus } from '../src/publication/year-status';
import type { SheetDiff } from '../src/publication/sheet-diff';
import type { DiffAnswer, FieldKind, FieldView as WebField, Finding, FitEntry, FormView as WebForm, YearList } from '../src/web/types';
import { formView } from '../src/server/form-view';
import { openWorkspace } from '../src/pipeline/sheet';
import { DATA_DIR } from './helpers/data';

// Each assignment is checked by the compiler: the server's values are what the editor takes them for.
export const form: (f: ServerForm) => WebForm = (f) => f;
export const field: (f: ServerField) => WebField = (f) => f;
export const finding: (f: FindingView) => Finding = (f) => f;
export const fit: (f: FitView) => FitEntry = (f) => f;
export const year: (y: YearStatus) => YearList = (y) => y;
export const diff: (d: SheetDiff) => DiffAnswer = (d) => d;

// The kinds src/web/editor/fields.ts draws.
const DRAWN: FieldKind[] = ['text', 'line', 'number', 'choice', 'yearRow', 'list', 'slots', 'boolean', 'group'];

describe('the form the editor is given', () => {
  it('has only kinds the editor draws, and every field a label', () => {
    const workspace = openWorkspace(DATA_DIR);
    const view = formView(2021, workspace.city, workspace.templates.layout.boxes as never);
    const all: ServerField[] = [];
    const walk = (f: ServerField): void => {
      all.push(f);
      f.fields?.forEach(walk);
      if (f.item) walk(f.item);
    };
    view.sections.forEach((s) => s.fields.forEach(walk));
    expect(all.length).toBeGreaterThan(40);
    for (const f of all) {
      expect(DRAWN).toContain(f.kind);
      expect(f.label).not.toBe('');
    }
    // The choices the issue names: SDGs, evaluation points with their standard sentence, 有/無 per year.
    const at = (path: string) => all.find((f) => f.path.join('.') === path)!;
    expect(at('sdgs.*').choices?.length).toBe(17);
    expect(at('evaluation.citizenNeeds.score').choices?.some((c) => c.sentence)).toBe(true);
    expect(at('costs.partTimeStaff').choices?.map((c) => c.value)).toEqual(['有', '無']);
  });
});
