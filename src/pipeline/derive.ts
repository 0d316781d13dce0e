// Stage 4 — derive: a checked sheet → everything the layout prints, as display strings in the boxes of the form.
// Era years, column headings, SDG names, standard sentences and number formats are decided here, once.
// Every field the schema gives a box of its own (`x-box`) is placed at its own path without code here; what the
// form composes from several fields (the project's name with its number, the indicator slots…) is written out below.
import { personnelCostFor, type CityData } from '../model/city';
import { costYears, eraShortLabel, eraYearLabel, indicatorYears } from '../model/era';
import { BOXED_FIELDS, boxOf, COST_ROWS, EVALUATION_ITEMS, formField, INDICATOR_SLOTS, type CostRowKey, type EvaluationItemKey, type Indicator, type Sheet, type YearRow } from '../model/form';
import type { BoxedFields } from '../model/generated/boxed-fields';
import { formatAmount, formatIndicator, formatNumber, formatTwoDecimals } from '../model/format';
import { sdgLine } from '../model/sdgs';
import type { DataPath } from '../model/types';

/**
 * Text a person wrote, bound for one box of the form (`box` names its size in templates/layout.yaml).
 * `field` is where it came from, for messages. The fit stage decides the size it is printed at.
 */
export interface TextBox {
  box: string;
  text: string;
  field: DataPath;
  /** Tried when `text` cannot fit even at the floor (e.g. a list set as running text). */
  alternative?: string;
  /** What to do when it cannot fit at all, added to the message. */
  hint?: string;
}

const box = (id: string, text: string, field: DataPath, alternative?: string, hint?: string): TextBox => ({
  box: id,
  text,
  field,
  ...(alternative === undefined ? {} : { alternative }),
  ...(hint === undefined ? {} : { hint }),
});

/** A box's text at the field's own path: its box comes from the schema. */
const own = (field: DataPath, text: string): TextBox => box(boxOf(field), text, field);

export interface IndicatorSlot<B> {
  number: number;
  name: B;
  kind: B;
  target: string[];
  actual: string[];
  description: B;
}

/** What one sheet prints. `B` is a box's text: `TextBox` from derive, `FittedBox` once the fit stage has sized it. */
export interface SheetView<B = TextBox> extends BoxedFields<B> {
  fiscalYear: number;
  number: string;
  name: string;
  title: string;
  // What the form composes from several fields, or prints in rows and slots:
  projectName: B;
  budgetItem: B;
  department: B;
  departmentName: string;
  divisionName: string;
  mayorPledges: B;
  /** 戦略プラン rows, at least three: the form prints 新規・継続, 事業分類 and 事業体制 beside them. */
  strategicPlanRows: { code: B; policy: string; measure: string; title: B }[];
  sdgs: B;
  /** The cost table: its years' headings, and each row of the schema's `costs` as printed, year by year. */
  costTable: { years: string[] } & Record<CostRowKey, string[]>;
  indicatorTable: { years: string[]; slots: IndicatorSlot<B>[] };
  evaluation: Record<EvaluationItemKey, { score: string; sentence: B }>;
}

/**
 * A cost row as printed, year by year: amounts with thousands separators, shares and hours with two decimals (the
 * schema's `multipleOf: 0.01`), a choice as written; a year left out as the row's default, or 0.
 */
function costRow(row: CostRowKey, values: YearRow<number | string> | undefined, years: number[]): string[] {
  const value = formField(['costs', row, '*']).node;
  const missing = (value.default ?? 0) as number | string;
  const format = (v: number | string) => (typeof v === 'string' ? v : value.multipleOf === 0.01 ? formatTwoDecimals(v) : formatAmount(v));
  return years.map((y) => format(values?.[String(y)] ?? missing));
}

/** 人件費計 as written, or computed from the rates for the years where the sheet leaves it out. */
export function personnelCosts(sheet: Sheet, city: CityData): YearRow<number> {
  const result: YearRow<number> = {};
  for (const y of costYears(sheet.fiscalYear).map(String)) {
    const written = sheet.costs.personnelCost?.[y];
    result[y] = written ?? personnelCostFor(city, y, sheet.costs.staffRatio[y] ?? 0, sheet.costs.overtimeHours[y] ?? 0) ?? 0;
  }
  return result;
}

/** The standard sentence for an evaluation score, unless the sheet writes its own. */
export function evaluationSentence(city: CityData, item: EvaluationItemKey, score: number | null, own?: string): string {
  return own ?? city.evaluationSentences[item]?.[String(score)] ?? '';
}

/** Every field with a box of its own, as a TextBox at its own path (`{overview: {target: TextBox}}`). */
function boxedFields(sheet: Sheet): BoxedFields<TextBox> {
  const view: Record<string, any> = {};
  for (const field of BOXED_FIELDS) {
    let value: any = sheet;
    for (const step of field.path) value = value?.[step];
    // A choice not made yet (null) prints as an empty box: only a draft has one (the checks refuse it for print).
    if (value === null) value = '';
    if (typeof value !== 'string') continue;
    let into = view;
    for (const step of field.path.slice(0, -1)) into = into[step] ??= {};
    into[field.path[field.path.length - 1]] = own(field.path, value);
  }
  return view as BoxedFields<TextBox>;
}

function indicatorSlot(indicator: Indicator | undefined, index: number, years: number[]): IndicatorSlot<TextBox> {
  const values = (row: YearRow<number> | undefined) => years.map((y) => formatIndicator(row?.[String(y)] ?? 0));
  const at = (key: string): DataPath => (indicator ? ['indicators', index, key] : ['indicators']);
  return {
    number: index + 1,
    // The unit always stands in parentheses after the name, `()` when blank, as the official sheet prints it.
    name: box('indicatorName', `${indicator?.name ?? ''} (${indicator?.unit ?? ''})`, at('name')),
    kind: box(boxOf(['indicators', index, 'kind']), indicator?.kind ?? '', at('kind')),
    target: values(indicator?.target),
    actual: values(indicator?.actual),
    description: box(boxOf(['indicators', index, 'description']), indicator?.description ?? '', at('description')),
  };
}

export function deriveSheetView(sheet: Sheet, city: CityData): SheetView {
  const years = costYears(sheet.fiscalYear);
  const indYears = indicatorYears(sheet.fiscalYear);
  const number = formatNumber(sheet.number);
  const c = sheet.costs;
  const sdgLines = [...sheet.sdgs].sort((a, b) => a - b).map(sdgLine);
  // Rows the sheet leaves empty point at the list itself in messages.
  const emptyPlanRow = () => ({
    code: box(boxOf(['strategicPlans', 0, 'code']), '', ['strategicPlans']),
    policy: '',
    measure: '',
    title: box(boxOf(['strategicPlans', 0, 'title']), '', ['strategicPlans']),
  });
  return {
    ...boxedFields(sheet),
    fiscalYear: sheet.fiscalYear,
    number,
    name: sheet.name,
    title: `${eraYearLabel(sheet.fiscalYear)} ${city.documentTitle}`,
    projectName: box('projectName', `${number} ${sheet.name}`, ['name']),
    budgetItem: box('budgetItem', `${sheet.budgetItem.code} ${sheet.budgetItem.name}`, ['budgetItem', 'name']),
    department: box('department', `${sheet.department}${sheet.division}`, ['department']),
    departmentName: sheet.department,
    divisionName: sheet.division,
    mayorPledges: box('mayorPledges', sheet.mayorPledges.join(' '), ['mayorPledges']),
    strategicPlanRows: [
      ...sheet.strategicPlans.map((p, i) => ({
        code: own(['strategicPlans', i, 'code'], p.code),
        policy: String(p.policy),
        measure: String(p.measure),
        title: own(['strategicPlans', i, 'title'], p.title),
      })),
      ...Array.from({ length: Math.max(0, 3 - sheet.strategicPlans.length) }, emptyPlanRow),
    ],
    // One goal a line; when too many for the box, the goals run on as one text.
    sdgs: box('sdgs', sdgLines.join('\n'), ['sdgs'], sdgLines.join('　'), '目標の数を減らしてください'),
    costTable: {
      years: years.map(eraYearLabel),
      // 人件費計 as written, or computed from the rates where the sheet leaves it out.
      ...(Object.fromEntries(COST_ROWS.map((row) => [row, costRow(row, row === 'personnelCost' ? personnelCosts(sheet, city) : c[row], years)])) as Record<CostRowKey, string[]>),
    },
    indicatorTable: {
      years: indYears.map(eraShortLabel),
      slots: Array.from({ length: INDICATOR_SLOTS }, (_, i) => indicatorSlot(sheet.indicators[i], i, indYears)),
    },
    evaluation: Object.fromEntries(
      EVALUATION_ITEMS.map((item) => {
        const e = sheet.evaluation[item];
        const sentence = evaluationSentence(city, item, e.score, e.sentence);
        // A score not given yet (only a draft has none) prints blank.
        return [item, { score: e.score === null ? '' : String(e.score), sentence: own(['evaluation', item, 'sentence'], sentence) }];
      }),
    ) as SheetView['evaluation'],
  };
}

/**
 * A draft's figures that the schema refused (`24,857円` in a 千円 cell) were given a blank number to pass the schema
 * (printableSheet's `madeUp`): print those cells empty, never as a 0 the person did not write — with 人件費計 where
 * it is computed from a refused rate.
 */
export function blankMadeUpFigures<B>(view: SheetView<B>, sheet: Sheet, madeUp: string[][]): SheetView<B> {
  const costColumns = costYears(sheet.fiscalYear).map(String);
  const indicatorColumns = indicatorYears(sheet.fiscalYear).map(String);
  const blank = (cells: string[] | undefined, columns: string[], year: string | undefined) => {
    const at = year === undefined ? -1 : columns.indexOf(year);
    if (cells && at >= 0) cells[at] = '';
  };
  for (const [head, a, b, c] of madeUp) {
    if (head === 'costs' && (COST_ROWS as string[]).includes(a)) {
      blank(view.costTable[a as CostRowKey], costColumns, b);
      if ((a === 'staffRatio' || a === 'overtimeHours') && sheet.costs.personnelCost?.[b] === undefined) blank(view.costTable.personnelCost, costColumns, b);
    } else if (head === 'indicators' && (b === 'target' || b === 'actual')) {
      blank(view.indicatorTable.slots[Number(a)]?.[b], indicatorColumns, c);
    } else if (head === 'strategicPlans' && (b === 'policy' || b === 'measure') && view.strategicPlanRows[Number(a)]) {
      view.strategicPlanRows[Number(a)][b] = '';
    }
  }
  return view;
}
