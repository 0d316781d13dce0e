// The review flow of a sheet (issue 22): 作成中 → 提出 (by anyone who may write it) → 確認済 (by a reviewer or
// planning), or 差し戻し with a comment, back to 作成中. A submitted or accepted sheet is changed only after it is sent
// back. The state is never stored by itself: it follows from the year's history (data/<year>/history.jsonl), one
// event a line, read by src/publication/review-log.ts. This module is the rules, on events already read.
import type { Actor } from './actor';

export type ReviewState = '作成中' | '提出' | '確認済';
export type FlowAction = 'submit' | 'accept' | 'return';

/** Who did something, as the history keeps it. */
export interface EventActor {
  name: string;
  displayName: string;
  role: Actor['role'];
}

/** One field a save changed: its schema path, its Japanese labels (schema titles), the values before and after. */
export interface FieldChange {
  path: (string | number)[];
  labels: string[];
  old: unknown;
  new: unknown;
}

/** One line of data/<year>/history.jsonl. */
export type HistoryEvent = {
  /** ISO 8601, from the clock: a record of what happened, not part of any build. */
  at: string;
  /** The sheet's number as its file writes it (`087`); what was asked for when a refusal names no sheet. */
  sheet: string;
  by: EventActor;
} & (
  /**
   * `base`: the SHA-256 of the file the save was made over. When it is not the `sha256` of the sheet's save before it,
   * the file was changed outside the server in between (an editor, `git pull`, `rollover`): the history says so.
   */
  | { event: 'save'; changes: FieldChange[]; sha256: string; base?: string }
  | { event: 'create'; sha256: string }
  | { event: FlowAction; from: ReviewState; to: ReviewState; comment?: string; sha256: string }
  | { event: 'refused'; action: string; status: number; message: string }
);

/** A sheet's place in the flow, as the history tells it. */
export interface SheetFlow {
  state: ReviewState;
  /** Who moved it there and when (absent for a sheet never submitted). */
  by?: EventActor;
  at?: string;
  /** The last state change was a 差し戻し: with its comment. */
  returned?: boolean;
  comment?: string;
  /** The SHA-256 of the file when it was submitted or accepted: a file changed since (by hand) is not what was checked. */
  sha256?: string;
}

export const INITIAL_FLOW: SheetFlow = { state: '作成中' };

const NEXT: Record<FlowAction, { from: ReviewState[]; to: ReviewState }> = {
  submit: { from: ['作成中'], to: '提出' },
  accept: { from: ['提出'], to: '確認済' },
  return: { from: ['提出', '確認済'], to: '作成中' },
};

/** The state an action leads to, or why the state does not allow it (Japanese, for a 409). */
export function transition(flow: SheetFlow, action: FlowAction): { to: ReviewState } | { refused: string } {
  const rule = NEXT[action];
  if (rule.from.includes(flow.state)) return { to: rule.to };
  const reasons: Record<FlowAction, Partial<Record<ReviewState, string>>> = {
    submit: { 提出: 'このシートは既に提出されています（確認を待っています）。', 確認済: 'このシートは確認済みです。直すときは、確認者に差し戻してもらってください。' },
    accept: { 作成中: 'このシートはまだ提出されていません。確認済にできるのは提出されたシートだけです。', 確認済: 'このシートは既に確認済みです。' },
    return: { 作成中: 'このシートは提出されていないので、差し戻せません（作成中です）。' },
  };
  return { refused: reasons[action][flow.state] ?? `このシートの状態（${flow.state}）では、その操作はできません。` };
}

/** Why a save is refused in this state (409), or undefined when the sheet may be changed. */
export function saveRefusal(flow: SheetFlow): string | undefined {
  if (flow.state === '提出') return `このシートは提出済みです（${whoWhen(flow)}）。変更するには、確認者に差し戻してもらってください。保存していません（入力した内容はこの画面に残っています）。`;
  if (flow.state === '確認済') return `このシートは確認済みです（${whoWhen(flow)}）。変更するには、確認者に差し戻してもらってください。保存していません（入力した内容はこの画面に残っています）。`;
  return undefined;
}

const whoWhen = (flow: SheetFlow) => [flow.by?.displayName, flow.at?.slice(0, 16).replace('T', ' ')].filter(Boolean).join('、');

/** Each sheet's flow, from a year's events in the order they were written. */
export function flowsOf(events: readonly HistoryEvent[]): Map<string, SheetFlow> {
  const flows = new Map<string, SheetFlow>();
  for (const e of events) {
    if (e.event !== 'submit' && e.event !== 'accept' && e.event !== 'return') continue;
    flows.set(e.sheet, {
      state: e.to,
      by: e.by,
      at: e.at,
      ...(e.event === 'return' ? { returned: true, comment: e.comment } : {}),
      ...(e.event !== 'return' ? { sha256: e.sha256 } : {}),
    });
  }
  return flows;
}

/** A year is in the flow once any of its sheets has been submitted; a year never put through it is published as before. */
export const usesFlow = (events: readonly HistoryEvent[]): boolean => events.some((e) => e.event === 'submit');

export const eventActor = (actor: Actor): EventActor => ({ name: actor.name, displayName: actor.displayName, role: actor.role });
