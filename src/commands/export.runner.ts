// `sheetbook export`: one year's sheets as one open-data file, output/<year>/opendata.csv or opendata.json.
// All or nothing: when any sheet has an error, nothing is written and the file exported before stays as it was.
import { join } from 'node:path';
import { personnelCosts } from '../pipeline/derive';
import { openDataColumns, openDataRow, toCsv, toJson, type OpenDataRow } from '../interchange/open-data';
import { removeStaleTemporaries, writeFileAtomic } from '../pipeline/write';
import { checkData, openWorkspace } from '../pipeline/sheet';
import { folderFindings, selectSheetFiles } from '../batch/selection';
import { displayPath, formatFinding } from '../model/report';
import type { Sheet } from '../model/form';
import { announcedYear } from './target-year';

export interface ExportOptions {
  year?: number;
  dataDir: string;
  outDir: string;
  format: 'csv' | 'json';
}

export interface ExportSummary {
  /** The file written; absent when a sheet had errors. */
  file?: string;
  /** Sheet files with errors. */
  failed: string[];
}

export function exportPathFor(outDir: string, year: number, format: ExportOptions['format']): string {
  return join(outDir, String(year), `opendata.${format}`);
}

export async function runExport(options: ExportOptions, log: (line: string) => void = console.log): Promise<ExportSummary> {
  const selection = selectSheetFiles(options);
  const { year } = selection;

  const workspace = openWorkspace(options.dataDir);
  const failed = new Set(selection.excluded);
  for (const finding of folderFindings(selection)) log(formatFinding(finding));

  // Every sheet is checked before anything is written, with the same data checks as build.
  const sheets: Sheet[] = [];
  for (const file of selection.files) {
    // The data's own checks: how a text would be set on paper does not touch the figures, so nothing is measured.
    const checked = checkData(file, workspace);
    for (const finding of checked.findings.filter((f) => f.severity === 'error')) log(formatFinding(finding));
    if (checked.sheet) sheets.push(checked.sheet);
    else failed.add(file);
  }
  if (failed.size > 0) {
    const list = selection.all.filter((f) => failed.has(f));
    log(`誤りのあるシートが ${list.length} 件あるため、オープンデータを書き出しませんでした（前に書き出したファイルはそのままです）。上の一覧を直して、もう一度実行してください。`);
    return { failed: list };
  }

  sheets.sort((a, b) => a.number - b.number);
  const columns = openDataColumns(year);
  const rows: OpenDataRow[] = sheets.map((sheet) => openDataRow(columns, sheet, personnelCosts(sheet, workspace.city)));
  const bytes = options.format === 'json' ? toJson(rows, columns) : toCsv(rows, columns);
  const target = exportPathFor(options.outDir, year, options.format);
  removeStaleTemporaries(join(options.outDir, String(year)));
  writeFileAtomic(target, bytes);
  log(`作成: ${displayPath(target)}（${rows.length} 事業）`);
  return { file: target, failed: [] };
}

/** `sheetbook export`: exit 1 when nothing was written for errors in the sheets. */
export async function main(options: ExportOptions): Promise<number> {
  const result = await runExport({ ...options, year: announcedYear(options.dataDir, options.year) });
  return result.file ? 0 : 1;
}
