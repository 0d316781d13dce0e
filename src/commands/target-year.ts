// The year a command works on, never a surprise: when --year is left out, the command says on stderr which year it
// took and why; and a year without its 発行日 is named, with the file and the line to add, wherever a date matters.
//
// The rule for the default year: every command takes the newest year folder of the data folder (data/2022/ over
// data/2021/), except `new`, which takes the year after it when that year's 発行日 is already in data/city.yaml.
import { join } from 'node:path';
import { selectYear } from '../batch/selection';
import { yearSettings, type CityData } from '../model/city';
import { fiscalYears } from '../model/data-folder';
import { eraYearText } from '../model/era';
import { UserError } from '../model/errors';
import { displayPath } from '../model/report';

/** `対象年度: 2021年度（令和3年度。--year を省いたので、data にある最新の年度。…）` */
export function defaultYearLine(dataDir: string, year: number, after?: number): string {
  const why = after === undefined ? 'にある最新の年度' : `にある最新の、発行日の決まった ${after}年度の次の年度`;
  return `対象年度: ${year}年度（${eraYearText(year)}。--year を省いたので、${displayPath(dataDir)} ${why}。ほかの年度は --year で指定します）`;
}

/**
 * The year a command works on: the one given, or the newest year folder, said on stderr (`say`) when defaulted.
 * Throws the usual usage errors (no data folder, no year folder).
 */
export function announcedYear(dataDir: string, year: number | undefined, say: (line: string) => void = console.error): number {
  const chosen = selectYear(dataDir, year);
  if (year === undefined) say(defaultYearLine(dataDir, chosen));
  return chosen;
}

/** The newest year folder, if any (for `new`, which may make the first sheet of a year). */
export function newestYear(dataDir: string): number | undefined {
  const years = fiscalYears(dataDir);
  return years[years.length - 1];
}

/** `data/city.yaml の years: の下に「2022: {issueDate: YYYY-MM-DD}」` — the line that gives a year its 発行日. */
export function issueDateFix(dataDir: string, year: number): string {
  return `${displayPath(join(dataDir, 'city.yaml'))} の years: の下に「${year}: {issueDate: YYYY-MM-DD}」`;
}

const undated = (year: number) => `${eraYearText(year)}（${year}年度）の発行日がないため`;

/** True when the year has its 発行日 in the city's data. */
export const hasIssueDate = (city: CityData, year: number): boolean => yearSettings(city, year).issueDate !== undefined;

/**
 * What a booklet (or a publication) of a year without a 発行日 would lack: its cover date and the PDF's date. It is
 * refused, with the line to add. `what`: 冊子は作りません, 発行できません…
 */
export function undatedRefusal(dataDir: string, year: number, what: string): UserError {
  return new UserError(`${undated(year)}、${what}（発行日は表紙の日付と PDF の作成日になります）。${issueDateFix(dataDir, year)}を書いてから、もう一度実行してください。`);
}

/** The one warning line of a sheet build for a year without a 発行日: its PDFs carry no date. */
export function undatedSheetsWarning(dataDir: string, year: number): string {
  return `${displayPath(join(dataDir, 'city.yaml'))}: 警告 ${undated(year)}、シートの PDF に作成日を入れていません。発行日は表紙と PDF の作成日になります。発行する前に years: の下に「${year}: {issueDate: YYYY-MM-DD}」を書いてください。`;
}
