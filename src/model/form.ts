// The form: what each field of a sheet means. Every fact lives once, as an annotation in sheet.schema.json (listed
// with its meaning in ANNOTATIONS below), or follows from the schema's standard keywords: `title` (the printed label),
// `description` (guidance in a blank sheet), `default` (a blank sheet's value), `enum` (the choices).
import type { Sheet } from './generated/sheet';
import { costYears, indicatorYears } from './era';
import { dereferenced, fieldsOf, SHEET_SCHEMA, type SchemaField, type SchemaNode } from './schema';
import type { DataPath } from './types';

export type { Sheet } from './generated/sheet';
export type EvaluationItemKey = keyof Sheet['evaluation'];
export type EvaluationItem = Sheet['evaluation'][EvaluationItemKey];
export type Indicator = Sheet['indicators'][number];
export type StrategicPlan = Sheet['strategicPlans'][number];
export type CostTable = Sheet['costs'];
export type CostRowKey = keyof CostTable;
/** An entry of `review`: a text field (`results.achievements`) or a figure of one year (`costs.settled.2022`). */
export type ReviewEntry = string;
export type Direction = NonNullable<Sheet['direction']['decision']>;
/** A fiscal-year keyed row, e.g. {2019: 0, 2020: 26499}. Keys are western fiscal years. */
export type YearRow<T> = Record<string, T>;

/** The schema's annotations and what each says of a field (and who reads it). The validator accepts these and no other. */
export const ANNOTATIONS = {
  'x-box': 'the box of templates/layout.yaml the field is printed in (derive, fit)',
  'x-mustFill': 'must be written before the sheet can print; a string is a hint for the author (check)',
  'x-yearly': 'rewritten every year: rollover carries it over and lists it under `review` (rollover, check)',
  'x-yearlyFigure': "a year row whose figure for the sheet's own year is entered every year (rollover, check)",
  'x-openData': 'its open-data column: a stable English key, a header when not its title, and for an object the key of the value it exports (export)',
  'x-years': "a year row's years: the cost table's five or the indicator table's six (check, new)",
  'x-slots': 'a list printed as a fixed number of slots (maxItems), used or not (derive, new)',
  'x-section': 'the section of the form that starts at this field, as YAML files head it (YAML writer)',
  'x-carryOver': "a year row whose years new to next year's table take its latest year's value, not 0 (rollover)",
  'x-nextYear': "the field's value in next year's sheet: 新規 becomes 継続 (rollover)",
  'x-label': 'the label printed beside the field where it is not its title (a cell the field shares: 担当部課); the official text prints it too (templates, import)',
  'x-head': "the head of a table's column of row labels (項目); the official text's heading line starts with it (templates, import)",
  'x-unit': "the unit printed after a cost row's label, in brackets: (千円) (templates, import)",
  'x-group': 'the group a cost row starts, printed left of it and of the rows it spans (事業費, 内訳, 人件費); the official text may print it before the row (templates, import)',
  'x-page': "the sheet's page this top-level field starts; the fields after it in form order print there too (templates, publication)",
  'x-choices': 'the usual values of a text field: offered as a select; another value is kept, with a warning that suggests the standard spelling (editor, check)',
  'x-expectsNewText': "a text written anew every year: the very text of last year's sheet is a warning; the texts listed (the form's 「nothing」) may repeat (check)",
  'x-agreesWithLastYear': "a year row whose past years were printed in last year's sheet: they must agree with it unless `restatements` gives a reason (check, diff)",
} as const;

/** A node of the sheet's schema, `$ref`s resolved. */
export type FieldNode = SchemaNode;

/** One field of the form. A list's items and a year row's years stand as `'*'` in the path. */
export type FormField = SchemaField;

/** The sheet's schema as the model reads it: `$ref`s resolved. */
export const SHEET_FORM: FieldNode = dereferenced(SHEET_SCHEMA);
const ROOT = SHEET_FORM;

/** Every field of the form in the schema's order (which is the form's reading order). */
export const FORM_FIELDS: readonly FormField[] = fieldsOf(SHEET_SCHEMA);

const byPath = new Map(FORM_FIELDS.map((f) => [f.path.join('.'), f]));
const key = (path: DataPath) => path.map((step) => (typeof step === 'number' || /^[0-9]{4}$/.test(step) ? '*' : step)).join('.');

export function formField(path: DataPath): FormField {
  const field = byPath.get(key(path));
  if (!field) throw new Error(`sheet.schema.json has no field ${path.join('.')}`);
  return field;
}

/** The box a field is printed in (`x-box`). */
export function boxOf(path: DataPath): string {
  const box = formField(path).node['x-box'];
  if (!box) throw new Error(`sheet.schema.json gives ${path.join('.')} no x-box`);
  return box;
}

/** Fields printed alone in a box of their own, outside lists: derive places each at its own path in the view. */
export const BOXED_FIELDS = FORM_FIELDS.filter((f) => f.node['x-box'] && !f.path.includes('*'));

/** What must be written before a sheet can print, with a hint where the form has a convention for "nothing". */
export const MUST_FILL: readonly { path: string[]; hint?: string }[] = FORM_FIELDS.filter((f) => f.node['x-mustFill']).map((f) => ({
  path: f.path,
  ...(typeof f.node['x-mustFill'] === 'string' ? { hint: f.node['x-mustFill'] } : {}),
}));

/** Text that describes one year's work: `rollover` carries it over and lists it under `review` until rewritten. */
export const REWRITE_EVERY_YEAR: readonly ReviewEntry[] = FORM_FIELDS.filter((f) => f.node['x-yearly']).map((f) => f.path.join('.') as ReviewEntry);

/** Texts written anew every year (`x-expectsNewText`), each with the texts that may repeat (the form's 「nothing」). */
export const EXPECTS_NEW_TEXT: readonly { path: string[]; mayRepeat: readonly string[] }[] = FORM_FIELDS.filter((f) => f.node['x-expectsNewText']).map((f) => ({
  path: f.path,
  mayRepeat: f.node['x-expectsNewText'] ?? [],
}));

/** Year rows whose past years must agree with last year's sheet (`x-agreesWithLastYear`): `costs.settled`, `indicators.*.actual`… */
export const AGREES_WITH_LAST_YEAR: readonly string[][] = FORM_FIELDS.filter((f) => f.node['x-agreesWithLastYear']).map((f) => f.path);

/** Year rows whose figure for the sheet's own year is new every year (`costs.settled`, `indicators.*.actual`). */
export const YEARLY_FIGURES: readonly string[][] = FORM_FIELDS.filter((f) => f.node['x-yearlyFigure']).map((f) => f.path);

const REVIEW_ENTRY = new RegExp(ROOT.properties!.review.items!.pattern!);

/** True when a `review` list may name this entry (the schema's pattern). */
export const isReviewEntry = (entry: string): boolean => REVIEW_ENTRY.test(entry);

/** Text as a regular expression's source that matches it literally (to build patterns from titles). */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The label that starts the official text's line carrying a field, followed by a space or the line's end: what the
 * sheet prints for it (officialLabelPattern).
 */
export function officialLabel(path: DataPath): RegExp {
  return new RegExp(`^(?:${officialLabelPattern(path)})(?= |$)`);
}

/**
 * officialLabel's pattern, not anchored to a line's start: for a label that shares its line with other cells. The
 * official text prints what the sheet prints: a cost row as `[group ]title (unit)`, a table by its head, a field by
 * its printed label.
 */
export function officialLabelPattern(path: DataPath): string {
  const field = formField(path);
  const node = field.node;
  const title = escapeRegExp(field.title);
  if (node['x-unit']) return `${node['x-group'] ? `(?:${escapeRegExp(node['x-group'])} )?` : ''}${title} \\(${escapeRegExp(node['x-unit'])}\\)`;
  return escapeRegExp(node['x-head'] ?? printedLabel(path));
}

/** The label a sheet prints for a field: its `x-label`, or its title. */
export function printedLabel(path: DataPath): string {
  const field = formField(path);
  return field.node['x-label'] ?? field.title;
}

/** The heading of the section a field starts, as printed: its `x-section` without the note in （） YAML files add. */
export function sectionHeading(path: DataPath): string {
  const section = formField(path).node['x-section'];
  if (!section) throw new Error(`sheet.schema.json gives ${path.join('.')} no x-section`);
  return section.replace(/（.*$/, '');
}

/** The page of a sheet a value prints on: the last `x-page` among the top-level fields up to its own (form order). */
export function pageOf(path: DataPath): number {
  const top = FORM_FIELDS.filter((f) => f.path.length === 1);
  const index = top.findIndex((f) => f.path[0] === path[0]);
  if (index < 0) throw new Error(`sheet.schema.json has no field ${String(path[0])}`);
  return top.slice(0, index + 1).reduce((page, f) => f.node['x-page'] ?? page, 1);
}

/** The choices of an enum field, in the schema's order (a blank, `null`, is not a choice). */
export function choicesOf(path: DataPath): string[] {
  return (formField(path).node.enum ?? []).filter((v): v is string => typeof v === 'string');
}

/** The usual values of a text field (`x-choices`), in the schema's order: a person may still write another. */
export function standardChoicesOf(path: DataPath): string[] {
  return formField(path).node['x-choices'] ?? [];
}

/** Compared loosely: ASCII and full-width brackets, spaces, letter widths alike (NFKC). */
const loosely = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');

/** The standard value a text differs from only in spelling (`自治事務(任意)` → `自治事務（任意）`), if any. */
export function standardSpelling(path: DataPath, value: string): string | undefined {
  return standardChoicesOf(path).find((choice) => loosely(choice) === loosely(value));
}

/** Fields with usual values (`x-choices`), in form order. */
export const STANDARD_CHOICE_FIELDS: readonly FormField[] = FORM_FIELDS.filter((f) => f.node['x-choices']);

/** The open-data column of a field: a stable key and the Japanese header (its title unless the schema says). */
export function openDataColumn(path: DataPath): { key: string; header: string } {
  const field = formField(path);
  const column = field.node['x-openData'];
  if (!column) throw new Error(`sheet.schema.json gives ${path.join('.')} no x-openData`);
  return { key: column.key, header: column.header ?? field.title };
}

/** Fields with an open-data column, in form order. */
export const OPEN_DATA_FIELDS: readonly FormField[] = FORM_FIELDS.filter((f) => f.node['x-openData']);

/** Fields whose value next year's sheet sets (`x-nextYear`), with that value: fields at the top of a sheet only. */
export const NEXT_YEAR_VALUES: readonly { key: keyof Sheet; value: unknown }[] = FORM_FIELDS.filter((f) => 'x-nextYear' in f.node).map((f) => {
  if (f.path.length !== 1) throw new Error(`sheet.schema.json: x-nextYear is read at the top of a sheet only, not at ${f.path.join('.')}`);
  return { key: f.path[0] as keyof Sheet, value: f.node['x-nextYear'] };
});

/** The four evaluation items, in form order. */
export const EVALUATION_ITEMS = Object.keys(ROOT.properties!.evaluation.properties!) as EvaluationItemKey[];

/** The 方向性 a sheet may take, in the schema's order. */
export const DIRECTIONS = (ROOT.properties!.direction.properties!.decision.enum ?? []).filter((d): d is Direction => typeof d === 'string');

/** The indicator slots printed on every sheet, used or not. */
export const INDICATOR_SLOTS = ROOT.properties!.indicators.maxItems!;

/** The fiscal years a year row covers (`x-years`) for a sheet of this year. */
export function rowYears(node: FieldNode, fiscalYear: number): number[] {
  return node['x-years'] === 'indicator' ? indicatorYears(fiscalYear) : costYears(fiscalYear);
}

/** True for a year row: an object keyed by fiscal year. */
export const isYearRow = (node: FieldNode): boolean => typeof node.additionalProperties === 'object' && node['x-years'] !== undefined;

/** The rows of the cost table, in form order: every year row under `costs`. */
export const COST_ROWS = FORM_FIELDS.filter((f) => f.path.length === 2 && f.path[0] === 'costs' && isYearRow(f.node)).map((f) => f.path[1] as CostRowKey);

/**
 * A blank sheet with every field a person writes, as `sheetbook new` hands it out: texts empty, choices and scores
 * unset (null) unless the schema gives a `default`, year rows at 0 for every year of their table, the slots of a
 * slotted list (indicators) all present. Optional fields appear only where the schema gives them a default.
 */
export function blankSheet(fiscalYear: number, number: number, given: Partial<Sheet> = {}): Sheet {
  return { ...(blankValue(ROOT, fiscalYear) as Sheet), fiscalYear, number, ...given };
}

/** The blank value of one field of the form, as a blank sheet holds it (see blankSheet). */
export function blankValue(node: FieldNode, fiscalYear: number): unknown {
  const blank = (node: FieldNode): unknown => {
    if ('default' in node) return node.default;
    if (isYearRow(node)) {
      const value = blank(node.additionalProperties as FieldNode);
      return Object.fromEntries(rowYears(node, fiscalYear).map((y) => [y, value]));
    }
    if (node.properties) {
      const required = new Set(node.required ?? []);
      return Object.fromEntries(
        Object.entries(node.properties)
          .filter(([key, child]) => required.has(key) || 'default' in child)
          .map(([key, child]) => [key, blank(child)]),
      );
    }
    if (node.type === 'array') return node['x-slots'] ? Array.from({ length: node.maxItems ?? 0 }, () => blank(node.items!)) : [];
    if (node.type === 'string') return '';
    if (node.type === 'integer' || node.type === 'number') return 0;
    return null; // a choice or a score not made yet
  };
  return blank(node);
}

/** Every sheet is exactly two A4 pages: a duplex print gives one leaf per project. */
export const PAGES_PER_SHEET = 2;

/** The sentence of a made-up sheet: digits, a percentage, brackets and Latin words among Japanese. */
const SAMPLE_TEXT = '見本の文章です。数字 12,345 千円や 62% のような値、「かっこ」（括弧）と English words も含みます。';

/**
 * A made-up sheet with every field of the form written, read off the schema (so a new field is in it too): a
 * sentence box gets SAMPLE_TEXT, a one-line box a short word, a choice its first choice, a patterned code its example,
 * a figure its least value, a list one item (its `review` and `doubts` none), a year row every year of its table.
 */
export function sampleSheet(fiscalYear = 2021, number = 999): Sheet {
  const fill = (node: FieldNode): unknown => {
    if (Array.isArray(node.examples)) return node.examples[0];
    if (node.enum) return node.enum.find((choice) => choice !== null) ?? null;
    if (node['x-choices']) return node['x-choices'][0];
    if (isYearRow(node)) return Object.fromEntries(rowYears(node, fiscalYear).map((year) => [year, fill(node.additionalProperties as FieldNode)]));
    if (node.properties) return Object.fromEntries(Object.entries(node.properties).map(([key, child]) => [key, fill(child)]));
    const types = ([] as unknown[]).concat(node.type);
    if (types.includes('array')) return node.items ? [fill(node.items)] : [];
    if (types.includes('string')) return Number(node.maxLength ?? 0) >= 400 ? SAMPLE_TEXT : '見本';
    if (types.includes('integer') || types.includes('number')) return Math.max(0, Number(node.minimum ?? 0));
    if (types.includes('boolean')) return true;
    return null;
  };
  return { ...(fill(SHEET_FORM) as Sheet), fiscalYear, number, review: [], doubts: [] };
}
