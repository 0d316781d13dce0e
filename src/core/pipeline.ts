// The pipeline as one story: load → validate → derive → layout → render. Fonts and templates are prepared once
// and shared by every sheet of a run.
import { loadCityData, type CityData } from './city';
import { deriveSheetView, PAGES_PER_SHEET } from './derive';
import { layoutSheet, loadTemplates, type Templates } from './layout';
import { checkConsistency } from './consistency';
import { loadSheetFile } from './load';
import { hasErrors } from './report';
import { renderPdf, type RenderedPdf } from './render';
import type { Finding, Sheet } from './types';
import { validateSheet } from './validate';

export interface Workspace {
  dataDir: string;
  city: CityData;
  templates: Templates;
  creationDate: Date;
}

export function openWorkspace(dataDir: string, templatesDir?: string): Workspace {
  const city = loadCityData(dataDir);
  const issued = city.issueDate ? new Date(`${city.issueDate}T00:00:00+09:00`) : new Date(Date.UTC(2000, 0, 1));
  return { dataDir, city, templates: loadTemplates(templatesDir), creationDate: issued };
}

export type CheckedSheet = { file: string; sheet?: Sheet; findings: Finding[] };

/** Load, validate and check one file; `sheet` is set only when it has no errors (warnings allowed). */
export function checkSheet(file: string, city: CityData): CheckedSheet {
  try {
    const source = loadSheetFile(file);
    const result = validateSheet(source);
    if (!result.ok) return { file, findings: result.findings };
    const findings = [...result.findings, ...checkConsistency(result.sheet, source, city)];
    return { file, sheet: hasErrors(findings) ? undefined : result.sheet, findings };
  } catch (error) {
    // Whatever the input, the user gets a finding, never a stack trace.
    const message = `ファイルを検査できませんでした: ${(error as Error)?.message ?? error}`;
    return { file, findings: [{ file, line: 1, column: 1, severity: 'error', labels: [], message, path: [] }] };
  }
}

export async function renderSheet(workspace: Workspace, sheet: Sheet): Promise<RenderedPdf> {
  const view = deriveSheetView(sheet, workspace.city);
  const doc = layoutSheet(workspace.templates, view, workspace.city);
  const pdf = await renderPdf(doc, { layout: workspace.templates.layout, creationDate: workspace.creationDate });
  if (pdf.pageCount !== PAGES_PER_SHEET) {
    throw new Error(`シート ${view.number} が ${pdf.pageCount} ページになりました（${PAGES_PER_SHEET} ページのはずです）。`);
  }
  return pdf;
}
