// `sheetbook new NUMBER`: a blank sheet with every field present, for a new project.
import { existsSync, mkdirSync } from 'node:fs';
import { writeNewFile } from '../pipeline/write';
import { join } from 'node:path';
import { yearSettings } from '../model/city';
import { readCityData } from '../pipeline/city-data';
import { eraYearText } from '../model/era';
import { UserError } from '../model/errors';
import { formatNumber } from '../model/format';
import { filesForNumber } from '../batch/selection';
import { displayPath } from '../model/report';
import { sheetYaml } from '../interchange/sheet-yaml';
import { blankSheet } from '../model/form';
import { defaultYearLine, newestYear } from './target-year';

export interface NewOptions {
  number: number;
  year?: number;
  department?: string;
  division?: string;
  dataDir: string;
}

export function runNew(options: NewOptions, log: (line: string) => void = console.log): string {
  const year = options.year ?? defaultYear(options.dataDir, log);
  const dir = join(options.dataDir, String(year));
  const file = join(dir, `${formatNumber(options.number)}.yaml`);
  const [clash] = filesForNumber(options.dataDir, year, options.number);
  if (existsSync(file) || clash) {
    throw new UserError(`${displayPath(clash ?? file)} は既にあります。上書きはしません（別の番号にするか、既存のファイルを直してください）。`);
  }
  mkdirSync(dir, { recursive: true });
  // A new project continues none of last year's sheets (without `continues`, a sheet continues its own number).
  const sheet = blankSheet(year, options.number, { department: options.department ?? '', division: options.division ?? '', continues: [] });
  writeNewFile(file, Buffer.from(sheetYaml(sheet, file, { guide: true, origin: 'sheetbook new で作った空のシートです。空欄を記入してください（sheetbook validate で未記入の項目が分かります）。' })));
  log(`作成: ${displayPath(file)}（空欄の項目を記入してください。「sheetbook validate ${displayPath(file)}」で確認できます）`);
  return file;
}

/**
 * The year a new project's sheet belongs to: the newest year folder, unless that year's documents already have
 * their 発行日 in city.yaml; a new project then starts in the following year, so that it cannot hold up a
 * booklet that is issued or about to be.
 */
function defaultYear(dataDir: string, log: (line: string) => void): number {
  const { year, after } = newSheetYear(dataDir);
  if (after !== undefined) {
    log(`${eraYearText(after.year)}は発行日（${after.issueDate}）が決まっているため、新しい事業は${eraYearText(year)}のシートとして作ります（${eraYearText(after.year)}に作るには --year ${after.year} を付けます）。`);
  }
  return year;
}

/** The year `new` takes without --year, and the issued year it comes after, if it does. */
function newSheetYear(dataDir: string): { year: number; after?: { year: number; issueDate: string } } {
  const newest = existsSync(dataDir) ? newestYear(dataDir) : undefined;
  if (newest === undefined) throw new UserError(`年度を --year で指定してください（${displayPath(dataDir)} に年度のフォルダがありません）。`, 2);
  const issued = yearSettings(readCityData(dataDir).city, newest).issueDate;
  return issued ? { year: newest + 1, after: { year: newest, issueDate: issued } } : { year: newest };
}

/** `sheetbook new`: says on stderr which year it takes when --year is left out. */
export async function main(options: NewOptions): Promise<number> {
  if (options.year === undefined) {
    const { year, after } = newSheetYear(options.dataDir);
    console.error(defaultYearLine(options.dataDir, year, after?.year));
  }
  runNew(options);
  return 0;
}
