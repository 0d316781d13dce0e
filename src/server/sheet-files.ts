// Which file a URL's year and number name: only `data/<year>/<number>.yaml` as the data folder's own module judges
// it (src/model/data-folder.ts) — a link leading outside the data folder, a folder, two files claiming one number are
// refused with the same words as on the command line. No other path of the disk can be reached.
import { existsSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import { duplicateNumberFindings, numberFromFileName, readYearFolder, SHEET_FILE } from '../model/data-folder';
import { UserError } from '../model/errors';
import { HttpError } from './http';

const YEAR = /^20[0-9]{2}$/;

/** `2021` from a URL, or 404 (never a path of its own). */
export function yearOf(text: string): number {
  if (!YEAR.test(text)) throw new HttpError(404, `年度「${text}」はありません。年度は西暦 4 桁（例: 2021）です。`);
  return Number(text);
}

export function numberOf(text: string): number {
  // A number as a sheet's file name writes it (`087`, `87`): the data folder's own rule.
  if (!SHEET_FILE.test(`${text}.yaml`) || Number(text) < 1) throw new HttpError(404, `事業番号「${text}」はありません。事業番号は 1〜4 桁の数字です。`);
  return Number(text);
}

/** The year folder as every command reads it; a missing folder or one linked from outside the data folder is refused. */
export function yearFolder(dataDir: string, year: number) {
  if (!existsSync(join(dataDir, String(year)))) throw new HttpError(404, `${year}年度のフォルダがありません。`);
  try {
    return readYearFolder(dataDir, year);
  } catch (error) {
    if (error instanceof UserError) throw new HttpError(403, error.message);
    throw error;
  }
}

export interface SheetFile {
  /** The sheet's file as the data folder lists it (`data/2021/087.yaml`). */
  file: string;
  /** Where its bytes are: the file itself, or the file inside the data folder that a link leads to. Saves go there. */
  real: string;
}

/** The one file of the year that holds sheet `number`, or a refusal saying why there is none. */
export function sheetFile(dataDir: string, year: number, number: number): SheetFile {
  const folder = yearFolder(dataDir, year);
  const refused = folder.refused.find((f) => numberFromFileName(f.file) === number);
  if (refused) throw new HttpError(403, `${basename(refused.file)}: ${refused.message}。`);
  const files = folder.sheets.filter((f) => numberFromFileName(f) === number);
  if (files.length === 0) throw new HttpError(404, `${year}年度のシート ${String(number).padStart(3, '0')} はありません。`);
  if (files.length > 1) {
    const [duplicate] = duplicateNumberFindings(files);
    throw new HttpError(409, `${basename(duplicate.file)}: ${duplicate.message}。`);
  }
  return { file: files[0], real: realpathSync(files[0]) };
}
