// Open data: one row per sheet for the city's open-data portal, as CSV (UTF-8 with BOM, CRLF) or JSON.
// The columns are fixed per fiscal year: English keys for programs, Japanese headers for people.
import { EVALUATION_ITEMS, INDICATOR_SLOTS } from '../pipeline/derive';
import { costYears, eraYearLabel, indicatorYears } from '../model/era';
import { formatNumber } from '../model/format';
import type { EvaluationItemKey, Indicator, Sheet, YearRow } from '../model/types';

export type OpenDataValue = string | number;

export interface OpenDataColumn {
  /** Stable English key (snake_case): the JSON property name. */
  key: string;
  /** Japanese header: the CSV's first row. */
  header: string;
  /** `personnelCost` is 人件費計 with computed years filled in (derive.ts personnelCosts()). */
  value: (sheet: Sheet, personnelCost: YearRow<number>) => OpenDataValue;
}

/** One exported sheet: its values in column order. */
export interface OpenDataRow {
  columns: OpenDataColumn[];
  values: OpenDataValue[];
}

/** `令和元年度`, `令和3年度`: the era label without the printed sheet's alignment space. */
const era = (year: number): string => eraYearLabel(year).replace(/ /g, '');

/** A figure of a year; a year the sheet leaves out is 0, as the printed sheet shows it. */
const at = (row: YearRow<number> | undefined, year: number): number => row?.[String(year)] ?? 0;

const COST_ROWS: { key: string; label: string; row: (s: Sheet, p: YearRow<number>) => YearRow<number> | undefined }[] = [
  { key: 'budget', label: '予算額', row: (s) => s.costs.budget },
  { key: 'settled', label: '決算額', row: (s) => s.costs.settled },
  { key: 'general_fund', label: '一般財源', row: (s) => s.costs.generalFund },
  { key: 'subsidies', label: '国庫、県支出金、地方債', row: (s) => s.costs.subsidies },
  { key: 'other_funds', label: 'その他', row: (s) => s.costs.otherFunds },
  { key: 'personnel_cost', label: '人件費計', row: (_, p) => p },
];

const EVALUATION_COLUMNS: Record<EvaluationItemKey, { key: string; header: string }> = {
  citizenNeeds: { key: 'citizen_needs', header: '市民ニーズ' },
  progress: { key: 'progress', header: '進捗状況' },
  cityInvolvement: { key: 'city_involvement', header: '市の関与' },
  priority: { key: 'priority', header: '優先度' },
};

/** The columns of one fiscal year's export, in order. */
export function openDataColumns(fiscalYear: number): OpenDataColumn[] {
  const columns: OpenDataColumn[] = [
    { key: 'number', header: '事業番号', value: (s) => formatNumber(s.number) },
    { key: 'name', header: '事務事業名', value: (s) => s.name },
    { key: 'department', header: '担当部', value: (s) => s.department },
    { key: 'division', header: '担当課', value: (s) => s.division },
  ];

  for (const year of costYears(fiscalYear)) {
    for (const cost of COST_ROWS) {
      columns.push({ key: `${cost.key}_${year}`, header: `${cost.label} ${era(year)}（千円）`, value: (s, p) => at(cost.row(s, p), year) });
    }
    columns.push(
      {
        key: `total_cost_settled_${year}`,
        header: `トータルコスト（決算） ${era(year)}（千円）`,
        value: (s, p) => at(s.costs.settled, year) + at(p, year),
      },
      {
        key: `total_cost_budget_${year}`,
        header: `トータルコスト（予算） ${era(year)}（千円）`,
        value: (s, p) => at(s.costs.budget, year) + at(p, year),
      },
    );
  }

  for (let slot = 1; slot <= INDICATOR_SLOTS; slot++) {
    const indicator = (s: Sheet): Indicator | undefined => s.indicators[slot - 1];
    // An unused slot is empty in every column, never 0.
    const used = (read: (i: Indicator) => OpenDataValue) => (s: Sheet) => {
      const i = indicator(s);
      return i ? read(i) : '';
    };
    columns.push(
      { key: `indicator${slot}_name`, header: `指標${slot} 名称`, value: used((i) => i.name) },
      { key: `indicator${slot}_unit`, header: `指標${slot} 単位`, value: used((i) => i.unit) },
      { key: `indicator${slot}_kind`, header: `指標${slot} 種類`, value: used((i) => i.kind ?? '') },
    );
    for (const year of indicatorYears(fiscalYear)) {
      columns.push(
        { key: `indicator${slot}_target_${year}`, header: `指標${slot} 目標値 ${era(year)}`, value: used((i) => at(i.target, year)) },
        { key: `indicator${slot}_actual_${year}`, header: `指標${slot} 実績 ${era(year)}`, value: used((i) => at(i.actual, year)) },
      );
    }
  }

  for (const item of EVALUATION_ITEMS) {
    const { key, header } = EVALUATION_COLUMNS[item];
    columns.push({ key, header, value: (s) => s.evaluation[item].score });
  }
  columns.push({ key: 'direction', header: '方向性', value: (s) => s.direction.decision });
  return columns;
}

/** One sheet's row. `personnelCost` comes from derive.ts personnelCosts(sheet, city). */
export function openDataRow(columns: OpenDataColumn[], sheet: Sheet, personnelCost: YearRow<number>): OpenDataRow {
  return { columns, values: columns.map((c) => c.value(sheet, personnelCost)) };
}

/** A number as plain digits: no thousands separators, no exponent, `-0` as `0`. */
function plainNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`オープンデータに書けない数値です: ${value}`);
  if (Object.is(value, -0)) return '0';
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

function csvField(value: OpenDataValue): string {
  const text = typeof value === 'number' ? plainNumber(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function headerOf(rows: OpenDataRow[], columns?: OpenDataColumn[]): OpenDataColumn[] {
  const cols = columns ?? rows[0]?.columns;
  if (!cols) throw new Error('列が決まっていません（行がないときは columns を渡してください）。');
  for (const row of rows) {
    if (row.columns !== cols && (row.columns.length !== cols.length || row.columns.some((c, i) => c.key !== cols[i].key))) {
      throw new Error('列の異なる行が混ざっています。');
    }
  }
  return cols;
}

/**
 * CSV as spreadsheet software on Japanese Windows reads it: UTF-8 with BOM, CRLF line ends, the header row first.
 * A field is quoted only when it holds a comma, a double quote, CR or LF; quotes inside are doubled.
 */
export function toCsv(rows: OpenDataRow[], columns?: OpenDataColumn[]): Buffer {
  const cols = headerOf(rows, columns);
  const lines = [cols.map((c) => csvField(c.header)), ...rows.map((r) => r.values.map(csvField))].map((fields) => fields.join(','));
  return Buffer.from(`\ufeff${lines.map((line) => `${line}\r\n`).join('')}`, 'utf8');
}

/** JSON: an array of objects keyed by the English keys in column order, numbers as numbers, two-space indent. */
export function toJson(rows: OpenDataRow[], columns?: OpenDataColumn[]): Buffer {
  const cols = headerOf(rows, columns);
  const objects = rows.map((r) => {
    const object: Record<string, OpenDataValue> = {};
    cols.forEach((c, i) => {
      const v = r.values[i];
      if (typeof v === 'number') plainNumber(v); // refuses NaN and Infinity, which JSON would turn into null
      object[c.key] = Object.is(v, -0) ? 0 : v;
    });
    return object;
  });
  return Buffer.from(`${JSON.stringify(objects, null, 2)}\n`, 'utf8');
}
