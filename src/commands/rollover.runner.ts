// `sheetbook rollover FROM TO`: next year's sheets from this year's. Figures stay with their fiscal year,
// the text that must be rewritten every year is marked for review, nothing is overwritten.
import { existsSync, mkdirSync } from 'node:fs';
import { writeNewFile } from '../pipeline/write';
import { basename, join } from 'node:path';
import { personnelCostFor, yearSettings, type CityData } from '../model/city';
import { loadCityData } from '../pipeline/city-data';
import { personnelCosts } from '../pipeline/derive';
import { costYears, eraYearText, indicatorYears } from '../model/era';
import { UserError } from '../model/errors';
import { formatNumber } from '../model/format';
import { loadSheetFile } from '../pipeline/load';
import { folderFindings, selectSheetFiles } from '../batch/selection';
import { displayPath, formatFinding } from '../model/report';
import { sheetYaml } from '../interchange/sheet-yaml';
import { COST_ROWS, formField, NEXT_YEAR_VALUES, REWRITE_EVERY_YEAR, YEARLY_FIGURES, type Sheet, type YearRow } from '../model/form';
import { validateSheet } from '../pipeline/validate';

export interface RolloverOptions {
  from: number;
  to: number;
  dataDir: string;
}

/** Keep each year's figure under its own year; years that fall off are dropped, new years start from `fill`. */
function shiftRow<T>(row: YearRow<T>, years: number[], fill: (year: number) => T): YearRow<T> {
  return Object.fromEntries(years.map((y) => [y, String(y) in row ? row[String(y)] : fill(y)]));
}

/** The latest year's value: staffing and overtime for future years are planned like the last known one. */
function latest<T>(row: YearRow<T>, fallback: T): T {
  const years = Object.keys(row).sort();
  return years.length > 0 ? row[years[years.length - 1]] : fallback;
}

export function rollSheet(sheet: Sheet, to: number, city: ReturnType<typeof loadCityData>): Sheet {
  const cy = costYears(to);
  const iy = indicatorYears(to);
  const c = sheet.costs;
  const oldPersonnel = personnelCosts(sheet, city);
  // Each row keeps its years' figures; a year new to the table starts at 0, or at the latest year's value where
  // the schema carries it over (staffing and overtime are planned like the last known year).
  const costs = Object.fromEntries(
    COST_ROWS.filter((row) => row !== 'personnelCost').map((row) => {
      const values = c[row] as YearRow<number | string>;
      const carried = formField(['costs', row]).node['x-carryOver'] === 'latest';
      const start = formField(['costs', row, '*']).node.default ?? 0;
      return [row, shiftRow(values, cy, () => (carried ? latest(values, start) : start))];
    }),
  ) as Sheet['costs'];
  if (c.personnelCost) {
    costs.personnelCost = shiftRow(c.personnelCost, cy, () => latest(oldPersonnel, 0));
  } else {
    // 人件費計 is computed from the rates; a new year without a rate yet keeps last year's figure, written out.
    const unrated = cy.filter((y) => personnelCostFor(city, String(y), 0, 0) === undefined);
    if (unrated.length > 0) costs.personnelCost = Object.fromEntries(unrated.map((y) => [y, latest(oldPersonnel, 0)]));
  }
  // Restatements explain this year's figures against last year's: next year compares with this year's.
  const { restatements: _restated, ...kept } = sheet;
  const rolled: Sheet = {
    ...kept,
    ...(Object.fromEntries(NEXT_YEAR_VALUES.map(({ key, value }) => [key, value])) as Partial<Sheet>),
    fiscalYear: to,
    // Next year's sheet continues this one: the comparisons with last year follow it when the number changes.
    continues: [sheet.number],
    costs,
    indicators: sheet.indicators.map((ind) => ({
      ...ind,
      target: shiftRow(ind.target, iy, () => 0),
      actual: shiftRow(ind.actual, iy, () => 0),
    })),
  };
  return { ...rolled, review: reviewList(rolled, to) };
}

const NOTHING_DONE = /^[—―-]$/;

/**
 * What the author must look at again: every text rewritten each year (a participation row that says 「—」,
 * nothing done, stays as it is) and every figure of the new year that is still 0 (the settled amount and its
 * breakdown, each indicator's result), until it is entered or the entry deleted as a true 0.
 */
function reviewList(sheet: Sheet, year: number): string[] {
  const valueAt = (path: (string | number)[]) => path.reduce<any>((v, step) => v?.[step], sheet);
  const texts = REWRITE_EVERY_YEAR.filter((entry) => !(entry.startsWith('participation.') && NOTHING_DONE.test(String(valueAt(entry.split('.'))).trim())));
  const figures = YEARLY_FIGURES.flatMap((path) => {
    const rows = path.includes('*') ? sheet.indicators.map((_, i) => path.map((step) => (step === '*' ? i : step))) : [path];
    return rows.filter((row) => valueAt([...row, String(year)]) === 0).map((row) => [...row, year].join('.'));
  });
  return [...texts, ...figures];
}

export function runRollover(options: RolloverOptions, log: (line: string) => void = console.log): { written: string[]; skipped: string[] } {
  const { from, to, dataDir } = options;
  if (to <= from) throw new UserError(`移す先の年度（${to}）は元の年度（${from}）より後にしてください。`, 2);
  const selection = selectSheetFiles({ dataDir, year: from });
  const { files, excluded, unreadable } = selection;
  const city = loadCityData(dataDir);
  const targetDir = join(dataDir, String(to));
  mkdirSync(targetDir, { recursive: true });
  const written: string[] = [];
  const skipped: string[] = [];
  // Two files of one number would both become next year's file of that number: neither is carried over.
  for (const finding of folderFindings(selection)) log(formatFinding(finding));
  for (const file of excluded) {
    log(
      unreadable.includes(file)
        ? `作りませんでした: ${displayPath(file)} はシートとして読めません（理由は上のとおりです）。直してから、もう一度実行してください。`
        : `作りませんでした: ${displayPath(file)} と同じ事業番号のファイルがあります。どちらか一方にまとめてから、もう一度実行してください。`,
    );
  }
  skipped.push(...excluded);
  for (const file of files) {
    const result = validateSheet(loadSheetFile(file));
    if (!result.ok) {
      for (const f of result.findings) log(formatFinding(f));
      log(`作りませんでした: ${displayPath(file)} に誤りがあります。直してから、もう一度実行してください。`);
      skipped.push(file);
      continue;
    }
    const target = join(targetDir, `${formatNumber(result.sheet.number)}.yaml`);
    if (existsSync(target)) {
      log(`作りませんでした: ${displayPath(target)} は既にあります（上書きはしません）。`);
      skipped.push(file);
      continue;
    }
    const rolled = rollSheet(result.sheet, to, city);
    const origin = `${eraYearText(from)}の ${basename(file)} から sheetbook rollover で作りました。`;
    writeNewFile(target, Buffer.from(sheetYaml(rolled, target, { origin })));
    written.push(target);
    log(`作成: ${displayPath(target)}（書き直しが必要な項目 ${rolled.review!.length} 件）`);
  }
  log(`${eraYearText(from)} → ${eraYearText(to)}: ${written.length} 件を作成、${skipped.length} 件は作りませんでした。`);
  if (written.length > 0) log(`「sheetbook validate ${displayPath(targetDir)}」で、書き直しが必要な項目を確認できます。`);
  for (const line of cityDataStillNeeded(city, to, dataDir)) log(line);
  return { written, skipped };
}

/** What the city's data files do not yet say for the new year: its 発行日, and personnel rates for its cost years. */
export function cityDataStillNeeded(city: CityData, year: number, dataDir: string): string[] {
  const lines: string[] = [];
  if (!yearSettings(city, year).issueDate) {
    lines.push(`${displayPath(join(dataDir, 'city.yaml'))}: ${eraYearText(year)}の発行日がまだありません。years: の下に「${year}: {issueDate: YYYY-MM-DD}」を書き足してください（表紙と PDF の作成日に使います）。`);
  }
  const unrated = costYears(year).filter((y) => !city.personnelRates[String(y)]);
  if (unrated.length > 0) {
    lines.push(
      `${displayPath(join(dataDir, 'personnel-rates.yaml'))}: ${unrated.map((y) => `${eraYearText(y)}（${y}）`).join('、')}の人件費単価がまだありません。` +
        '決まったら書き足してください（それまでは、人件費計を書いていないシートに前年度の人件費計を書き入れてあります）。',
    );
  }
  return lines;
}

/** `sheetbook rollover`: exit 1 when a sheet was not carried over. */
export async function main(options: RolloverOptions): Promise<number> {
  const result = runRollover(options);
  return result.skipped.length > 0 ? 1 : 0;
}
