// What a sheet prints, value by value: the unit a publication record keeps and a 正誤表 compares. Each value has a
// stable key (its place in the data), the Japanese labels of its place (as findings name it) and the page of the
// sheet it stands on. Values are compared as printed, so 1.5 and 1.50 are the same and a computed 人件費計 is one.
import { costYears, eraYearText, indicatorYears } from '../model/era';
import { COST_ROWS, EVALUATION_ITEMS } from '../model/form';
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

// The sections printed on a sheet's second page: templates/partials/indicators.hbs begins it ("pageBreak": "before").
// A test reads every value back from the page this says.
const SECOND_PAGE = new Set(['indicatorTable', 'results', 'evaluation', 'direction']);

/** Every value a sheet prints, in the order of the form. */
export function printedValues(view: SheetView): PrintedValue[] {
  const values: PrintedValue[] = [];
  const seen = new Set<string>();
  const add = (section: string, path: DataPath, text: string, place = labelsFor(path)) => {
    const key = path.join('.');
    if (seen.has(key)) return; // empty strategic-plan rows all point at the list itself
    seen.add(key);
    values.push({ key, page: SECOND_PAGE.has(section) ? 2 : 1, place, text });
  };
  const box = (section: string, b: TextBox) => add(section, b.field, b.text);
  const visit = (section: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((v) => visit(section, v));
    else if (value && typeof value === 'object') {
      if ('box' in value && 'text' in value) box(section, value as TextBox);
      else Object.values(value).forEach((v) => visit(section, v));
    }
  };
  const { costTable, indicatorTable, evaluation, ...rest } = view;
  for (const [section, value] of Object.entries(rest)) visit(section, value);
  view.strategicPlanRows.forEach((row, i) => {
    if (row.policy !== '') add('strategicPlanRows', ['strategicPlans', i, 'policy'], row.policy);
    if (row.measure !== '') add('strategicPlanRows', ['strategicPlans', i, 'measure'], row.measure);
  });
  const years = costYears(view.fiscalYear);
  for (const row of COST_ROWS) costTable[row].forEach((text, k) => add('costTable', ['costs', row, String(years[k])], text));
  const indYears = indicatorYears(view.fiscalYear);
  indicatorTable.slots.forEach((slot, i) => {
    box('indicatorTable', slot.name);
    box('indicatorTable', slot.kind);
    for (const row of ['target', 'actual'] as const) {
      slot[row].forEach((text, k) => add('indicatorTable', ['indicators', i, row, String(indYears[k])], text, [...labelsFor(['indicators', i, row]), eraYearText(indYears[k])]));
    }
    box('indicatorTable', slot.description);
  });
  for (const item of EVALUATION_ITEMS) {
    add('evaluation', ['evaluation', item, 'score'], evaluation[item].score);
    box('evaluation', evaluation[item].sentence);
  }
  return values;
}
