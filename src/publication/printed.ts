// What a sheet prints, value by value: the unit a publication record keeps and a 正誤表 compares. Each value has a
// stable key (its place in the data), the Japanese labels of its place (as findings name it) and the page of the
// sheet it stands on. Values are compared as printed, so 1.5 and 1.50 are the same and a computed 人件費計 is one.
import { costYears, eraYearText, indicatorYears } from '../model/era';
import { COST_ROWS, EVALUATION_ITEMS, pageOf } from '../model/form';
import { labelsFor } from '../model/schema';
import type { DataPath } from '../model/types';
import type { SheetView, TextBox } from '../pipeline/derive';

export interface PrintedValue {
  /** Where the value comes from in the data: `costs.settled.2021`, `results.achievements`. */
  key: string;
  /** Page of the document it stands in: 1 or 2 for a sheet, the page of the 評価結果一覧 for its values. */
  page: number;
  /** Section › item › year, in Japanese. */
  place: string[];
  text: string;
}

/** Every value a sheet prints, in the order of the form. */
export function printedValues(view: SheetView): PrintedValue[] {
  const values: PrintedValue[] = [];
  const seen = new Set<string>();
  // The page is the schema's (x-page): templates/partials/indicators.hbs breaks the page where it says. A test reads
  // every value back from the page given here.
  const add = (path: DataPath, text: string, place = labelsFor(path)) => {
    const key = path.join('.');
    if (seen.has(key)) return; // empty strategic-plan rows all point at the list itself
    seen.add(key);
    values.push({ key, page: pageOf(path), place, text });
  };
  const box = (b: TextBox) => add(b.field, b.text);
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      if ('box' in value && 'text' in value) box(value as TextBox);
      else Object.values(value).forEach(visit);
    }
  };
  const { costTable, indicatorTable, evaluation, ...rest } = view;
  for (const value of Object.values(rest)) visit(value);
  view.strategicPlanRows.forEach((row, i) => {
    if (row.policy !== '') add(['strategicPlans', i, 'policy'], row.policy);
    if (row.measure !== '') add(['strategicPlans', i, 'measure'], row.measure);
  });
  const years = costYears(view.fiscalYear);
  for (const row of COST_ROWS) costTable[row].forEach((text, k) => add(['costs', row, String(years[k])], text));
  const indYears = indicatorYears(view.fiscalYear);
  indicatorTable.slots.forEach((slot, i) => {
    box(slot.name);
    box(slot.kind);
    for (const row of ['target', 'actual'] as const) {
      slot[row].forEach((text, k) => add(['indicators', i, row, String(indYears[k])], text, [...labelsFor(['indicators', i, row]), eraYearText(indYears[k])]));
    }
    box(slot.description);
  });
  for (const item of EVALUATION_ITEMS) {
    add(['evaluation', item, 'score'], evaluation[item].score);
    box(evaluation[item].sentence);
  }
  return values;
}
