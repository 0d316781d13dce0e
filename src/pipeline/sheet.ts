// The pipeline as one story: load → validate → check → derive → fit → layout → render.
// Fonts, templates and the measurer are prepared once per process and shared by every sheet.
import { readCityData, type CityData } from '../model/city';
import { DataFileError } from './data-file';
import { checkConsistency } from './check';
import { deriveSheetView, PAGES_PER_SHEET, type SheetView } from './derive';
import { Fitter } from './fit';
import { loadFontFaces } from '../pdf/fonts';
import { FontSet } from '../pdf/fontset';
import { writePdf } from '../pdf/writer';
import { layoutSheet, loadLayout, loadTemplates, type DocDefinition, type Templates } from './layout';
import { loadSheetFile, type SheetSource } from './load';
import { createMeasurer } from './measure';
import { renderPages, type RenderedDocument } from './render';
import { hasErrors } from '../commands/report';
import { labelsFor } from '../model/schema';
import type { Finding, Sheet } from '../model/types';
import { validateSheet } from './validate';

export interface Workspace {
  dataDir: string;
  city: CityData;
  templates: Templates;
  fitter: Fitter;
  fontSet: FontSet;
  creationDate: Date;
}

export interface OpenOptions {
  /**
   * Open even when the city's data files have errors, with the parts that have errors left out (for validate,
   * which reports those errors itself, and for worker threads). templates/layout.yaml must always be right.
   */
  tolerateDataErrors?: boolean;
}

/**
 * Everything a run shares. The city's data files and templates/layout.yaml are checked first: with an error in
 * any of them, a DataFileError lists the findings of all of them and nothing is done.
 */
export function openWorkspace(dataDir: string, templatesDir?: string, options: OpenOptions = {}): Workspace {
  const { city, findings } = readCityData(dataDir);
  let templates: Templates;
  try {
    templates = loadTemplates(templatesDir);
  } catch (error) {
    if (error instanceof DataFileError) throw new DataFileError([...findings, ...error.findings]);
    throw error;
  }
  if (!options.tolerateDataErrors && hasErrors(findings)) throw new DataFileError(findings);
  const fontSet = new FontSet(loadFontFaces());
  const fitter = new Fitter(templates.layout, createMeasurer(fontSet));
  const issued = city.issueDate ? new Date(`${city.issueDate}T00:00:00+09:00`) : new Date(Date.UTC(2000, 0, 1));
  return { dataDir, city, templates, fitter, fontSet, creationDate: issued };
}

/** What the schemas of the city's data files and of templates/layout.yaml refuse (for validate). */
export function dataFileFindings(dataDir: string, templatesDir?: string): Finding[] {
  const { findings } = readCityData(dataDir);
  try {
    loadLayout(templatesDir);
  } catch (error) {
    if (!(error instanceof DataFileError)) throw error;
    findings.push(...error.findings);
  }
  return findings;
}

/** A checked file: `sheet` and `view` are set only when it has no errors (warnings allowed). */
export type CheckedSheet = { file: string; sheet?: Sheet; view?: SheetView; findings: Finding[] };

function fitFindings(source: SheetSource, view: SheetView, workspace: Workspace): Finding[] {
  return workspace.fitter.fitView(view).map((note) => {
    const pos = source.locate(note.field);
    return { file: source.file, line: pos.line, column: pos.column, severity: note.severity, labels: labelsFor(note.field), message: note.message, path: note.field };
  });
}

const sortFindings = (findings: Finding[]) => [...findings].sort((a, b) => a.line - b.line || a.column - b.column);

export function checkSheet(file: string, workspace: Workspace): CheckedSheet {
  try {
    const source = loadSheetFile(file);
    const result = validateSheet(source);
    const findings = [...result.findings, ...(source.data === undefined ? [] : checkConsistency(source.data, source, workspace.city, (cp) => workspace.fontSet.canPrint(cp), result.findings))];
    if (!result.ok || hasErrors(findings)) return { file, findings: sortFindings(findings) };
    const view = deriveSheetView(result.sheet, workspace.city);
    findings.push(...fitFindings(source, view, workspace));
    if (hasErrors(findings)) return { file, findings: sortFindings(findings) };
    return { file, sheet: result.sheet, view, findings: sortFindings(findings) };
  } catch (error) {
    // Whatever the input, the user gets a finding, never a stack trace.
    const message = `ファイルを検査できませんでした: ${(error as Error)?.message ?? error}`;
    return { file, findings: [{ file, line: 1, column: 1, severity: 'error', labels: [], message, path: [] }] };
  }
}

/** Draw a checked sheet's two pages (not yet a file: see sheetPdf and the booklet). */
export function renderSheet(workspace: Workspace, view: SheetView): RenderedDocument & { info: DocDefinition['info'] } {
  const doc = layoutSheet(workspace.templates, view, workspace.city);
  const rendered = renderPages(doc, workspace.templates.layout, workspace.fontSet);
  if (rendered.pages.length !== PAGES_PER_SHEET) {
    throw new Error(`シート ${view.number} が ${rendered.pages.length} ページになりました（${PAGES_PER_SHEET} ページのはずです）。`);
  }
  return { ...rendered, info: doc.info };
}

/** One sheet as its own PDF: its two pages numbered `1 / 2` and `2 / 2`. */
export function sheetPdf(workspace: Workspace, rendered: RenderedDocument & { info: DocDefinition['info'] }): Buffer {
  const { number } = workspace.templates.layout.page;
  return writePdf(
    {
      pages: rendered.pages.map((page, i) => ({ page, label: `${i + 1} / ${rendered.pages.length}` })),
      glyphs: [rendered.glyphs],
      info: rendered.info,
      lang: 'ja',
      creationDate: workspace.creationDate,
      pageNumber: { font: workspace.fontSet.fonts[0].id, fontSize: number.fontSize, bottom: number.bottom },
    },
    workspace.fontSet,
  );
}
