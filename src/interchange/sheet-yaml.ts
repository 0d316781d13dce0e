// Sheets written out as YAML in the house style of data/ (the bundled sheets): sections in form order with a
// Japanese comment each, one line per fiscal-year row. Used by `new`, `rollover` and `import`.
import { dirname, relative, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { eraYearText } from '../model/era';
import { formatNumber } from '../model/format';
import { isYearRow, rowYears, SHEET_FORM, type FieldNode, type Sheet, type YearRow } from '../model/form';

// The committed schema (src/model), which editors read through each file's first line.
export const SCHEMA_FILE = resolve(__dirname, '../../src/model/sheet.schema.json');

/** Section comments: what to write where (shown to whoever opens the file). */
export interface SheetYamlNotes {
  /** A line at the top under the title (e.g. where the draft came from). */
  origin?: string;
  /** Extra guidance per section, for a blank sheet. */
  guide?: boolean;
}

function scalar(value: unknown): string {
  if (typeof value === 'string' && value.includes('\n')) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(scalar).join(', ')}]`;
  // Only the line end: a text may end in a full-width space, which trimEnd() would take too.
  return stringify(value, { lineWidth: 0 }).replace(/\n+$/, '');
}

function yearRow<T>(row: YearRow<T> | undefined, years: number[]): string {
  const keys = row ? Object.keys(row).sort() : [];
  // Keep every year the row has, in order; the checker reports years outside the table.
  const all = [...new Set([...years.map(String).filter((y) => row && y in row), ...keys])].sort();
  return `{${all.map((y) => `${y}: ${scalar(row![y])}`).join(', ')}}`;
}

export function sheetYaml(sheet: Sheet, file: string, notes: SheetYamlNotes = {}): string {
  const fy = sheet.fiscalYear;
  const schema = relative(dirname(resolve(file)), SCHEMA_FILE).split('\\').join('/');
  const out: string[] = [
    `# yaml-language-server: $schema=${schema}`,
    `# ${eraYearText(fy)} 事務事業マネジメントシート ${formatNumber(sheet.number)}`,
  ];
  if (notes.origin) out.push(`# ${notes.origin}`);
  if (sheet.review && sheet.review.length > 0) {
    out.push(
      '',
      '# 前年度から引き継いだ文章と、今年度の数値（まだ 0）です。書き直したら（数値は入力したら）、その行をこの一覧から消してください。',
      '# 数値が本当に 0 のときも、確かめたらその行を消します。',
      'review:',
    );
    for (const item of sheet.review) out.push(`  - ${item}`);
    out.push('');
  }
  if (sheet.doubts && sheet.doubts.length > 0) {
    out.push('', '# 取り込みで確かでなかった箇所です。原本と照らし合わせて直したら、その行をこの一覧から消してください。', 'doubts:');
    for (const doubt of sheet.doubts) out.push(`  - ${JSON.stringify(doubt)}`);
    out.push('');
  }
  const skip = new Set(['review', 'doubts']);
  out.push(...fields(sheet as unknown as Record<string, unknown>, SHEET_FORM, 0, skip, notes.guide === true, fy), '');
  return out.join('\n');
}

/** The guidance of a blank sheet's field: its description, or the choices of an enum. */
function guideOf(node: FieldNode): string {
  const choices = (node.enum ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties.enum : undefined))?.filter((c) => c !== null);
  return node.description ?? (choices && choices.length > 0 ? `選択肢: ${choices.join('、')}` : '');
}

/**
 * The fields of an object in the schema's order (the form's reading order), in the house style: a comment heading
 * each section of the form, year rows on one line with their values aligned, lists of records as block lists.
 * Keys the schema does not know are kept as they are (validate reports them).
 */
function fields(value: Record<string, unknown>, node: FieldNode, indent: number, skip: Set<string>, guide: boolean, fiscalYear: number): string[] {
  const pad = ' '.repeat(indent);
  const properties = node.properties ?? {};
  const present = Object.keys(properties).filter((key) => value[key] !== undefined && !skip.has(key));
  const rowWidth = Math.max(0, ...present.filter((key) => isYearRow(properties[key])).map((key) => key.length + 1));
  const lines: string[] = [];
  for (const key of present) {
    const child = properties[key];
    const item = value[key];
    const note = guide && guideOf(child) ? `  # ${guideOf(child)}` : '';
    if (child['x-section']) lines.push('', `# ${child['x-section']}`);
    if (isYearRow(child)) {
      lines.push(`${pad}${`${key}:`.padEnd(rowWidth)} ${yearRow(item as YearRow<unknown>, rowYears(child, fiscalYear))}${note}`);
    } else if (Array.isArray(item) && child.items?.properties && item.length > 0) {
      lines.push(`${pad}${key}:${note}`);
      for (const record of item) {
        const recordLines = fields(record as Record<string, unknown>, child.items, indent + 4, new Set(), guide, fiscalYear);
        lines.push(`${pad}  - ${recordLines[0].trimStart()}`, ...recordLines.slice(1));
      }
    } else if (child.properties && item && typeof item === 'object' && !Array.isArray(item)) {
      lines.push(`${pad}${key}:${note}`, ...fields(item as Record<string, unknown>, child, indent + 2, new Set(), guide, fiscalYear));
    } else {
      lines.push(`${pad}${key}: ${scalar(item)}${note}`);
    }
  }
  for (const key of Object.keys(value)) if (!(key in properties) && !skip.has(key)) lines.push(`${pad}${key}: ${scalar(value[key])}`);
  return lines;
}

/**
 * One key and its value as the lines of a file in the house style, at `indent` spaces (for writing one key anew in a
 * file a person wrote: src/interchange/sheet-edit.ts). `node`: the key's schema node, if the schema knows the key.
 * A value the house style cannot write so that it reads back the same is written as JSON (which YAML reads alike).
 */
export function pairLines(key: string, value: unknown, node: FieldNode | undefined, indent: number, fiscalYear: number): string[] {
  const parent: FieldNode = node ? { properties: { [key]: { ...node, 'x-section': undefined } } } : { properties: {} };
  const lines = fields({ [key]: value }, parent, indent, new Set(), false, fiscalYear).filter((line, i) => i > 0 || line !== '');
  const pad = ' '.repeat(indent);
  try {
    const read = parse(lines.map((l) => l.slice(indent)).join('\n'));
    if (JSON.stringify(read?.[key]) === JSON.stringify(value) && Object.keys(read ?? {}).length === 1) return lines;
  } catch {
    // written as JSON below
  }
  return [`${pad}${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key)}: ${JSON.stringify(value)}`];
}
