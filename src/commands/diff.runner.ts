// `sheetbook diff`: the 新旧対照表 of one sheet (src/publication/sheet-diff.ts), printed, and with --out written as
// CSV and as a PDF (an A4 table through the PDF writer, as the 正誤表), both at once or neither.
import { join } from 'node:path';
import { issuedOn } from '../model/city';
import { numberFromFileName, sheetFiles } from '../model/data-folder';
import { eraYearText } from '../model/era';
import { UserError } from '../model/errors';
import { formatNumber } from '../model/format';
import { displayPath } from '../model/report';
import { loadCityData } from '../pipeline/city-data';
import { renderPages } from '../pipeline/render';
import { documentPdf, openWorkspace, type Workspace } from '../pipeline/sheet';
import { FileTransaction } from '../pipeline/write';
import { diffCsv, diffTableRows, sheetDiff, type DiffRow, type SheetDiff } from '../publication/sheet-diff';
import { announcedYear } from './target-year';

export interface DiffOptions {
  number: number;
  year?: number;
  /** The year to compare with (by default the year before). */
  from?: number;
  /** The date of a publication record to compare with instead. */
  published?: string;
  dataDir: string;
  /** Where to write the PDF and the CSV; nothing is written without it. */
  outDir?: string;
}

export interface DiffResult {
  basis: string;
  rows: DiffRow[];
  files: string[];
}

/** The sheet file of a project number in a year folder; a number the year lacks is a usage error naming those it has. */
export function sheetFileFor(dataDir: string, year: number, number: number): string {
  const files = sheetFiles(dataDir, year);
  const file = files.find((f) => numberFromFileName(f) === number);
  if (!file) {
    throw new UserError(
      `${eraYearText(year)}（${displayPath(join(dataDir, String(year)))}）に事業番号 ${formatNumber(number)} のシートはありません（事業番号: ${files.map((f) => formatNumber(numberFromFileName(f)!)).join('、') || 'なし'}）。`,
      2,
    );
  }
  return file;
}

const short = (text: string) => !text.includes('\n') && [...text].length <= 30;

/** The rows as lines for a terminal: short values on one line (旧 → 新), long texts on two. */
export function diffLines(diff: SheetDiff): string[] {
  const several = new Set(diff.rows.map((r) => r.from)).size > 1;
  const lines = [`${diff.title}`, diff.basis];
  if (diff.rows.length === 0) lines.push('変わった欄はありません。');
  for (const r of diff.rows) {
    const place = several ? `（${r.from}）${r.place}` : r.place;
    const reason = r.reason ? `（理由: ${r.reason}）` : '';
    if (short(r.before) && short(r.after)) lines.push(`${place}: ${r.before || '（空欄）'} → ${r.after || '（空欄）'}${reason}`);
    else lines.push(`${place}:${reason}`, `  旧: ${r.before.replace(/\n/g, '\n      ')}`, `  新: ${r.after.replace(/\n/g, '\n      ')}`);
  }
  return lines;
}

/** The 新旧対照表 as a PDF: heading, what is compared, the ruled table (templates/diff.hbs), pages numbered `1 / N`. */
export function diffPdf(workspace: Workspace, diff: SheetDiff, year: number): Buffer {
  const { layout } = workspace.templates;
  const shown = { ...diff, rows: diffTableRows(diff) };
  const doc = renderPages(workspace.templates.diff({ layout, diff: shown }), layout, workspace.fontSet);
  const info = { title: diff.title, author: workspace.city.name, subject: diff.basis };
  return documentPdf(workspace, doc, info, issuedOn(workspace.city, year));
}

export async function runDiff(options: DiffOptions, log: (line: string) => void = console.log): Promise<DiffResult> {
  const year = options.year ?? announcedYear(options.dataDir, undefined);
  const file = sheetFileFor(options.dataDir, year, options.number);
  const workspace = options.outDir !== undefined ? openWorkspace(options.dataDir) : undefined;
  const city = workspace?.city ?? loadCityData(options.dataDir);
  const diff = sheetDiff({ file, dataDir: options.dataDir, city, from: options.from, published: options.published });
  diffLines(diff).forEach((line) => log(line));
  const files: string[] = [];
  if (workspace && options.outDir !== undefined) {
    const basis = options.published ?? String(options.from ?? year - 1);
    const name = `新旧対照表-${formatNumber(options.number)}-${basis}`;
    const transaction = new FileTransaction();
    for (const [ext, bytes] of [
      ['csv', diffCsv(diff)],
      ['pdf', diffPdf(workspace, diff, year)],
    ] as const) {
      const out = join(options.outDir, `${name}.${ext}`);
      transaction.stage(out, bytes, () => log(`作成: ${displayPath(out)}`));
      files.push(out);
    }
    transaction.commit();
  }
  return { basis: diff.basis, rows: diff.rows, files };
}

/** `sheetbook diff`. */
export async function main(options: DiffOptions): Promise<number> {
  await runDiff(options);
  return 0;
}
