// The first page: every sheet of the year at a glance (as `sheetbook status`), filtered by 部; a sheet opens in the
// editor; a new one is made as `sheetbook new` makes it.
import { ApiError, createSheet, getYear } from './api';
import { el, replaceChildren, sheetNumberText } from './dom';
import type { FlowStatus, SheetRow, YearList } from './types';

const ALL = '';

export async function showListPage(page: HTMLElement, year: number, years: number[], navigate: (path: string) => Promise<void>): Promise<void> {
  const main = el('main', { id: 'main', tabindex: '-1', class: 'list-page' }, el('p', { class: 'loading' }, '読み込んでいます…'));
  replaceChildren(page, main);
  document.title = `${year}年度のシート一覧 — sheetbook`;
  let list: YearList;
  try {
    list = await getYear(year);
  } catch (error) {
    replaceChildren(main, el('h1', {}, 'シートの一覧'), el('p', { class: 'error-text', role: 'alert' }, (error as Error).message));
    return;
  }

  const departments = [...new Set(list.sheets.map((s) => s.department).filter((d) => d))].sort((a, b) => a.localeCompare(b, 'ja'));
  const filter = el('select', { id: 'department-filter', onchange: () => fill() }, el('option', { value: ALL }, 'すべての部'), ...departments.map((d) => el('option', { value: d }, d)));
  const count = el('p', { id: 'sheet-count', role: 'status' });
  const body = el('tbody');
  const table = el(
    'table',
    { class: 'sheets', 'aria-describedby': 'sheet-count' },
    el('caption', {}, `${list.year}年度のシート`),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['番号', '事務事業名', '担当部', '担当課', 'エラー', '警告', '書き直し', '要確認', '発行後の変更', '最後の保存', ...(list.flowInUse ? ['確認の状態'] : [])].map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    body,
  );

  const fill = () => {
    const department = filter.value;
    const rows = list.sheets.filter((s) => department === ALL || s.department === department);
    replaceChildren(body, ...rows.map((s) => sheetRow(s, list.year, list.flowInUse === true)));
    count.textContent = `${rows.length} 件${department === ALL ? '' : `（${department}）`}／全 ${list.sheets.length} 件`;
  };
  fill();

  replaceChildren(
    main,
    el('h1', {}, `${list.year}年度 事務事業マネジメントシート`),
    years.length > 1
      ? el('nav', { 'aria-label': '年度', class: 'years' }, el('ul', {}, ...years.map((y) => el('li', {}, y === list.year ? el('a', { href: `/years/${y}`, 'aria-current': 'page' }, `${y}年度`) : el('a', { href: `/years/${y}` }, `${y}年度`)))))
      : null,
    list.issueDate ? el('p', {}, `発行日: ${list.issueDate}${list.lastRecord ? `（最後の発行の記録: ${list.lastRecord}。「発行後の変更」はこの記録と比べます）` : ''}`) : el('p', {}, '発行日はまだ決まっていません（data/city.yaml の years:）。'),
    (list.folder ?? []).length > 0
      ? el('section', { class: 'folder-notes', 'aria-labelledby': 'folder-h' }, el('h2', { id: 'folder-h' }, 'シートとして読まないファイル'), el('ul', { class: 'findings' }, ...list.folder.map((f) => el('li', { class: f.severity }, `${f.file.split(/[\\/]/).pop()}: ${f.message}`))))
      : null,
    el('div', { class: 'filter' }, el('label', { for: 'department-filter' }, '部で絞り込む'), filter),
    count,
    el('div', { class: 'table-scroll' }, table),
    newSheetForm(list, departments, navigate),
  );
}

function sheetRow(sheet: SheetRow, year: number, withFlow: boolean): HTMLTableRowElement {
  const number = sheet.key ?? sheetNumberText(sheet.number);
  const link = el('a', { href: `/sheets/${year}/${number}` }, sheet.name || '（事務事業名なし）');
  const firstError = sheet.firstError ? el('p', { class: 'first-error' }, `最初のエラー: ${sheet.firstError}`) : null;
  const cell = (value: number, kind: string) => el('td', { class: value > 0 ? `count ${kind}` : 'count' }, String(value));
  return el(
    'tr',
    {},
    el('td', {}, number),
    el('td', {}, link, firstError),
    el('td', {}, sheet.department),
    el('td', {}, sheet.division),
    cell(sheet.errors, 'has-errors'),
    cell(sheet.warnings, 'has-warnings'),
    cell(sheet.review, 'has-errors'),
    cell(sheet.doubts, 'has-errors'),
    el('td', {}, sheet.changedSincePublish === null || sheet.changedSincePublish === undefined ? '—' : sheet.changedSincePublish ? 'あり' : 'なし'),
    el('td', {}, sheet.savedAt ? savedAtText(sheet.savedAt) : '—'),
    withFlow && sheet.flow ? el('td', { class: `flow-${sheet.flow.state}` }, flowText(sheet.flow)) : null,
  );
}

/** 確認済, 提出, 作成中（差し戻し）…: as `sheetbook status` says it. */
function flowText(flow: FlowStatus): string {
  const notes = [...(flow.returned ? ['差し戻し'] : []), ...(flow.changedSince ? ['その後ファイルが変更'] : [])];
  return `${flow.state}${notes.length > 0 ? `（${notes.join('、')}）` : ''}`;
}

/** 2022-06-01T09:30:00.000Z → 2022-06-01 18:30 (the person's own clock). */
export function savedAtText(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

function newSheetForm(list: YearList, departments: string[], navigate: (path: string) => Promise<void>): HTMLElement {
  const message = el('p', { id: 'new-sheet-message', class: 'error-text', role: 'alert' });
  const number = el('input', { id: 'new-number', name: 'number', inputmode: 'numeric', required: true, autocomplete: 'off', 'aria-describedby': 'new-number-help new-sheet-message' });
  const department = el('input', { id: 'new-department', name: 'department', list: 'department-list', required: true, autocomplete: 'off', 'aria-describedby': 'new-sheet-message' });
  const division = el('input', { id: 'new-division', name: 'division', required: true, autocomplete: 'off', 'aria-describedby': 'new-sheet-message' });
  const button = el('button', { type: 'submit' }, 'シートを作る');
  const form = el(
    'form',
    {
      class: 'new-sheet',
      'aria-labelledby': 'new-sheet-h',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        message.textContent = '';
        button.disabled = true;
        try {
          const made = await createSheet(list.year, { number: number.value.trim(), department: department.value.trim(), division: division.value.trim() });
          await navigate(`/sheets/${list.year}/${made.key ?? sheetNumberText(made.number)}`);
        } catch (error) {
          message.textContent = error instanceof ApiError ? error.message : String(error);
          button.disabled = false;
        }
      },
    },
    el('h2', { id: 'new-sheet-h' }, '新しいシートを作る'),
    el('p', { class: 'help', id: 'new-number-help' }, '事業番号（1〜4 桁の数字。例: 092）。全項目のそろった空のシートができます。'),
    el('div', { class: 'field' }, el('label', { for: 'new-number' }, '事業番号'), number),
    el('div', { class: 'field' }, el('label', { for: 'new-department' }, '担当部'), department),
    el('datalist', { id: 'department-list' }, ...departments.map((d) => el('option', { value: d }))),
    el('div', { class: 'field' }, el('label', { for: 'new-division' }, '担当課'), division),
    button,
    message,
  );
  return form;
}
