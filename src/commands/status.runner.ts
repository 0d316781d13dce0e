// `sheetbook status`: the year at a glance (src/publication/year-status.ts, which the editor's first page shows too).
import { spreadsheetCsv } from '../interchange/csv';
import { checkDepartments } from '../batch/selection';
import { yearStatus, type FlowStatus, type SheetStatus, type YearStatus } from '../publication/year-status';
import { eraYearText } from '../model/era';
import { displayPath } from '../model/report';
import { openWorkspace } from '../pipeline/sheet';
import { announcedYear } from './target-year';

export interface StatusOptions {
  year?: number;
  departments: string[];
  format: 'text' | 'json' | 'csv';
  dataDir: string;
}

/** The columns of the list, in order, with their Japanese headers (the CSV's and the text's). */
const COLUMNS: { key: keyof SheetStatus; header: string }[] = [
  { key: 'key', header: '事業番号' },
  { key: 'name', header: '事務事業名' },
  { key: 'department', header: '担当部' },
  { key: 'division', header: '担当課' },
  { key: 'errors', header: 'エラー' },
  { key: 'warnings', header: '警告' },
  { key: 'review', header: '書き直し（review）' },
  { key: 'doubts', header: '要確認（doubts）' },
  { key: 'changedSincePublish', header: '発行後の変更' },
  { key: 'savedAt', header: '最後の保存' },
  { key: 'flow', header: '確認の状態' },
];

export function runStatus(options: StatusOptions, year: number): YearStatus {
  const workspace = openWorkspace(options.dataDir, undefined, { tolerateDataErrors: true });
  const status = yearStatus(workspace, options.dataDir, year);
  if (options.departments.length === 0) return status;
  checkDepartments(options.departments, status.sheets.map((s) => s.department).filter((d) => d !== ''));
  return { ...status, sheets: status.sheets.filter((s) => options.departments.includes(s.department)) };
}

const changedText = (value: boolean | null) => (value === null ? '（発行の記録なし）' : value ? '変更あり' : 'なし');

function cell(status: SheetStatus, key: keyof SheetStatus): string {
  const value = status[key];
  if (key === 'changedSincePublish') return changedText(value as boolean | null);
  if (key === 'savedAt') return localTime(String(value));
  if (key === 'flow') return flowText(status.flow);
  return String(value ?? '');
}

/** `2022-09-30 14:05` in the machine's own time zone (as a person reads a clock). */
function localTime(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** 確認済, 提出, 作成中（差し戻し）…, as the list and the first page say it. */
export function flowText(flow: FlowStatus): string {
  const notes = [...(flow.returned ? ['差し戻し'] : []), ...(flow.changedSince ? ['その後ファイルが変更'] : [])];
  return `${flow.state}${notes.length > 0 ? `（${notes.join('、')}）` : ''}`;
}

export function statusText(status: YearStatus): string {
  const lines = [
    `${eraYearText(status.year)}（${status.year}年度）: ${status.sheets.length} シート、誤りのあるシート ${status.sheets.filter((s) => s.errors > 0).length}` +
      `${status.flowInUse ? `、確認済 ${status.sheets.filter((s) => s.flow.state === '確認済' && !s.flow.changedSince).length}` : ''}` +
      `${status.issueDate ? `、発行日 ${status.issueDate}` : '、発行日なし'}${status.lastRecord ? `、最後の発行の記録 ${status.lastRecord}` : ''}`,
  ];
  if (status.historyDamaged > 0) {
    lines.push(`注意: 履歴（${status.year} のフォルダの history.jsonl）に、読めない行が ${status.historyDamaged} 行あります（書き込みの途中で止まった行など）。その行は飛ばし、ほかの行で状態を決めています。`);
  }
  for (const s of status.sheets) {
    const counts = [`エラー ${s.errors}`, `警告 ${s.warnings}`, ...(s.review ? [`書き直し ${s.review}`] : []), ...(s.doubts ? [`要確認 ${s.doubts}`] : [])];
    const changed = s.changedSincePublish === true ? '、発行後に変更あり' : '';
    // The state only for a year in the review flow: a year never put through it has nothing to say there.
    const state = status.flowInUse ? `　${flowText(s.flow)}` : '';
    lines.push(`${s.key} ${s.name || '（事務事業名なし）'}　${[s.department, s.division].filter(Boolean).join(' ')}　${counts.join('、')}${changed}${state}　保存 ${localTime(s.savedAt)}`);
    if (s.firstError) lines.push(`    ${displayPath(s.file)}: ${s.firstError}`);
    if (status.flowInUse && s.flow.returned && s.flow.comment) lines.push(`    差し戻しのコメント（${s.flow.by ?? ''}）: ${s.flow.comment}`);
  }
  return lines.join('\n');
}

/** UTF-8 with a BOM and CRLF, as spreadsheet software on Japanese Windows reads it (as the 正誤表's CSV). */
export function statusCsv(status: YearStatus): Buffer {
  return spreadsheetCsv([COLUMNS.map((c) => c.header), ...status.sheets.map((s) => COLUMNS.map((c) => cell(s, c.key)))]);
}

export async function main(options: StatusOptions): Promise<number> {
  const year = announcedYear(options.dataDir, options.year);
  const status = runStatus(options, year);
  if (options.format === 'json') console.log(JSON.stringify({ ...status, sheets: status.sheets.map((s) => ({ ...s, file: displayPath(s.file) })), folder: status.folder.map((f) => ({ ...f, file: displayPath(f.file) })) }, null, 2));
  else if (options.format === 'csv') process.stdout.write(statusCsv(status));
  else console.log(statusText(status));
  return status.sheets.some((s) => s.errors > 0) ? 1 : 0;
}
