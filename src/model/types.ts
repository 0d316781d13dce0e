// The typed values that pass between the pipeline stages:
// SheetSource (load) → Sheet (validate) → CheckedSheet (check) → SheetView (derive) → FittedView (fit)
// → DocDefinition (layout) → RenderedDocument (render) → PDF bytes (write).
// The sheet's own types are generated from its schema (src/model/generated/sheet.ts) and named in form.ts.
export type { CostTable, EvaluationItem, EvaluationItemKey, Indicator, Sheet, StrategicPlan, YearRow } from './form';

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
}

export const hasErrors = (findings: Finding[]): boolean => findings.some((f) => f.severity === 'error');

/** Findings in the order a person reads the file: by line, then column. */
export const inFileOrder = (findings: Finding[]): Finding[] => [...findings].sort((a, b) => a.line - b.line || a.column - b.column);
