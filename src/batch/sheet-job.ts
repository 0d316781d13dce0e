// One sheet's whole journey short of the file: check it, and when it has no errors, render its pages.
// The unit of work that is cached and handed to worker threads.
import { checkSheet, renderSheet, type Workspace } from '../pipeline/sheet';
import type { RenderedDocument } from '../pdf/pages';
import type { Finding } from '../model/types';
import type { Sheet } from '../model/form';

/** What the booklet's contents and bookmarks need to know of a sheet. */
export interface SheetEntry {
  number: number;
  name: string;
  department: string;
  division: string;
}

export interface SheetResult {
  file: string;
  findings: Finding[];
  entry?: SheetEntry;
  rendered?: RenderedDocument & { info: { title: string; author: string; subject: string } };
  /** True when taken from the cache instead of being checked and rendered again. */
  reused?: boolean;
  /** The render cache's key for this sheet as it is now (absent when run without a cache). */
  key?: string;
  /** The checked sheet (small, so the cache keeps it): what the year's 評価結果一覧 is made from. */
  sheet?: Sheet;
}

/** Check only: the findings, as `sheetbook validate` reports them. */
export function checkOnly(file: string, workspace: Workspace): SheetResult {
  return { file, findings: checkSheet(file, workspace).findings };
}

export function processSheet(file: string, workspace: Workspace): SheetResult {
  workspace.fontSet.trimCaches();
  const checked = checkSheet(file, workspace);
  if (!checked.sheet || !checked.view) return { file, findings: checked.findings };
  try {
    const rendered = renderSheet(workspace, checked.view);
    const s = checked.sheet;
    return {
      file,
      findings: checked.findings,
      entry: { number: s.number, name: s.name, department: s.department, division: s.division },
      rendered,
      sheet: s,
    };
  } catch (error) {
    const message = `PDF を作れませんでした: ${(error as Error)?.message ?? error}`;
    return { file, findings: [...checked.findings, { file, line: 1, column: 1, severity: 'error', labels: [], message, path: [] }] };
  }
}
