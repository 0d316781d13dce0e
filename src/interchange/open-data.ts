// Open data: one row per sheet for the city's open-data portal, as CSV (UTF-8 with BOM, CRLF) or JSON.
// The columns are fixed per fiscal year: English keys for programs, Japanese headers for people.
// Which fields are exported, their keys and their headers are annotations of the schema (`x-openData`).
import { costYears, eraYearText, indicatorYears } from '../model/era';
import { EVALUATION_ITEMS, INDICATOR_SLOTS, openDataColumn, openDataFields, type Indicator, type Sheet, type YearRow } from '../model/form';
import { formatNumber } from '../model/format';

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

const era = eraYearText;

/** A figure of a year; a year the sheet leaves out is 0, as the printed sheet shows it. */
const at = (row: YearRow<number> | undefined, year: number): number => row?.[String(year)] ?? 0;

/** The value of a top-level field as exported: the project number with its leading zeros, as printed. */
const fieldValue = (sheet: Sheet, key: keyof Sheet): OpenDataValue => (key === 'number' ? formatNumber(sheet.number) : String(sheet[key] ?? ''));

/** The columns of one fiscal year's export, in order. */
export function openDataColumns(fiscalYear: number): OpenDataColumn[] {
  const columns: OpenDataColumn[] = openDataFields().map((field) => {
    const name = field.path[0] as keyof Sheet;
    return { ...openDataColumn(field.path), value: (s: Sheet) => fieldValue(s, name) };
  });

  // 人件費計 is exported with the years computed from the rates filled in (`personnelCost`, from derive.ts).
  const costRows = openDataFields(['costs']).map((field) => {
    const name = field.path[1] as keyof Sheet['costs'];
    const row = (s: Sheet, p: YearRow<number>) => (name === 'personnelCost' ? p : (s.costs[name] as YearRow<number>));
    return { ...openDataColumn(field.path), row };
  });
  for (const year of costYears(fiscalYear)) {
    for (const cost of costRows) {
      columns.push({ key: `${cost.key}_${year}`, header: `${cost.header} ${era(year)}（千円）`, value: (s, p) => at(cost.row(s, p), year) });
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

  const indicatorField = (name: keyof Indicator) => openDataColumn(['indicators', 0, name]);
  for (let slot = 1; slot <= INDICATOR_SLOTS; slot++) {
    const indicator = (s: Sheet): Indicator | undefined => s.indicators[slot - 1];
    // An unused slot is empty in every column, never 0.
    const used = (read: (i: Indicator) => OpenDataValue) => (s: Sheet) => {
      const i = indicator(s);
      return i ? read(i) : '';
    };
    for (const name of ['name', 'unit', 'kind'] as const) {
      const { key, header } = indicatorField(name);
      columns.push({ key: `indicator${slot}_${key}`, header: `指標${slot} ${header}`, value: used((i) => i[name] ?? '') });
    }
    for (const year of indicatorYears(fiscalYear)) {
      for (const name of ['target', 'actual'] as const) {
        const { key, header } = indicatorField(name);
        columns.push({ key: `indicator${slot}_${key}_${year}`, header: `指標${slot} ${header} ${era(year)}`, value: used((i) => at(i[name], year)) });
      }
    }
  }

  for (const item of EVALUATION_ITEMS) {
    columns.push({ ...openDataColumn(['evaluation', item]), value: (s) => s.evaluation[item].score ?? '' });
  }
  columns.push({ ...openDataColumn(['direction', 'decision']), value: (s) => s.direction.decision ?? '' });
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
