// The year at a glance: every sheet of a year with its number, name, 部・課, how many errors and warnings it has,
// what `review:` and `doubts:` still list, whether it changed since the last publication record, and when it was
// last saved. `sheetbook status` prints it, and the editor's first page (GET /api/years/<year>/sheets) shows it:
// one routine for both.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { yearSettings } from '../model/city';
import { duplicateNumberFindings, numberFromFileName, readYearFolder } from '../model/data-folder';
import { formatNumber } from '../model/format';
import type { Sheet } from '../model/form';
import type { Finding } from '../model/types';
import { deriveSheetView } from '../pipeline/derive';
import { parseSheetText } from '../pipeline/load';
import { checkSheet, type Workspace } from '../pipeline/sheet';
import { printableSheet } from '../pipeline/validate';
import { compare } from './errata';
import { printedValues } from './printed';
import { readRecord, recordDates, sheetKey, type PublicationRecord } from './record';
import { createHash } from 'node:crypto';
import type { ReviewState } from '../model/review-flow';
import { readYearFlow, type YearFlow } from './review-log';

/** A sheet's place in the review flow (data/<year>/history.jsonl), as the list shows it. */
export interface FlowStatus {
  state: ReviewState;
  /** Sent back (差し戻し) with this comment, by whom and when. */
  returned?: boolean;
  comment?: string;
  by?: string;
  at?: string;
  /** Submitted or accepted, and the file changed since (by hand, outside the flow): not what was checked. */
  changedSince?: boolean;
}

export interface SheetStatus {
  /** The project number (87), and as the files write it (`087`). */
  number: number;
  key: string;
  /** The file, as the data folder lists it. */
  file: string;
  name: string;
  department: string;
  division: string;
  /** How many errors and warnings `validate` reports for it (a draft saved with errors has errors here). */
  errors: number;
  warnings: number;
  /** Entries left in `review:` (rollover) and `doubts:` (import). */
  review: number;
  doubts: number;
  /** Printed differently from the last publication record (or not in it); null when the year has no record. */
  changedSincePublish: boolean | null;
  /** When the file was last written (ISO 8601). */
  savedAt: string;
  /** The first error, to show beside the sheet (undefined without errors). */
  firstError?: string;
  /** Its state in the review flow (作成中 for a sheet never submitted). */
  flow: FlowStatus;
}

export interface YearStatus {
  year: number;
  /** The year's 発行日 from data/city.yaml, if set. */
  issueDate: string | null;
  /** The date of the last publication record (発行 or 訂正), if any. */
  lastRecord: string | null;
  sheets: SheetStatus[];
  /** Files of the year folder that are not read as sheets, and why (as every command says). */
  folder: Finding[];
  /** Whether the year is in the review flow (a sheet of it has been submitted): publish then asks for every sheet 確認済. */
  flowInUse: boolean;
  /** Lines of data/<year>/history.jsonl that are not a whole event (a write cut short), skipped. */
  historyDamaged: number;
}

/** The last publication record of a year, if any. */
export function lastRecord(dataDir: string, year: number): PublicationRecord | undefined {
  const dates = recordDates(dataDir, year);
  return dates.length > 0 ? readRecord(dataDir, year, dates[dates.length - 1]) : undefined;
}

/** The status of one sheet file, from its bytes as they are now. */
export function sheetStatus(workspace: Workspace, file: string, bytes: Buffer, savedAt: Date, record: PublicationRecord | undefined, year: number): Omit<SheetStatus, 'flow'> {
  const number = numberFromFileName(file)!;
  const prepared = checkSheet(file, workspace, bytes);
  const data = (prepared.sheet ?? readData(file, bytes)) as Partial<Sheet> | undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const count = (value: unknown) => (Array.isArray(value) ? value.length : 0);
  const firstError = prepared.findings.find((f) => f.severity === 'error');
  return {
    number,
    key: formatNumber(number),
    file,
    name: text(data?.name),
    department: text(data?.department),
    division: text(data?.division),
    errors: prepared.findings.filter((f) => f.severity === 'error').length,
    warnings: prepared.findings.filter((f) => f.severity === 'warning').length,
    review: count(data?.review),
    doubts: count(data?.doubts),
    changedSincePublish: record ? changedSince(record, number, prepared.sheet ?? (data ? printableSheet(data, { fiscalYear: year, number }) : undefined), workspace) : null,
    savedAt: savedAt.toISOString(),
    ...(firstError ? { firstError: `${firstError.labels.length > 0 ? `${firstError.labels.join(' › ')}: ` : ''}${firstError.message}` } : {}),
  };
}

/** The data as far as it could be read (with errors, the sheet is not a Sheet yet). */
function readData(file: string, bytes: Buffer): unknown {
  const source = parseSheetText(file, bytes);
  return source.data ?? source.partial;
}

/** Printed differently from the record, by the 正誤表's own comparison (so 1.5 and 1.50 are no change). */
function changedSince(record: PublicationRecord, number: number, sheet: Sheet | undefined, workspace: Workspace): boolean {
  const key = sheetKey(number);
  if (!record.sheets[key] || !sheet) return true;
  const values = printedValues(deriveSheetView(sheet, workspace.city));
  const current = { [key]: { name: sheet.name, department: sheet.department, division: sheet.division, values } };
  return compare({ ...record, sheets: { [key]: record.sheets[key] } }, current, new Map()).changedSheets.includes(key);
}

/** The status of every sheet of a year. `statusOf` may answer from what it knows already (the server keeps them). */
export function yearStatus(
  workspace: Workspace,
  dataDir: string,
  year: number,
  statusOf: (file: string, bytes: Buffer, savedAt: Date, record: PublicationRecord | undefined) => Omit<SheetStatus, 'flow'> = (file, bytes, savedAt, record) =>
    sheetStatus(workspace, file, bytes, savedAt, record, year),
  flow: YearFlow = readYearFlow(dataDir, year),
): YearStatus {
  const folder = readYearFolder(dataDir, year);
  const record = lastRecord(dataDir, year);
  const duplicates = duplicateNumberFindings(folder.sheets);
  const sheets: SheetStatus[] = [];
  for (const file of folder.sheets) {
    let bytes: Buffer;
    let savedAt: Date;
    try {
      bytes = readFileSync(file);
      savedAt = statSync(file).mtime;
    } catch {
      continue; // gone since it was listed
    }
    const status = { ...statusOf(file, bytes, savedAt, record), flow: flowStatus(flow, sheetKey(numberFromFileName(file)!), bytes) };
    const duplicate = duplicates.filter((d) => d.file === file);
    sheets.push(duplicate.length > 0 ? { ...status, errors: status.errors + duplicate.length, firstError: status.firstError ?? duplicate[0].message } : status);
  }
  for (const refused of folder.refused) {
    const number = numberFromFileName(refused.file)!;
    sheets.push({
      number, key: formatNumber(number), file: refused.file, name: basename(refused.file), department: '', division: '',
      errors: 1, warnings: 0, review: 0, doubts: 0, changedSincePublish: record ? true : null, savedAt: '', firstError: refused.message,
      flow: flowStatus(flow, sheetKey(number), undefined),
    });
  }
  sheets.sort((a, b) => a.number - b.number || (a.file < b.file ? -1 : 1));
  return { year, issueDate: yearSettings(workspace.city, year).issueDate ?? null, lastRecord: record?.date ?? null, sheets, folder: [...folder.ignored, ...folder.refused], flowInUse: flow.inUse, historyDamaged: flow.damaged };
}

/** A sheet's flow as the list shows it; a submitted or accepted file that changed since is said to have changed. */
export function flowStatus(flow: YearFlow, key: string, bytes: Buffer | undefined): FlowStatus {
  const f = flow.flowOf(key);
  const changedSince = f.state !== '作成中' && f.sha256 !== undefined && (!bytes || createHash('sha256').update(bytes).digest('hex') !== f.sha256);
  return {
    state: f.state,
    ...(f.returned ? { returned: true, comment: f.comment } : {}),
    ...(f.by ? { by: f.by.displayName, at: f.at } : {}),
    ...(changedSince ? { changedSince: true } : {}),
  };
}
