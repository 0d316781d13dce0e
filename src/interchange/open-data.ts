// Open data: one row per sheet for the city's open-data portal, as CSV (UTF-8 with BOM, CRLF) or JSON.
// The columns are fixed per fiscal year: English keys for programs, Japanese headers for people.
// Which fields are exported, their keys and their headers are annotations of the schema (`x-openData`).
import { costYears, eraYearText } from '../model/era';
import { unitOf } from '../model/figure-advice';
import { formField, isYearRow, OPEN_DATA_FIELDS, openDataColumn, rowYears, type FormField, type Sheet, type YearRow } from '../model/form';
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

/** The value at a place of a sheet (`'*'` steps taken by `slot`). */
function valueAt(sheet: Sheet, path: readonly string[], slot = 0): unknown {
  return path.reduce<any>((value, step) => value?.[step === '*' ? slot : step], sheet);
}

/** A field's exported value: a number as its number (the project number with its leading zeros, as printed), an
 *  object by the key its annotation names (an evaluation item by its score), a blank as empty. */
function exportedValue(field: FormField, value: unknown): OpenDataValue {
  const of = field.node['x-openData']?.value;
  const v = of && value && typeof value === 'object' ? (value as Record<string, unknown>)[of] : value;
  if (field.path.length === 1 && field.path[0] === 'number' && typeof v === 'number') return formatNumber(v);
  return typeof v === 'number' ? v : v === null || v === undefined ? '' : String(v);
}

const sameParent = (a: FormField, b: FormField, depth: number) => a.path.length === b.path.length && a.path.slice(0, depth).every((s, i) => b.path[i] === s);

/**
 * The columns of one fiscal year's export, in order: every field the schema gives an `x-openData` column, in form
 * order. A table's year rows (コスト) go year by year, each year's rows followed by its total costs; a list printed
 * in slots (指標) goes slot by slot, an unused slot empty in every column (never 0).
 */
export function openDataColumns(fiscalYear: number): OpenDataColumn[] {
  const columns: OpenDataColumn[] = [];
  const taken = new Set<FormField>();
  for (const field of OPEN_DATA_FIELDS) {
    if (taken.has(field)) continue;
    const slot = field.path.indexOf('*');
    if (slot >= 0) {
      const list = field.path.slice(0, slot);
      const members = OPEN_DATA_FIELDS.filter((f) => f.path[slot] === '*' && list.every((s, i) => f.path[i] === s));
      members.forEach((f) => taken.add(f));
      columns.push(...slotColumns(list, members, fiscalYear));
    } else if (isYearRow(field.node)) {
      const rows = OPEN_DATA_FIELDS.filter((f) => isYearRow(f.node) && !f.path.includes('*') && sameParent(field, f, field.path.length - 1));
      rows.forEach((f) => taken.add(f));
      columns.push(...costColumns(rows, fiscalYear));
    } else {
      taken.add(field);
      columns.push({ ...openDataColumn(field.path), value: (s) => exportedValue(field, valueAt(s, field.path)) });
    }
  }
  return columns;
}

/** The cost table, year by year: each row's figure (人件費計 with the years computed from the rates filled in), then
 *  the year's total costs, settled and budgeted, each with 人件費計. */
function costColumns(rows: FormField[], fiscalYear: number): OpenDataColumn[] {
  const columns: OpenDataColumn[] = [];
  const figures = (field: FormField) => (s: Sheet, personnel: YearRow<number>) =>
    field.path[field.path.length - 1] === 'personnelCost' ? personnel : (valueAt(s, field.path) as YearRow<number> | undefined);
  for (const year of costYears(fiscalYear)) {
    for (const field of rows) {
      const { key, header } = openDataColumn(field.path);
      const unit = unitOf(formField([...field.path, '*']).node.title);
      columns.push({ key: `${key}_${year}`, header: `${header} ${era(year)}${unit ? `（${unit}）` : ''}`, value: (s, p) => at(figures(field)(s, p), year) });
    }
    columns.push(
      { key: `total_cost_settled_${year}`, header: `トータルコスト（決算） ${era(year)}（千円）`, value: (s, p) => at(s.costs.settled, year) + at(p, year) },
      { key: `total_cost_budget_${year}`, header: `トータルコスト（予算） ${era(year)}（千円）`, value: (s, p) => at(s.costs.budget, year) + at(p, year) },
    );
  }
  return columns;
}

/** A list printed in slots, slot by slot: each slot's fields in form order, a year row year by year. */
function slotColumns(list: string[], members: FormField[], fiscalYear: number): OpenDataColumn[] {
  const columns: OpenDataColumn[] = [];
  const slots = formField(list).node.maxItems ?? 0;
  const itemTitle = formField(list).node.items?.title ?? '';
  const rows = members.filter((f) => isYearRow(f.node));
  for (let slot = 1; slot <= slots; slot++) {
    const used = (read: (s: Sheet) => OpenDataValue) => (s: Sheet) => ((valueAt(s, list) as unknown[] | undefined)?.[slot - 1] === undefined ? '' : read(s));
    const prefix = (key: string, header: string) => ({ key: `${itemTitleKey(list)}${slot}_${key}`, header: `${itemTitle}${slot} ${header}` });
    for (const field of members.filter((f) => !isYearRow(f.node))) {
      const { key, header } = openDataColumn(field.path);
      columns.push({ ...prefix(key, header), value: used((s) => exportedValue(field, valueAt(s, field.path, slot - 1))) });
    }
    for (const year of rowYears(rows[0]?.node ?? {}, fiscalYear)) {
      for (const field of rows) {
        const { key, header } = openDataColumn(field.path);
        const column = prefix(`${key}_${year}`, `${header} ${era(year)}`);
        columns.push({ ...column, value: used((s) => at(valueAt(s, field.path, slot - 1) as YearRow<number>, year)) });
      }
    }
  }
  return columns;
}

/** The stable key of a slotted list's columns: `indicator` for `indicators`. */
const itemTitleKey = (list: string[]) => list[list.length - 1].replace(/s$/, '');

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
