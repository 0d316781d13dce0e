// The pipeline as one story: load → validate → check → derive → fit → layout → render → write.
// Each stage takes a value and returns a new one. What they share — fonts, templates, the measurer, the city's
// data — is one explicit workspace, prepared once per run and used by every sheet (as pdfme shares one cache).
import { issuedOn, type CityData } from '../model/city';
import { readCityData } from './city-data';
export { dataFileFindings } from './city-data';
import { findBoxPlaces } from './box-places';
import { DataFileError } from './data-file';
import { checkConsistency } from './check';
import { blankMadeUpFigures, deriveSheetView } from './derive';
import { Fitter, type FittedView } from './fit';
import { loadFontFaces } from '../pdf/fonts';
import { FontSet } from '../pdf/fontset';
import { writePdf } from '../pdf/writer';
import { layoutSheet, loadTemplates, type DocDefinition, type Templates } from './layout';
import { loadSheetFile, parseSheetText, type SheetSource } from './load';
import { createMeasurer } from './measure';
import type { RenderedDocument } from '../pdf/pages';
import { renderPages } from './render';
import { fileSystemError } from '../model/errors';
import { blankSheet, PAGES_PER_SHEET } from '../model/form';
import { labelsFor } from '../model/schema';
import type { Sheet } from '../model/form';
import { hasErrors, inFileOrder, type Finding } from '../model/types';
import { printableSheet, validateSheet } from './validate';

export interface Workspace {
  dataDir: string;
  city: CityData;
  templates: Templates;
  fitter: Fitter;
  fontSet: FontSet;
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
  // Each box's width, from the cell of the templates that prints it.
  const fitter = new Fitter(templates.layout, createMeasurer(fontSet), findBoxPlaces(templates, city));
  return { dataDir, city, templates, fitter, fontSet };
}

/** A sheet's data checked: `sheet` is set only when it has no errors (warnings allowed). */
export interface CheckedSheet {
  file: string;
  sheet?: Sheet;
  findings: Finding[];
  source?: SheetSource;
}

/** A sheet ready to print: `view` is set only when it has no errors, its boxes sized by the fit stage. */
export interface PreparedSheet {
  file: string;
  sheet?: Sheet;
  view?: FittedView;
  findings: Finding[];
}

/** Whatever the input, the user gets a finding, never a stack trace. */
function unreadable(file: string, error: unknown): Finding[] {
  const message = `ファイルを検査できませんでした: ${fileSystemError(error)?.message ?? (error as Error)?.message ?? error}`;
  return [{ file, line: 1, column: 1, severity: 'error', labels: [], message, path: [] }];
}

/**
 * load → validate → check: the problems of the data itself, with no layout involved (for export, rollover). `bytes`:
 * the file's content as it would be saved (the editor's unsaved values), read instead of the file on disk.
 */
export function checkData(file: string, workspace: Workspace, bytes?: Buffer): CheckedSheet {
  try {
    const source = bytes === undefined ? loadSheetFile(file) : parseSheetText(file, bytes);
    const result = validateSheet(source);
    const canPrint = (cp: number) => workspace.fontSet.canPrint(cp);
    const findings = [
      ...result.findings,
      ...(source.data === undefined ? readAroundSyntaxErrors(source, workspace, canPrint) : checkConsistency(source.data, source, workspace.city, canPrint, result.findings)),
    ];
    if (!result.ok || hasErrors(findings)) return { file, findings: inFileOrder(findings), source };
    return { file, sheet: result.sheet, findings: inFileOrder(findings), source };
  } catch (error) {
    return { file, findings: unreadable(file, error) };
  }
}

// A key missing from what could be read may only have been lost in the syntax error: not reported there.
const MISSING_KEY = /」（[A-Za-z]+）が入力されていません$/;

/**
 * A file with YAML syntax errors still gets the findings of the parts the parser could read, so that one run
 * reports every mistake: the findings of the other top-level items (an item that holds a syntax error is left
 * out), listed after the syntax errors and saying that they come from a partial reading.
 */
function readAroundSyntaxErrors(source: SheetSource, workspace: Workspace, canPrint: (cp: number) => boolean): Finding[] {
  if (source.partial === undefined) return [];
  const readable: SheetSource = { ...source, data: source.partial, findings: [] };
  const schema = validateSheet(readable).findings;
  const rules = checkConsistency(source.partial, readable, workspace.city, canPrint, schema);
  // An item that holds a syntax error, or ends just before one (the broken line may belong to it), may have been
  // read wrongly: only the other items are reported.
  const itemAt = source.itemAt ?? (() => undefined);
  const broken = new Set(source.findings.flatMap((f) => [itemAt(f.line) ?? '', itemAt(f.line - 1) ?? '']));
  return [...schema, ...rules]
    .filter((f) => !broken.has(itemAt(f.line) ?? '') && !MISSING_KEY.test(f.message))
    .map((f) => ({ ...f, afterSyntax: true, message: `（YAML の誤りの箇所を除いて読むと）${f.message}` }));
}

/** … → derive → fit: every problem a sheet can have before it prints, boxes that do not fit included. */
export function checkSheet(file: string, workspace: Workspace, bytes?: Buffer): PreparedSheet {
  const checked = checkData(file, workspace, bytes);
  if (!checked.sheet || !checked.source) return { file, findings: checked.findings };
  try {
    const { view, fitFindings } = fitSheet(checked.sheet, checked.source, workspace);
    const findings = inFileOrder([...checked.findings, ...fitFindings]);
    return hasErrors(findings) ? { file, findings } : { file, sheet: checked.sheet, view, findings };
  } catch (error) {
    return { file, findings: [...checked.findings, ...unreadable(file, error)] };
  }
}

/** derive → fit for a sheet whose data passed the schema: its boxes sized, and a finding for each that shrank or cannot fit. */
function fitSheet(sheet: Sheet, source: SheetSource, workspace: Workspace): { view: FittedView; fitFindings: Finding[] } {
  const { view, notes } = workspace.fitter.fitView(deriveSheetView(sheet, workspace.city));
  const fitFindings = notes.map((note): Finding => {
    const pos = source.locate(note.field);
    return { file: source.file, line: pos.line, column: pos.column, severity: note.severity, labels: labelsFor(note.field), message: note.message, path: note.field };
  });
  return { view, fitFindings };
}

/** A sheet as far as it prints while it still has errors: what the editor previews, and how full each box is. */
export interface DraftSheet {
  /** Exactly what checkSheet finds (what `validate` reports). */
  findings: Finding[];
  /** The sheet drawn: as written when it has no errors, else with each value the schema refuses left blank. */
  view?: FittedView;
  /** How each box of `view` fits: shrunk (warnings) and cannot fit (errors), by field. */
  fitFindings: Finding[];
}

/**
 * checkSheet, and the sheet drawn even when it has errors (a draft): the checks' errors (a `review` item left, a
 * total that does not add up) do not stop it, and values the schema refuses (`"24,857円"` for a figure) print as
 * blank, so the person sees the rest of the sheet while they type. `fallback`: the fiscal year and number to draw
 * when those are what is wrong.
 */
export function draftSheet(file: string, workspace: Workspace, bytes: Buffer | undefined, fallback: { fiscalYear: number; number: number }): DraftSheet {
  const checked = checkData(file, workspace, bytes);
  const source = checked.source;
  try {
    if (checked.sheet && source) {
      // As checkSheet: the same findings, the fit's among them.
      const { view, fitFindings } = fitSheet(checked.sheet, source, workspace);
      return { findings: inFileOrder([...checked.findings, ...fitFindings]), view, fitFindings };
    }
    const data = source?.data ?? source?.partial;
    const madeUp: string[][] = [];
    const sheet = (data !== undefined ? printableSheet(data, fallback, madeUp) : undefined) ?? blankSheet(fallback.fiscalYear, fallback.number);
    const { view, fitFindings } = fitSheet(sheet, source ?? { file, data: sheet, findings: [], locate: () => ({ line: 1, column: 1 }) }, workspace);
    return { findings: checked.findings, view: blankMadeUpFigures(view, sheet, madeUp), fitFindings };
  } catch (error) {
    return { findings: [...checked.findings, ...unreadable(file, error)], fitFindings: [] };
  }
}

/**
 * Draw a checked sheet's two pages (not yet a file: see sheetPdf and the booklet). `draft`: a draft's preview, whose
 * text that cannot fit may push the pages past two — drawn as they come, for the person to see (never printed).
 */
export function renderSheet(workspace: Workspace, view: FittedView, { draft = false } = {}): RenderedDocument & { info: DocDefinition['info'] } {
  const doc = layoutSheet(workspace.templates, view, workspace.city);
  const rendered = renderPages(doc, workspace.templates.layout, workspace.fontSet);
  if (!draft && rendered.pages.length !== PAGES_PER_SHEET) {
    throw new Error(`シート ${view.number} が ${rendered.pages.length} ページになりました（${PAGES_PER_SHEET} ページのはずです）。`);
  }
  return { ...rendered, info: doc.info };
}

/** A document on its own (a sheet, the 評価結果一覧, a 正誤表): its pages numbered `1 / n`, `2 / n`… */
export function documentPdf(workspace: Workspace, rendered: RenderedDocument, info: DocDefinition['info'], creationDate: Date | undefined): Buffer {
  const { number } = workspace.templates.layout.page;
  return writePdf(
    {
      pages: rendered.pages.map((page, i) => ({ page, label: `${i + 1} / ${rendered.pages.length}`, part: 0, pageLabel: { number: i + 1 } })),
      glyphs: [rendered.glyphs],
      structures: [rendered.structure],
      info,
      lang: 'ja',
      creationDate,
      pageNumber: { font: workspace.fontSet.fonts[0].id, fontSize: number.fontSize, bottom: number.bottom },
    },
    workspace.fontSet,
  );
}

/** One sheet as its own PDF: its two pages numbered `1 / 2` and `2 / 2`, dated as its year's documents are. */
export function sheetPdf(workspace: Workspace, rendered: RenderedDocument & { info: DocDefinition['info'] }, fiscalYear: number): Buffer {
  return documentPdf(workspace, rendered, rendered.info, issuedOn(workspace.city, fiscalYear));
}
