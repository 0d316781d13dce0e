// What the server's API sends and takes (src/server/). The form's shape is defined and explained in
// src/server/form-view.ts; these are the same shapes as the browser reads them (test/editor-types.test.ts holds the
// two together).

export type DataPath = (string | number)[];

export type FieldKind = 'text' | 'line' | 'number' | 'choice' | 'yearRow' | 'list' | 'slots' | 'boolean' | 'group';

export interface Choice {
  value: string | number | null;
  label: string;
  sentence?: string;
}

export interface FieldView {
  path: string[];
  label: string;
  help?: string;
  kind: FieldKind;
  fields?: FieldView[];
  item?: FieldView;
  choices?: Choice[];
  years?: number[];
  yearLabels?: string[];
  unit?: string;
  integer?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  maxItems?: number;
  /** For a list of records: what one is called (指標). */
  itemLabel?: string;
  box?: string;
  lines?: number;
  mustFill?: true | string;
  standardSentenceOf?: string[];
}

export interface SectionView {
  title: string;
  fields: FieldView[];
}

export interface FormView {
  year: number;
  title: string;
  sections: SectionView[];
  emptyMark: string;
}

export type Severity = 'error' | 'warning';

export interface Finding {
  path: DataPath;
  severity: Severity;
  message: string;
  labels: string[];
  hint?: string;
}

export type FitState = 'fits' | 'shrunk' | 'overflow';

export interface FitEntry {
  state: FitState;
  /** The size the box prints at (pt). */
  fontSize?: number;
  /** For a box that cannot fit: the finding's message (約N文字超過). */
  message?: string;
}

export type FitMap = Record<string, FitEntry>;

export interface SheetRow {
  number: number;
  /** The number as the file writes it (087). */
  key: string;
  name: string;
  department: string;
  division: string;
  errors: number;
  warnings: number;
  review: number;
  doubts: number;
  changedSincePublish: boolean | null;
  savedAt: string | null;
  /** The first error, shown beside the sheet. */
  firstError?: string;
  /** Its state in the review flow (issue 22). */
  flow?: FlowStatus;
}

export type ReviewState = '作成中' | '提出' | '確認済';
export type FlowAction = 'submit' | 'accept' | 'return';

/** A sheet's state as the list shows it. */
export interface FlowStatus {
  state: ReviewState;
  returned?: boolean;
  comment?: string;
  by?: string;
  at?: string;
  changedSince?: boolean;
}

export interface EventActor {
  name: string;
  displayName: string;
  role: string;
}

/** A sheet's state as the editor is given it. */
export interface SheetFlow {
  state: ReviewState;
  by?: EventActor;
  at?: string;
  returned?: boolean;
  comment?: string;
  sha256?: string;
}

/** One event of a sheet's history (data/<year>/history.jsonl). */
export interface HistoryEvent {
  at: string;
  sheet: string;
  by: EventActor;
  event: 'save' | 'create' | FlowAction | 'refused';
  changes?: { path: (string | number)[]; labels: string[]; old: unknown; new: unknown }[];
  sha256?: string;
  /** A save: the version of the file it was made over. */
  base?: string;
  from?: ReviewState;
  to?: ReviewState;
  comment?: string;
  action?: string;
  status?: number;
  message?: string;
}

export interface SheetHistory {
  sheet: string;
  flow: SheetFlow;
  actions: FlowAction[];
  events: HistoryEvent[];
}

export interface YearList {
  year: number;
  issueDate: string | null;
  /** The date of the last publication record (発行 or 訂正). */
  lastRecord: string | null;
  sheets: SheetRow[];
  /** Files of the year folder not read as sheets, and why. */
  folder: { message: string; file: string; severity: Severity }[];
  /** Whether a sheet of the year has been submitted: the list then shows each state. */
  flowInUse?: boolean;
}

/** A sheet's values as JSON (the YAML file's data). */
export type SheetData = Record<string, unknown>;

export interface LoadedSheet {
  data: SheetData;
  findings: Finding[];
  fit: FitMap;
  flow?: SheetFlow;
  /** The steps of the flow this person may take now. */
  actions?: FlowAction[];
}

export interface CheckResult {
  findings: Finding[];
  fit: FitMap;
}

export interface SaveResult extends CheckResult {
  etag: string;
}

export interface Conflict {
  message: string;
  disk: { data: SheetData; etag: string };
}

/** One row of the 新旧対照表 as the server gives it (src/publication/sheet-diff.ts, DiffRow). */
export interface DiffRow {
  key: string;
  place: string;
  from: string;
  before: string;
  after: string;
  reason?: string;
}

/** GET /api/sheets/<year>/<number>/diff: the 新旧対照表 (SheetDiff), or why there is nothing to compare with. */
export interface DiffAnswer {
  basis?: string;
  beforeHead?: string;
  afterHead?: string;
  rows: DiffRow[];
  message?: string;
}
