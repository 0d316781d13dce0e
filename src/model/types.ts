// The typed values that pass between the pipeline stages:
// SheetSource (load) → Sheet (validate) → CheckedSheet (check) → SheetView (derive) → FittedView (fit)
// → DocDefinition (layout) → RenderedDocument (render) → PDF bytes (write).
// The sheet's own types are generated from its schema (src/model/generated/sheet.ts) and named in form.ts.

/** A path into a sheet's data, as keys and indexes (e.g. ['costs', 'settled', '2020']). */
export type DataPath = (string | number)[];

export type Severity = 'error' | 'warning';

/** One problem found in a file, at a place a person can go to. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  /** Japanese labels from the schema titles, outermost first. */
  labels: string[];
  message: string;
  path: DataPath;
  /** Found in what could be read around a YAML syntax error: listed after the file's syntax errors. */
  afterSyntax?: boolean;
}

export const hasErrors = (findings: Finding[]): boolean => findings.some((f) => f.severity === 'error');

/**
 * The order findings are listed in: by file, the file's syntax errors before what was read around them, then by line
 * and column. (Findings of one file skip localeCompare, whose first call sets up ICU's collation: ~10 ms of a build.)
 */
export const findingOrder = (a: Finding, b: Finding): number =>
  (a.file === b.file ? 0 : a.file.localeCompare(b.file)) || Number(a.afterSyntax ?? false) - Number(b.afterSyntax ?? false) || a.line - b.line || a.column - b.column;

/** Findings of one file in the order a person reads them. */
export const inFileOrder = (findings: Finding[]): Finding[] => [...findings].sort(findingOrder);
