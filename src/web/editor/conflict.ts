// A save the server refused because the file changed on disk since it was loaded (412): the person's values stay
// in the page; they see what changed in the file, and choose to take those changes in (keeping their own) or to
// save their values over the file.
import { el } from '../dom';
import { clone, deleteAt, differences, getAt, hasAt, setAt } from '../paths';
import type { Conflict, DataPath, SheetData } from '../types';

export interface ConflictChoice {
  /** The file's values with the person's own changes on top. */
  merge(data: SheetData): void;
  /** Save the person's values over the file as it is now. */
  overwrite(): void;
}

const shown = (value: unknown): string => {
  if (value === undefined) return '（なし）';
  if (value === null) return '（未選択）';
  if (value === '') return '（空欄）';
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value.length === 0 ? '（なし）' : value.join(', ');
  if (typeof value === 'object' && Object.values(value).every((v) => v === null || typeof v !== 'object')) {
    return Object.entries(value).map(([k, v]) => `${k}: ${v}`).join(', ');
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** The file's values with the person's changes (from `base`, what they loaded, to `mine`) applied on top. */
export function merged(base: SheetData, mine: SheetData, disk: SheetData): SheetData {
  const out = clone(disk);
  for (const path of differences(base, mine)) {
    if (hasAt(mine, path)) setAt(out, path, clone(getAt(mine, path)));
    else deleteAt(out, path);
  }
  return out;
}

export function conflictPanel(conflict: Conflict, base: SheetData, mine: SheetData, label: (path: DataPath) => string, choice: ConflictChoice): HTMLElement {
  const onDisk = differences(base, conflict.disk.data);
  const own = new Set(differences(base, mine).map((p) => p.join('.')));
  const both = onDisk.filter((p) => own.has(p.join('.')));
  const rows = onDisk.map((path) =>
    el(
      'tr',
      { class: own.has(path.join('.')) ? 'both' : '' },
      el('th', { scope: 'row' }, label(path)),
      el('td', {}, shown(getAt(base, path))),
      el('td', {}, shown(getAt(conflict.disk.data, path))),
      el('td', {}, own.has(path.join('.')) ? shown(getAt(mine, path)) : '（変更なし）'),
    ),
  );
  return el(
    'section',
    { class: 'conflict', id: 'conflict', 'aria-labelledby': 'conflict-h', tabindex: '-1' },
    el('h2', { id: 'conflict-h' }, '保存できませんでした: ファイルがほかで変更されています'),
    el('p', {}, conflict.message),
    el('p', {}, 'あなたの入力はこのページにそのまま残っています。ファイルで変わった箇所は次のとおりです。'),
    onDisk.length > 0
      ? el(
          'div',
          { class: 'table-scroll' },
          el(
            'table',
            { class: 'changes' },
            el('caption', {}, `ファイルで変わった箇所（${onDisk.length} か所${both.length > 0 ? `。うち ${both.length} か所はあなたも変更` : ''}）`),
            el('thead', {}, el('tr', {}, ...['欄', '読み込んだとき', 'ファイルの今の内容', 'あなたの入力'].map((h) => el('th', { scope: 'col' }, h)))),
            el('tbody', {}, ...rows),
          ),
        )
      : el('p', {}, '値は変わっていません（コメントや書き方だけが変わっています）。'),
    el(
      'div',
      { class: 'actions' },
      el(
        'button',
        { type: 'button', id: 'conflict-merge', onclick: () => choice.merge(merged(base, mine, conflict.disk.data)) },
        both.length > 0 ? 'ファイルの変更を取り込む（両方で変えた箇所はあなたの入力）' : 'ファイルの変更を取り込む',
      ),
      el('button', { type: 'button', id: 'conflict-overwrite', onclick: () => choice.overwrite() }, 'あなたの入力で上書き保存する'),
    ),
  );
}
