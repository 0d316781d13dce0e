// The review flow in the editor (issue 22): the sheet's state (作成中, 提出, 確認済, and whether it was sent back with
// a comment), the steps this person may take now (提出する; 確認済にする; 差し戻す with a comment box) as the server
// says them, and the sheet's history — every save with the fields it changed from what to what, every step and
// comment, every refusal — newest first. The save button follows the state: a submitted or accepted sheet is
// changed only after it is sent back.
import { ApiError, flowStep, getHistory } from '../api';
import { el, replaceChildren } from '../dom';
import { savedAtText } from '../list-page';
import type { FlowAction, HistoryEvent, SheetFlow } from '../types';

/** The history shown: the newest events (a sheet saved all year has hundreds). */
const SHOWN_EVENTS = 50;

export interface FlowPanel {
  /** The state and the buttons: placed under the editor's bar. */
  node: HTMLElement;
  /** The history: placed after the form. */
  historyNode: HTMLElement;
  /** True while the sheet may not be saved (提出, 確認済). */
  readonly locked: boolean;
  /** Read the state and the history again (after a save). */
  refresh(): Promise<void>;
}

export interface FlowPanelOptions {
  year: number;
  number: string;
  flow?: SheetFlow;
  actions?: FlowAction[];
  /** Unsaved changes in the form: a step is taken on the file as saved, so the person saves first. */
  dirty: () => boolean;
  /** Told whenever the state changes whether saving is now refused. */
  onLock: (locked: boolean) => void;
}

const BUTTONS: Record<Exclude<FlowAction, 'return'>, { id: string; text: string; done: string }> = {
  submit: { id: 'flow-submit', text: '提出する', done: '提出しました。確認を待っています。' },
  accept: { id: 'flow-accept', text: '確認済にする', done: '確認済にしました。' },
};

const EVENT_NAMES: Record<HistoryEvent['event'], string> = {
  save: '保存',
  create: '作成',
  submit: '提出',
  accept: '確認済',
  return: '差し戻し',
  refused: '断った操作',
};

const ACTION_NAMES: Record<string, string> = {
  get: '開く', save: '保存', check: '検査', preview: '見本', submit: '提出', accept: '確認済にする', return: '差し戻す', history: '履歴', create: '作成',
};

export function flowPanel(options: FlowPanelOptions): FlowPanel {
  let flow: SheetFlow = options.flow ?? { state: '作成中' };
  let actions: FlowAction[] = options.actions ?? [];
  const stateText = el('p', { id: 'flow-state', role: 'status' });
  const comment = el('p', { id: 'flow-comment', class: 'returned-comment' });
  const buttons = el('div', { class: 'flow-actions' });
  const message = el('p', { id: 'flow-message', class: 'error-text', role: 'alert' });
  const commentBox = el('textarea', { id: 'return-comment', rows: 3, 'aria-describedby': 'return-comment-help' });
  const node = el(
    'section',
    { class: 'flow-panel', 'aria-labelledby': 'flow-h' },
    el('h2', { id: 'flow-h' }, '確認の状態'),
    stateText,
    comment,
    buttons,
    message,
  );
  const historyList = el('ol', { id: 'history-list', class: 'history', reversed: true });
  const historyNote = el('p', { id: 'history-note', class: 'help' });
  const historyNode = el('section', { class: 'history-panel', 'aria-labelledby': 'history-h' }, el('h2', { id: 'history-h' }, '履歴'), historyNote, historyList);

  const locked = () => flow.state !== '作成中';

  const draw = () => {
    const who = flow.by ? `（${flow.by.displayName}${flow.at ? `、${savedAtText(flow.at)}` : ''}）` : '';
    const hint = flow.state === '作成中' ? '' : ' 変更するには、差し戻してもらってください。';
    stateText.textContent = `状態: ${flow.state}${flow.returned ? '（差し戻し）' : ''}${who}${hint}`;
    comment.textContent = flow.returned && flow.comment ? `差し戻しのコメント: ${flow.comment}` : '';
    comment.hidden = !(flow.returned && flow.comment);
    const parts: HTMLElement[] = [];
    for (const action of ['submit', 'accept'] as const) {
      if (actions.includes(action)) parts.push(el('button', { type: 'button', id: BUTTONS[action].id, class: action === 'submit' ? 'primary' : '', onclick: () => void step(action) }, BUTTONS[action].text));
    }
    if (actions.includes('return')) {
      parts.push(
        el(
          'div',
          { class: 'return-form' },
          el('label', { for: 'return-comment' }, '差し戻しのコメント'),
          el('p', { id: 'return-comment-help', class: 'help' }, '直してほしいことを書きます（必須）。作成者の画面と履歴に残ります。'),
          commentBox,
          el('button', { type: 'button', id: 'flow-return', onclick: () => void step('return') }, '差し戻す'),
        ),
      );
    }
    replaceChildren(buttons, ...parts);
    options.onLock(locked());
  };

  const step = async (action: FlowAction) => {
    message.textContent = '';
    if (action === 'submit' && options.dirty()) {
      message.textContent = '保存していない変更があります。先に保存してから提出してください。';
      return;
    }
    let text: string | undefined;
    if (action === 'return') {
      text = commentBox.value.trim();
      if (text === '') {
        message.textContent = '差し戻すときは、直してほしいことをコメントに書いてください。';
        commentBox.focus();
        return;
      }
    }
    try {
      const result = await flowStep(options.year, options.number, action, text);
      flow = result.flow;
      actions = result.actions;
      // The comment is kept until it is sent: a redraw after a save does not lose what a reviewer is writing.
      if (action === 'return') commentBox.value = '';
      draw();
      stateText.textContent = `${action === 'return' ? '差し戻しました。' : BUTTONS[action].done} ${stateText.textContent}`;
      await drawHistory();
    } catch (error) {
      message.textContent = error instanceof ApiError ? error.message : String(error);
    }
  };

  const drawHistory = async () => {
    try {
      const history = await getHistory(options.year, options.number);
      flow = history.flow;
      actions = history.actions;
      const outside = changedOutside(history.events);
      const events = history.events.slice(-SHOWN_EVENTS).reverse();
      historyNote.textContent = history.events.length === 0 ? 'まだ履歴はありません（保存や提出をすると、ここに残ります）。' : history.events.length > SHOWN_EVENTS ? `新しい ${SHOWN_EVENTS} 件を表示しています（全 ${history.events.length} 件。data/${options.year}/history.jsonl）。` : '';
      replaceChildren(historyList, ...events.map((e) => eventItem(e, outside.has(e))));
      historyNode.dataset.loaded = String(history.events.length);
    } catch (error) {
      historyNote.textContent = `履歴を読めませんでした: ${(error as Error).message}`;
    }
  };

  draw();
  void drawHistory().then(draw);
  return {
    node,
    historyNode,
    get locked() {
      return locked();
    },
    refresh: async () => {
      await drawHistory();
      draw();
    },
  };
}

/** A value as the history shows it: text as typed, nothing as （なし）, a list or group as JSON. */
function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '（なし）';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Saves made over a file that was not the one the sheet's save before wrote: it was changed outside the server in between. */
function changedOutside(events: HistoryEvent[]): Set<HistoryEvent> {
  const marked = new Set<HistoryEvent>();
  let last: string | undefined;
  for (const e of events) {
    if (e.event !== 'save' && e.event !== 'create') continue;
    if (e.event === 'save' && last !== undefined && e.base !== undefined && e.base !== last) marked.add(e);
    last = e.sha256;
  }
  return marked;
}

function eventItem(e: HistoryEvent, afterOutsideChange = false): HTMLLIElement {
  const head = el('p', { class: 'history-head' }, el('time', { datetime: e.at }, savedAtText(e.at)), ` ${e.by.displayName}: `, el('strong', {}, EVENT_NAMES[e.event] ?? e.event));
  const item = el('li', { class: `history-${e.event}` }, head);
  if (afterOutsideChange) item.append(el('p', { class: 'history-refused' }, 'この保存の前に、ファイルがこの画面の外（エディタ、git pull など）で変更されていました。'));
  if (e.event === 'save' && e.changes && e.changes.length > 0) {
    item.append(
      el(
        'table',
        { class: 'changes' },
        el('caption', { class: 'visually-hidden' }, `${savedAtText(e.at)} の保存で変わった欄`),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '欄'), el('th', { scope: 'col' }, '変更前'), el('th', { scope: 'col' }, '変更後'))),
        el('tbody', {}, ...e.changes.map((c) => el('tr', {}, el('th', { scope: 'row' }, c.labels.join(' › ')), el('td', {}, valueText(c.old)), el('td', {}, valueText(c.new))))),
      ),
    );
  }
  if (e.comment) item.append(el('p', { class: 'history-comment' }, `コメント: ${e.comment}`));
  if (e.event === 'refused') item.append(el('p', { class: 'history-refused' }, `${ACTION_NAMES[e.action ?? ''] ?? e.action}（${e.status}）: ${e.message ?? ''}`));
  return item;
}
