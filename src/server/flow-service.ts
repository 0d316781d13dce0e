// Who may reach which sheet, and the review flow, for the server (issue 22). Every sheet route asks `reach` for its
// sheet: it is found as before (src/server/sheet-files.ts), then judged by src/model/permissions.ts on the 担当部・担当課
// of the file on disk. A person who may not see the whole year gets one answer, 403 and the same words, for a sheet of
// another division, a number that does not exist, a year that does not exist and a path that is no number at all:
// nothing tells them which it was. Steps of the flow and saves are appended to data/<year>/history.jsonl
// (src/publication/review-log.ts), and so are the refusals (403, 409) of a logged-in account.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Actor } from '../model/actor';
import { fileSystemError } from '../model/errors';
import { formatNumber } from '../model/format';
import { mayReview, mayWork, NOT_A_REVIEWER, NOT_YOURS, seesWholeYear, type SheetOwner } from '../model/permissions';
import { eventActor, flowsOf, INITIAL_FLOW, transition, type FlowAction, type HistoryEvent, type SheetFlow } from '../model/review-flow';
import { sheetChanges } from '../model/sheet-changes';
import { parseSheetText } from '../pipeline/load';
import { HistoryCache, yearFlow, type YearFlow } from '../publication/review-log';
import { HttpError, readJson, sendJson } from './http';
import { numberOf, sheetFile, yearOf } from './sheet-files';

/** A sheet a person may reach, read from disk. */
export interface ReachedSheet {
  year: number;
  number: number;
  /** `087`: how the history names it. */
  key: string;
  file: string;
  real: string;
  bytes: Buffer;
  owner: SheetOwner;
  flow: SheetFlow;
}

/** The longest 差し戻し comment kept (a page of text). */
const MAX_COMMENT = 2000;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The 担当部・担当課 a sheet's file writes (empty when the file cannot be read as YAML: then only the whole year's people reach it). */
export function ownerOf(file: string, bytes: Buffer): SheetOwner {
  const source = parseSheetText(file, bytes);
  const data = (source.data ?? source.partial ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return { department: text(data.department), division: text(data.division) };
}

/** The data of a sheet's bytes, as the YAML reads (for the changes a save made). */
const dataOf = (file: string, bytes: Buffer): unknown => {
  const source = parseSheetText(file, bytes);
  return source.data ?? source.partial ?? null;
};

export class FlowService {
  readonly history: HistoryCache;

  constructor(
    private readonly dataDir: string,
    /** How many errors `validate` finds in a sheet's bytes: a sheet with errors is not submitted. */
    private readonly errorsOf: (sheet: ReachedSheet) => number,
  ) {
    this.history = new HistoryCache(dataDir);
  }

  /** Each year's states, folded from its events once per new event rather than on every request. */
  private readonly folded = new Map<number, { list: readonly HistoryEvent[]; events: number; flows: Map<string, SheetFlow> }>();

  /** The year's flow as the history tells it now. */
  yearFlow(year: number): YearFlow {
    return yearFlow(this.history.read(year));
  }

  flowOf(year: number, key: string): SheetFlow {
    const events = this.history.read(year).events;
    let known = this.folded.get(year);
    // The cache appends to one list while the file grows, and reads a replaced file into a new one.
    if (!known || known.list !== events || known.events !== events.length) {
      known = { list: events, events: events.length, flows: flowsOf(events) };
      this.folded.set(year, known);
    }
    return known.flows.get(key) ?? INITIAL_FLOW;
  }

  /** The sheet a URL names, if this person may work on it; else 403 with nothing revealed (see above). */
  reach(actor: Actor, yearText: string, numberText: string): ReachedSheet {
    const find = (): ReachedSheet => {
      const year = yearOf(yearText);
      const number = numberOf(numberText);
      const { file, real } = sheetFile(this.dataDir, year, number);
      let bytes: Buffer;
      try {
        bytes = readFileSync(real);
      } catch (error) {
        throw new HttpError(404, `シートのファイルを読めません（${(error as NodeJS.ErrnoException).code ?? error}）。`);
      }
      const key = formatNumber(number);
      return { year, number, key, file, real, bytes, owner: ownerOf(file, bytes), flow: this.flowOf(year, key) };
    };
    if (seesWholeYear(actor)) return find();
    let sheet: ReachedSheet;
    try {
      sheet = find();
    } catch (error) {
      if (error instanceof HttpError) throw new HttpError(403, NOT_YOURS);
      throw error;
    }
    if (!mayWork(actor, sheet.owner)) throw new HttpError(403, NOT_YOURS);
    return sheet;
  }

  /** The steps this person may take on this sheet now (the editor shows these buttons only). */
  actionsFor(actor: Actor, sheet: ReachedSheet): FlowAction[] {
    return (['submit', 'accept', 'return'] as const).filter((action) => {
      if ('refused' in transition(sheet.flow, action)) return false;
      return action === 'submit' ? mayWork(actor, sheet.owner) : mayReview(actor, sheet.owner);
    });
  }

  /** A save that wrote the file: who, when, which fields from what to what. */
  recordSave(actor: Actor, sheet: ReachedSheet, saved: Buffer): void {
    const changes = sheetChanges(dataOf(sheet.file, sheet.bytes), dataOf(sheet.file, saved));
    this.append(sheet.year, { at: now(), sheet: sheet.key, by: eventActor(actor), event: 'save', changes, sha256: sha256(saved), base: sha256(sheet.bytes) });
  }

  recordCreate(actor: Actor, year: number, number: number): void {
    const file = join(this.dataDir, String(year), `${formatNumber(number)}.yaml`);
    const bytes = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
    this.append(year, { at: now(), sheet: formatNumber(number), by: eventActor(actor), event: 'create', sha256: sha256(bytes) });
  }

  /** POST …/submit, …/accept, …/return: 200 and the new state, 409 when the state does not allow it. */
  async step(actor: Actor, action: FlowAction, req: IncomingMessage, res: ServerResponse, yearText: string, numberText: string): Promise<void> {
    const sheet = this.reach(actor, yearText, numberText);
    const body = req.headers['content-type'] || Number(req.headers['content-length']) > 0 ? await readJson(req) : {};
    if (action !== 'submit' && !mayReview(actor, sheet.owner)) throw new HttpError(403, NOT_A_REVIEWER);
    let comment: string | undefined;
    if (action === 'return') {
      comment = typeof body.comment === 'string' ? body.comment.trim() : '';
      if (comment === '') throw new HttpError(400, '差し戻すときは、直してほしいことをコメント（{"comment": "…"}）に書いてください。');
      if (comment.length > MAX_COMMENT) throw new HttpError(400, `コメントは ${MAX_COMMENT} 文字までにしてください（${comment.length} 文字あります）。`);
    } else if (typeof body.comment === 'string' && body.comment.trim() !== '') {
      comment = body.comment.trim().slice(0, MAX_COMMENT);
    }
    const next = transition(sheet.flow, action);
    if ('refused' in next) throw new HttpError(409, next.refused, { flow: sheet.flow });
    if (action === 'submit') {
      const errors = this.errorsOf(sheet);
      if (errors > 0) throw new HttpError(409, `このシートには誤りが ${errors} 件あるため、提出できません。誤りを直して保存してから提出してください。`, { flow: sheet.flow });
    }
    const event: HistoryEvent = {
      at: now(), sheet: sheet.key, by: eventActor(actor), event: action, from: sheet.flow.state, to: next.to, ...(comment ? { comment } : {}), sha256: sha256(sheet.bytes),
    };
    this.append(sheet.year, event);
    const flow = this.flowOf(sheet.year, sheet.key);
    sendJson(res, 200, { flow, actions: this.actionsFor(actor, { ...sheet, flow }), event });
  }

  /** GET …/history: the sheet's events, oldest first, and its state. */
  historyOf(actor: Actor, res: ServerResponse, yearText: string, numberText: string): void {
    const sheet = this.reach(actor, yearText, numberText);
    const events = this.history.read(sheet.year).events.filter((e) => e.sheet === sheet.key);
    sendJson(res, 200, { sheet: sheet.key, flow: sheet.flow, actions: this.actionsFor(actor, sheet), events });
  }

  /**
   * Write a refusal (403, 409) of a logged-in account to the history of the year it was asked in, if that year has a
   * folder; the person of a server without accounts may do everything and is not recorded.
   */
  recordRefusal(actor: Actor, action: string, yearText: string | undefined, numberText: string | undefined, error: unknown): void {
    if (actor.role === 'local' || !(error instanceof HttpError) || (error.status !== 403 && error.status !== 409)) return;
    if (yearText === undefined || !/^20[0-9]{2}$/.test(yearText) || !existsSync(join(this.dataDir, yearText))) return;
    const number = numberText !== undefined && /^[0-9]{1,4}$/.test(numberText) ? formatNumber(Number(numberText)) : String(numberText ?? '').slice(0, 40);
    try {
      this.append(Number(yearText), { at: now(), sheet: number, by: eventActor(actor), event: 'refused', action, status: error.status, message: error.message });
    } catch {
      // The refusal itself is answered; a history that cannot be written is reported by the next save.
    }
  }

  /**
   * A refusal before any sheet route ran (a write without the session's CSRF token or from another site, by a
   * logged-in account): written to the history of the year its path names, as `METHOD /path`.
   */
  recordRequestRefusal(actor: Actor, method: string, path: string, error: unknown): void {
    const match = /^\/api\/(?:sheets|check|preview|years)\/([^/]+)(?:\/([^/]+))?/.exec(path);
    if (!match) return;
    const number = match[2] === 'sheets' ? undefined : match[2] && safeDecode(match[2]);
    this.recordRefusal(actor, `${method} ${path}`.slice(0, 120), safeDecode(match[1]), number, error);
  }

  private append(year: number, event: HistoryEvent): void {
    try {
      this.history.append(year, event);
    } catch (error) {
      throw new HttpError(500, `履歴（data/${year}/history.jsonl）に書き込めませんでした。${fileSystemError(error)?.message ?? (error as Error).message}`);
    }
  }
}

const now = () => new Date().toISOString();

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};
