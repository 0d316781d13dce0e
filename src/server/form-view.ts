// The form as the browser's editor needs it (GET /api/form): every section of the official form in order, every
// field with its label, help, kind and choices — read from the sheet's schema (src/model/form.ts) and the box sizes of
// templates/layout.yaml, never typed again. The editor builds its inputs from this and nothing else.
//
// The shape (JSON):
//
//   FormView = {
//     year: number,                 // the fiscal year the year rows are given for
//     title: string,                // the schema's title (事務事業マネジメントシート)
//     sections: [{ title: string, fields: FieldView[] }],  // in the form's order; the first is the sheet's heading
//     emptyMark: '—',               // what 「取組なし」 is written as (fields whose mustFill hint names it)
//   }
//
//   FieldView = {
//     path: (string)[],   // where the value lives in the sheet's data; '*' stands for a list index (list, slots)
//     label: string,      // the schema's title, as printed and as findings name it
//     help?: string,      // the schema's description (guidance), if any
//     kind: 'text'        // a multi-line sentence (a box of several lines)
//         | 'line'        // one line of text
//         | 'number'      // an integer or a decimal (integer: true when only integers are allowed)
//         | 'choice'      // one of `choices` (a select); null = not chosen yet. For a text with usual values
//                         // (事業分類, the schema's x-choices), "" = not chosen, and a value not listed is kept
//         | 'yearRow'     // an object keyed by fiscal year ('2021': number), one input per year of `years`
//         | 'list'        // a list: of values (`item` is one FieldView with path ending in '*'), or of records
//                         // (`fields`, paths with '*'), up to maxItems when given
//         | 'slots'       // a list printed as maxItems slots, used or not (indicators): as 'list' of records
//         | 'boolean'     // a check box
//         | 'group',      // a record of fields (`fields`)
//     fields?: FieldView[],   // for group, list of records, slots
//     item?: FieldView,       // for a list of plain values (SDGs, 市長公約: numbers)
//     choices?: { value: string | number | null, label: string, sentence?: string }[],
//                             // for choice (and a list's item): the value stored, the text shown; for an
//                             // evaluation score, the standard sentence of that score (data/evaluation-sentences.yaml)
//     years?: number[],       // for yearRow: the table's years for `year`, in order (labels come as yearLabels);
//                             // a year row of choices has `choices` instead of the number facts
//     yearLabels?: string[],  // 令和2年度… for each of `years`
//     unit?: string,          // for yearRow / number: the unit the figures count in (千円), when the schema says
//     integer?: boolean,      // for number and yearRow: whole numbers only
//     min?: number, max?: number,
//     maxLength?: number,     // for text and line
//     maxItems?: number,      // for list and slots
//     itemLabel?: string,     // for a list of records: what one is called (指標), the schema's items title
//     box?: string,           // the x-box the field prints in (the key of its entry in `fit` of check/GET)
//     lines?: number,         // for a boxed field: 1 for a one-line box
//     mustFill?: true | string, // must be written before the sheet prints; a string is the hint (「—」 for none)
//     standardSentenceOf?: string[], // for an evaluation sentence: the path of its score (its standard follows it)
//   }
//
// A field's values in `fit` (check and GET) are keyed by the field's dotted path with indexes (`indicators.0.name`).
import { eraYearText } from '../model/era';
import { unitOf } from '../model/figure-advice';
import { FORM_FIELDS, isYearRow, rowYears, SHEET_FORM, standardChoicesOf, type FieldNode } from '../model/form';
import { SDG_NAMES } from '../model/sdgs';
import type { CityData, EvaluationSentencesFile } from '../model/city';
import type { BoxSpec } from '../pipeline/fit';

export type FieldKind = 'text' | 'line' | 'number' | 'choice' | 'yearRow' | 'list' | 'slots' | 'boolean' | 'group';

export interface Choice {
  value: string | number | null;
  label: string;
  sentence?: string;
}

export interface FieldView {
  path: string[];
  label: string;
  help?: string;
  kind: FieldKind;
  fields?: FieldView[];
  item?: FieldView;
  choices?: Choice[];
  years?: number[];
  yearLabels?: string[];
  unit?: string;
  integer?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  maxItems?: number;
  itemLabel?: string;
  box?: string;
  lines?: number;
  mustFill?: true | string;
  standardSentenceOf?: string[];
}

export interface SectionView {
  title: string;
  fields: FieldView[];
}

export interface FormView {
  year: number;
  title: string;
  sections: SectionView[];
  emptyMark: string;
}

/** What 「取組なし」 is written as (the form's convention, named in the participation fields' hint). */
export const EMPTY_MARK = '—';

// Kept out of the editor: lists the tools write (rollover's review, import's doubts) are shown as findings, not edited.
const NOT_EDITED = new Set(['review', 'doubts']);

const isType = (node: FieldNode, type: string) => node.type === type || (Array.isArray(node.type) && node.type.includes(type));

/** The form for a sheet of `year`: sections in the schema's order, each top-level field with `x-section` starting one. */
export function formView(year: number, city: Pick<CityData, 'evaluationSentences'>, boxes: Record<string, BoxSpec>): FormView {
  const root = SHEET_FORM;
  const sections: SectionView[] = [{ title: root.title ?? '', fields: [] }];
  for (const [key, node] of Object.entries(root.properties ?? {})) {
    if (NOT_EDITED.has(key)) continue;
    if (node['x-section']) sections.push({ title: node['x-section'], fields: [] });
    sections[sections.length - 1].fields.push(fieldView([key], node, { year, sentences: city.evaluationSentences, boxes }));
  }
  return { year, title: root.title ?? '', sections, emptyMark: EMPTY_MARK };
}

interface Context {
  year: number;
  sentences: EvaluationSentencesFile;
  boxes: Record<string, BoxSpec>;
}

function fieldView(path: string[], node: FieldNode, context: Context): FieldView {
  const view: FieldView = { path, label: node.title ?? path[path.length - 1], kind: kindOf(node, context) };
  if (node.description) view.help = node.description;
  if (node['x-mustFill'] !== undefined) view.mustFill = node['x-mustFill'];
  if (node['x-box']) {
    view.box = node['x-box'];
    const lines = context.boxes[node['x-box']]?.lines;
    if (lines !== undefined) view.lines = lines;
  }
  if (typeof node.maxLength === 'number') view.maxLength = node.maxLength;
  switch (view.kind) {
    case 'number':
      Object.assign(view, numberFacts(node));
      break;
    case 'choice':
      view.choices = choicesOf(path, node, context);
      break;
    case 'yearRow': {
      const value = node.additionalProperties as FieldNode;
      view.years = rowYears(node, context.year);
      view.yearLabels = view.years.map(eraYearText);
      // A year row of choices (会計年度任用職員有無: 有/無) is a select per year.
      if (value.enum) view.choices = choicesOf(path, value, context);
      else Object.assign(view, numberFacts(value));
      const unit = unitOf(value.title);
      if (unit) view.unit = unit;
      break;
    }
    case 'list':
    case 'slots': {
      const items = node.items as FieldNode;
      if (typeof node.maxItems === 'number') view.maxItems = node.maxItems;
      if (items.properties) {
        view.fields = childFields([...path, '*'], items, context);
        // What one record is called (指標): the editor heads each `指標 1`, as findings name it.
        if (items.title) view.itemLabel = items.title;
      } else view.item = fieldView([...path, '*'], items, context);
      break;
    }
    case 'group':
      view.fields = childFields(path, node, context);
      break;
  }
  if (path[0] === 'evaluation' && path[path.length - 1] === 'sentence') view.standardSentenceOf = [...path.slice(0, -1), 'score'];
  return view;
}

function childFields(path: string[], node: FieldNode, context: Context): FieldView[] {
  return Object.entries(node.properties ?? {}).map(([key, child]) => fieldView([...path, key], child, context));
}

function kindOf(node: FieldNode, context: Context): FieldKind {
  if (node.enum || node['x-choices']) return 'choice';
  if (isYearRow(node)) return 'yearRow';
  if (isType(node, 'array')) return node['x-slots'] ? 'slots' : 'list';
  if (isType(node, 'object')) return 'group';
  if (isType(node, 'boolean')) return 'boolean';
  // A whole number of a few values (a score 1〜5, an SDG 1〜17) is a choice; a score shows its standard sentence.
  if (isType(node, 'integer') && typeof node.minimum === 'number' && typeof node.maximum === 'number' && node.maximum - node.minimum <= 20) return 'choice';
  if (isType(node, 'integer') || isType(node, 'number')) return 'number';
  const box = node['x-box'] ? context.boxes[node['x-box']] : undefined;
  // A text with no line breaks allowed, or printed in a one-line box, is typed on one line.
  if (node.pattern === '^[^\\n\\r]*$' || box === undefined || box.lines === 1) return 'line';
  return 'text';
}

function numberFacts(node: FieldNode): Partial<FieldView> {
  const facts: Partial<FieldView> = { integer: isType(node, 'integer') };
  if (typeof node.minimum === 'number') facts.min = node.minimum;
  if (typeof node.maximum === 'number') facts.max = node.maximum;
  return facts;
}

function choicesOf(path: string[], node: FieldNode, context: Context): Choice[] {
  // A text's usual values (事業分類): a blank sheet's "" is the unchosen one; a value not listed is kept by the select.
  if (node['x-choices']) return [{ value: '', label: '（未選択）' }, ...standardChoicesOf(path).map((value) => ({ value, label: value }))];
  const nullable = isType(node, 'null') || (node.enum ?? []).includes(null);
  const values: (string | number)[] = node.enum
    ? node.enum.filter((v): v is string | number => v !== null)
    : Array.from({ length: (node.maximum as number) - (node.minimum as number) + 1 }, (_, i) => (node.minimum as number) + i);
  const item = path[0] === 'evaluation' ? (path[1] as keyof EvaluationSentencesFile) : undefined;
  const choices: Choice[] = values.map((value) => {
    const choice: Choice = { value, label: String(value) };
    if (path[0] === 'sdgs') choice.label = `${value} ${SDG_NAMES[(value as number) - 1]}`;
    const sentence = item ? context.sentences[item]?.[String(value)] : undefined;
    if (sentence) choice.sentence = sentence;
    return choice;
  });
  return nullable ? [{ value: null, label: '（未選択）' }, ...choices] : choices;
}

/** Every field path of the form that prints in a box, for the `fit` map (paths with '*' for list indexes). */
export const BOXED_PATHS = FORM_FIELDS.filter((f) => f.node['x-box']).map((f) => f.path);
