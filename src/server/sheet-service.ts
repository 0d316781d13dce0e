// What the API does with the sheets: list a year, read a sheet with its version (ETag), check and preview unsaved
// values, save them over the version the editor loaded and never over a newer one, make a new sheet as `new` does.
// Every answer comes from the pipeline's own stages (src/pipeline/sheet.ts) on the one workspace the server keeps.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sheetStatus, yearStatus, type SheetStatus, type YearStatus } from '../publication/year-status';
import { runNew } from '../commands/new.runner';
import { fiscalYears } from '../model/data-folder';
import { fileSystemError, UserError } from '../model/errors';
import { hasErrors, type Finding } from '../model/types';
import { join } from 'node:path';
import { CITY_FILES, readCityData } from '../pipeline/city-data';
import { DataFileError } from '../pipeline/data-file';
import type { FittedView } from '../pipeline/fit';
import type { RenderedPage } from '../pdf/pages';
import { parse, stringify } from 'yaml';
import { sampleSheet } from '../model/form';
import { parseSheetText } from '../pipeline/load';
import { draftSheet, renderSheet, sheetPdf, type DraftSheet, type Workspace } from '../pipeline/sheet';
import { writeFileAtomic } from '../pipeline/write';
import { formView, type FormView } from './form-view';
import { HttpError, readJson, sendBytes, sendJson } from './http';
import { editedSheetYaml, UneditableYaml } from '../interchange/sheet-edit';
import { sheetYaml } from '../interchange/sheet-yaml';
import type { Sheet } from '../model/form';
import { numberOf, yearFolder, yearOf } from './sheet-files';
import type { Actor } from '../model/actor';
import { mayWork, NOT_YOUR_DIVISION, seesWholeYear } from '../model/permissions';
import { saveRefusal } from '../model/review-flow';
import { FlowService, type ReachedSheet } from './flow-service';

/**
 * What a page looks like, in 16 hex digits: its content stream (which names glyphs by the font's own numbers, not
 * the file's subset) and the resources it uses. The editor redraws only the pages whose hash changed.
 */
function pageHash(page: RenderedPage): string {
  return createHash('sha256').update(JSON.stringify([page.width, page.height, page.fonts, page.extGStates])).update(page.content).digest('hex').slice(0, 16);
}

/** A finding as the editor shows it: at its field (`path`), with the same Japanese message as `validate`. */
export interface FindingView {
  path: (string | number)[];
  severity: Finding['severity'];
  message: string;
  labels: string[];
  line: number;
  column: number;
}

/** How full a box is, by the fit stage: fits, printed smaller (or letters tightened), or cannot fit. */
export interface FitView {
  state: 'fits' | 'shrunk' | 'overflow';
  /** The size it prints at (pt). */
  fontSize: number;
  box: string;
  message?: string;
}

/** The version of a file: the SHA-256 of its bytes, quoted as an ETag. */
export const etagOf = (bytes: Buffer): string => `"${createHash('sha256').update(bytes).digest('hex')}"`;

/**
 * The sheet a request sends: `{ "data": sheet }` (what the editor sends), or the sheet itself (what a script is
 * likeliest to send). A sheet has no `data` field (the schema allows no field it does not name), so the two never
 * mix.
 */
function sheetSent(body: Record<string, unknown>): Record<string, unknown> {
  if (!('data' in body)) return body;
  if (!body.data || typeof body.data !== 'object' || Array.isArray(body.data)) {
    throw new HttpError(400, '送るデータはシートの項目の JSON か、{ "data": { シートの項目… } } の形にしてください。');
  }
  return body.data as Record<string, unknown>;
}

export class SheetService {
  /** Each sheet's status, kept while its bytes are the same (the list is asked for often, the files rarely change). */
  private readonly statuses = new Map<string, { etag: string; mtime: number; status: Omit<SheetStatus, 'flow'> }>();
  private readonly forms = new Map<number, FormView>();

  private workspaceNow: Workspace;
  private cityStamp: string;
  /** Who may reach which sheet, the review flow and the history (src/server/flow-service.ts). */
  readonly flow: FlowService;

  constructor(
    private readonly dataDir: string,
    workspace: Workspace,
    private readonly defaultYear?: number,
  ) {
    this.workspaceNow = workspace;
    this.cityStamp = this.stampOfCityFiles();
    this.flow = new FlowService(dataDir, (sheet) => this.errorsOf(sheet));
  }

  private errorsOf(sheet: ReachedSheet): number {
    return draftSheet(sheet.file, this.workspace, sheet.bytes, { fiscalYear: sheet.year, number: sheet.number }).findings.filter((f) => f.severity === 'error').length;
  }

  /**
   * The one workspace, its city data read again when one of the city's files changed since (a new year's rates after
   * `rollover`, a standard sentence corrected): fonts, templates and measurer stay as they are.
   */
  private get workspace(): Workspace {
    const stamp = this.stampOfCityFiles();
    if (stamp !== this.cityStamp) {
      const { city, findings } = readCityData(this.dataDir);
      if (hasErrors(findings)) throw new HttpError(503, new DataFileError(findings).message);
      this.workspaceNow = { ...this.workspaceNow, city };
      this.cityStamp = stamp;
      this.statuses.clear();
      this.forms.clear();
    }
    return this.workspaceNow;
  }

  private stampOfCityFiles(): string {
    return CITY_FILES.map((name) => {
      try {
        const s = statSync(join(this.dataDir, name));
        return `${s.mtimeMs}:${s.size}:${s.ino}`;
      } catch {
        return '-';
      }
    }).join('|');
  }

  years(): { years: number[]; year: number | null } {
    const years = fiscalYears(this.dataDir);
    return { years, year: this.defaultYear ?? years[years.length - 1] ?? null };
  }

  form(yearText: string | null): FormView {
    const year = yearText === null ? (this.years().year ?? new Date().getFullYear()) : yearOf(yearText);
    let form = this.forms.get(year);
    if (!form) {
      form = formView(year, this.workspace.city, this.workspace.templates.layout.boxes as never);
      this.forms.set(year, form);
    }
    return form;
  }

  /** The year's list: only the sheets this person may reach (and the folder's stray files only for the whole year's people). */
  list(actor: Actor, yearText: string): YearStatus {
    const all = this.listAll(yearText);
    if (seesWholeYear(actor)) return all;
    return { ...all, sheets: all.sheets.filter((s) => mayWork(actor, s)), folder: [] };
  }

  private listAll(yearText: string): YearStatus {
    const year = yearOf(yearText);
    yearFolder(this.dataDir, year); // 404 / 403 as for a sheet
    return yearStatus(this.workspace, this.dataDir, year, (file, bytes, savedAt, record) => {
      const etag = etagOf(bytes);
      const known = this.statuses.get(file);
      // The record's date is part of what a status says: a new record makes it stale.
      const key = `${etag}#${record?.date ?? ''}`;
      if (known && known.etag === key && known.mtime === savedAt.getTime()) return known.status;
      const status = sheetStatus(this.workspace, file, bytes, savedAt, record, year);
      this.statuses.set(file, { etag: key, mtime: savedAt.getTime(), status });
      return status;
    }, this.flow.yearFlow(year));
  }

  get(actor: Actor, res: ServerResponse, yearText: string, numberText: string): void {
    const sheet = this.read(actor, yearText, numberText);
    const { year, number, file, bytes, flow } = sheet;
    const source = parseSheetText(file, bytes);
    const draft = draftSheet(file, this.workspace, bytes, { fiscalYear: year, number });
    const etag = etagOf(bytes);
    sendJson(res, 200, { data: source.data ?? source.partial ?? null, etag, ...this.answer(draft), savedAt: statSync(file).mtime.toISOString(), flow, actions: this.flow.actionsFor(actor, sheet) }, { ETag: etag });
  }

  /** Findings and fit of unsaved values: the file as it would be saved, checked as `validate` checks it. */
  async check(actor: Actor, req: IncomingMessage, res: ServerResponse, yearText: string, numberText: string): Promise<void> {
    const { year, number, file, bytes } = this.read(actor, yearText, numberText);
    const edited = this.edited(bytes, await readJson(req), file);
    sendJson(res, 200, this.answer(draftSheet(file, this.workspace, edited, { fiscalYear: year, number })));
  }

  /** The two pages of unsaved values as a PDF, drawn by the same stages as `build`, errors and all. */
  async preview(actor: Actor, req: IncomingMessage, res: ServerResponse, yearText: string, numberText: string): Promise<void> {
    const { year, number, file, bytes } = this.read(actor, yearText, numberText);
    const edited = this.edited(bytes, await readJson(req), file);
    const draft = draftSheet(file, this.workspace, edited, { fiscalYear: year, number });
    if (!draft.view) throw new HttpError(422, 'このシートは描けません（誤りを直してください）。', this.answer(draft));
    const rendered = renderSheet(this.workspace, draft.view, { draft: true });
    const pdf = sheetPdf(this.workspace, rendered, year);
    const errors = draft.findings.filter((f) => f.severity === 'error').length;
    sendBytes(res, 200, pdf, 'application/pdf', {
      'X-Findings': String(errors),
      'X-Pages': String(rendered.pages.length),
      'X-Page-Hashes': rendered.pages.map(pageHash).join(','),
      'Content-Disposition': 'inline',
    });
  }

  /**
   * Save over the version the editor loaded (If-Match), never over another: a file changed on disk since (another
   * editor, a colleague, `git pull`) is refused with 412 and the file as it is now. Written atomically: a server
   * killed during a save leaves the old file whole. A sheet with errors is saved as it is (a draft).
   */
  async save(actor: Actor, req: IncomingMessage, res: ServerResponse, yearText: string, numberText: string): Promise<void> {
    const expected = req.headers['if-match'];
    if (expected === undefined) throw new HttpError(428, '保存するには、読み込んだときの版（If-Match）が必要です。ページを読み込み直してください。');
    const body = await readJson(req);
    const sheet = this.read(actor, yearText, numberText);
    const { year, number, file, real, bytes } = sheet;
    // A submitted or accepted sheet is changed only after it is sent back.
    const locked = saveRefusal(sheet.flow);
    if (locked) throw new HttpError(409, locked, { flow: sheet.flow });
    const current = etagOf(bytes);
    if (!String(expected).split(',').map((e) => e.trim()).includes(current)) {
      const source = parseSheetText(file, bytes);
      throw new HttpError(412, 'このシートは、読み込んだ後にほかの人またはほかのプログラムが書き換えました。保存していません。下に表示した、いまのファイルの内容と見比べてください（入力した内容はこの画面に残っています）。', {
        disk: { data: source.data ?? source.partial ?? null, etag: current },
      });
    }
    const edited = this.edited(bytes, body, file, 'save');
    // Judged on the file on disk above; the data sent may not move the sheet out of this person's reach either.
    const sent = sheetSent(body);
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    if (!mayWork(actor, { department: text(sent.department), division: text(sent.division) })) throw new HttpError(403, NOT_YOUR_DIVISION);
    if (!edited.equals(bytes)) {
      try {
        writeFileAtomic(real, edited);
      } catch (error) {
        // A folder that cannot be written, a full disk…: said as every command says it; the file is as it was.
        throw new HttpError(500, fileSystemError(error)?.message ?? `保存できませんでした: ${(error as Error).message}`);
      }
      this.flow.recordSave(actor, sheet, edited);
    }
    this.statuses.delete(file);
    const draft = draftSheet(file, this.workspace, edited, { fiscalYear: year, number });
    const etag = etagOf(edited);
    sendJson(res, 200, { etag, ...this.answer(draft), savedAt: statSync(file).mtime.toISOString() }, { ETag: etag });
  }

  /**
   * Check, fit and draw a made-up sheet (the form's sample, which the build's warm-up uses too) once, in memory, so
   * that V8 has compiled what a
   * keystroke's check and a preview run before the person types: the first answers are then as quick as the rest.
   */
  warmUp(): void {
    try {
      const sample = stringify(sampleSheet(), { lineWidth: 0 });
      const bytes = Buffer.from(sample);
      const edited = Buffer.from(editedSheetYaml(sample, parse(sample)));
      const draft = draftSheet('999.yaml', this.workspace, edited.length > 0 ? edited : bytes, { fiscalYear: 2021, number: 999 });
      if (draft.view) sheetPdf(this.workspace, renderSheet(this.workspace, draft.view), 2021);
    } catch {
      // Only a head start: a failure here is the first request's to report.
    }
  }

  /** A new sheet, as `sheetbook new` makes it (never over an existing file). */
  async create(actor: Actor, yearText: string, req: IncomingMessage): Promise<{ number: number; key: string }> {
    const year = yearOf(yearText);
    const body = await readJson(req);
    const number = typeof body.number === 'string' ? numberOf(body.number) : Number.isInteger(body.number) ? (body.number as number) : NaN;
    if (!(number >= 1 && number <= 9999)) throw new HttpError(400, '事業番号は 1〜9999 の数字で指定してください。');
    const text = (value: unknown, what: string) => {
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string' || value.length > 100 || /[\n\r]/.test(value)) throw new HttpError(400, `${what}は 1 行の文字で指定してください。`);
      return value;
    };
    // An editor's new sheet is their division's (a reviewer's, their department's) unless they say otherwise, and may be no one else's.
    const department = text(body.department, '担当部') ?? actor.department;
    const division = text(body.division, '担当課') ?? (actor.role === 'editor' ? actor.division : undefined);
    if (!mayWork(actor, { department: department ?? '', division: division ?? '' })) throw new HttpError(403, NOT_YOUR_DIVISION);
    try {
      runNew({ number, year, dataDir: this.dataDir, department, division }, () => {});
    } catch (error) {
      if (error instanceof UserError) throw new HttpError(409, error.message);
      throw error;
    }
    this.flow.recordCreate(actor, year, number);
    return { number, key: String(number).padStart(3, '0') };
  }

  /** The sheet a URL names, as this person may reach it (403 with nothing revealed otherwise). */
  private read(actor: Actor, yearText: string, numberText: string): ReachedSheet {
    return this.flow.reach(actor, yearText, numberText);
  }

  /**
   * The file's bytes with the editor's values written in, keeping everything else as the person wrote it. A file
   * with YAML syntax errors cannot be edited in place: it is checked and previewed as the house style would write
   * it, and saving it is refused (the person fixes the file in their editor, or it would lose what they wrote).
   */
  private edited(bytes: Buffer, body: Record<string, unknown>, file = '', purpose: 'check' | 'save' = 'check'): Buffer {
    const data = sheetSent(body) as Record<string, never>;
    try {
      return Buffer.from(editedSheetYaml(bytes.toString('utf8'), data), 'utf8');
    } catch (error) {
      if (!(error instanceof UneditableYaml)) throw new HttpError(500, (error as Error).message);
      if (purpose === 'save') throw new HttpError(409, `${error.message}ファイルをエディタで開いて YAML の誤りを直してから、画面を読み込み直してください。保存していません。`);
      return Buffer.from(sheetYaml(data as unknown as Sheet, file), 'utf8');
    }
  }

  private answer(draft: DraftSheet): { findings: FindingView[]; fit: Record<string, FitView> } {
    const fit = draft.view ? fitMap(draft.view, draft.fitFindings) : {};
    // A value the schema refuses is drawn blank in a draft: how full its box is would say nothing of what was typed.
    const fitted = new Set(draft.fitFindings.map((f) => f.path.join('.')));
    for (const f of draft.findings) {
      const key = f.path.join('.');
      if (f.severity === 'error' && !fitted.has(key) && key in fit) delete fit[key];
    }
    return { findings: draft.findings.map(findingView), fit };
  }
}

const findingView = (f: Finding): FindingView => ({ path: f.path, severity: f.severity, message: f.message, labels: f.labels, line: f.line, column: f.column });

/** Every box of a drawn sheet, by its field's dotted path: how it fits. */
export function fitMap(view: FittedView, notes: Finding[]): Record<string, FitView> {
  const noted = new Map(notes.map((n) => [n.path.join('.'), n]));
  const map: Record<string, FitView> = {};
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      if ('box' in value && 'field' in value && 'fontSize' in value) {
        const box = value as { box: string; field: (string | number)[]; fontSize: number };
        const key = box.field.join('.');
        const note = noted.get(key);
        if (!(key in map) || note) {
          map[key] = { state: note ? (note.severity === 'error' ? 'overflow' : 'shrunk') : 'fits', fontSize: box.fontSize, box: box.box, ...(note ? { message: note.message } : {}) };
        }
      } else Object.values(value).forEach(visit);
    }
  };
  visit(view);
  return map;
}
