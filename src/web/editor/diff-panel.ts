// Beside the form: the 新旧対照表 of the saved sheet (GET /api/sheets/<year>/<number>/diff, the rows `sheetbook diff`
// prints) — every printed value that differs from last year's sheet it continues, old and new, with the reason of a
// restatement. Drawn when the page opens and again after each save.
import { el, replaceChildren } from '../dom';
import type { DiffAnswer } from '../types';

export interface DiffPanel {
  node: HTMLElement;
  /** Ask again (after a save). */
  refresh(): Promise<void>;
}

async function fetchDiff(year: number, number: string): Promise<DiffAnswer> {
  const response = await fetch(`/api/sheets/${year}/${encodeURIComponent(number)}/diff`, { credentials: 'same-origin' });
  const body = (await response.json().catch(() => ({}))) as Partial<DiffAnswer> & { message?: string };
  if (!response.ok) return { rows: [], message: body.message ?? `サーバーがエラーを返しました（${response.status}）。` };
  return { rows: [], ...body };
}

export function diffPanel(year: number, number: string): DiffPanel {
  const status = el('p', { id: 'diff-status' }, '前年度のシートと比べています…');
  // Scrolls when long: focusable, so that a keyboard can scroll it too.
  const table = el('div', { id: 'diff-table', tabindex: '0', role: 'region', 'aria-label': '前年度から変わった欄' });
  const node = el('section', { class: 'diff-panel', 'aria-labelledby': 'diff-h' }, el('h2', { id: 'diff-h' }, '前年度からの変更（新旧対照表）'), status, table);

  const draw = (answer: DiffAnswer) => {
    if (answer.message) {
      status.textContent = answer.message;
      replaceChildren(table);
      return;
    }
    status.textContent = answer.rows.length === 0 ? `${answer.basis ?? ''}　変わった欄はありません。` : `${answer.basis ?? ''}　変わった欄 ${answer.rows.length} か所（保存した内容）`;
    if (answer.rows.length === 0) {
      replaceChildren(table);
      return;
    }
    const several = new Set(answer.rows.map((r) => r.from)).size > 1;
    replaceChildren(
      table,
      el(
        'table',
        { class: 'diff' },
        el('thead', {}, el('tr', {}, ...['箇所', answer.beforeHead ?? '旧', answer.afterHead ?? '新'].map((h) => el('th', { scope: 'col' }, h)))),
        el(
          'tbody',
          {},
          ...answer.rows.map((r) =>
            el(
              'tr',
              { 'data-key': r.key },
              el('th', { scope: 'row' }, several ? `（${r.from}）${r.place}` : r.place),
              el('td', {}, r.before || '（空欄）'),
              el('td', {}, r.after || '（空欄）', r.reason ? el('span', { class: 'diff-reason' }, `理由: ${r.reason}`) : null),
            ),
          ),
        ),
      ),
    );
  };

  const refresh = async () => {
    try {
      draw(await fetchDiff(year, number));
    } catch (error) {
      draw({ rows: [], message: `前年度のシートと比べられませんでした: ${(error as Error).message}` });
    }
  };
  return { node, refresh };
}
