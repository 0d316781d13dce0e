// Stage 4 — layout: a SheetView merged into the Handlebars layout definitions of templates/ → a pdfmake document.
// A template writes the document's shape as JSON; every value enters through the `json` helper, which leaves a place
// for it. The shape is read once (the same for every sheet of a shape) and the values are put in their places as
// they are: no value is written out as JSON text and read back, and no text can alter the structure.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
// The runtime is enough to run compiled templates; the compiler is loaded only when a template changed.
import Handlebars from 'handlebars/runtime';
import type { CityData } from '../model/city';
import { checkDataFile, DATA_FILE_SCHEMAS, DataFileError } from './data-file';
import { formField, printedLabel, sectionHeading } from '../model/form';
import { labelsFor } from '../model/schema';
import { loadYamlFile } from './load';
import type { DataPath, Finding } from '../model/types';
import type { SheetView } from './derive';
import type { DocDefinition, TableRules } from '../pdf/pdfmake';
import { UserError } from '../model/errors';
import { writeFileAtomic } from './write';

export const DEFAULT_TEMPLATES_DIR = resolve(__dirname, '../../templates');
// Compiled templates are kept here, keyed by their source: compiling them costs ~40 ms of every cold start.
const COMPILED_DIR = resolve(__dirname, '../../node_modules/.cache/sheetbook/templates');

/**
 * Check and compile every template, or load them all from one compiled file of an earlier run (checked then).
 * Keyed by the templates' names and sources, so an edited template is compiled again.
 */
function compileAll(sources: Record<string, string>): Record<string, object> {
  const options = { strict: true, noEscape: true };
  const hash = createHash('sha256').update(`${Handlebars.VERSION}\0${JSON.stringify(options)}`);
  for (const [name, source] of Object.entries(sources)) hash.update(`\0${name}\0${source}`);
  const key = hash.digest('hex');
  // Compiled earlier in this process, from these very sources.
  const kept = compiledInMemory.get(key);
  if (kept) return kept;
  const compiled = compileOrLoad(key, sources, options);
  compiledInMemory.set(key, compiled);
  return compiled;
}

const compiledInMemory = new Map<string, Record<string, object>>();

function compileOrLoad(key: string, sources: Record<string, string>, options: object): Record<string, object> {
  const file = join(COMPILED_DIR, `${key}.js`);
  if (existsSync(file)) {
    try {
      const loaded = require(file) as Record<string, object>;
      // A cache file is written without a flush: after a crash it may be empty, which require reads as `{}`.
      if (Object.keys(sources).every((name) => typeof loaded[name] === 'object')) return loaded;
    } catch {
      // fall through and compile again
    }
  }
  const compiler = require('handlebars') as typeof import('handlebars');
  const specs = Object.entries(sources).map(([name, source]) => {
    lintTemplate(compiler, `templates/${name}`, source);
    return [name, compiler.precompile(source, options)] as const;
  });
  const module = `module.exports = {\n${specs.map(([name, spec]) => `${JSON.stringify(name)}: ${spec}`).join(',\n')}\n};\n`;
  try {
    mkdirSync(COMPILED_DIR, { recursive: true });
    writeFileAtomic(file, Buffer.from(module), { durable: false });
  } catch {
    // an unwritable cache only costs time
  }
  return new Function('module', `${module}; return module.exports;`)({});
}

/** A box of `boxes:`: how its text may be set. Where it prints is the template's cell that prints it (box-places.ts). */
export interface BoxSpec {
  /** 1 for a one-line cell; otherwise `height` is the text area's height. */
  lines?: number;
  height?: number;
  bold?: boolean;
  size?: number;
  floor?: number;
}

/** A table's rulings and padding (drawn by pdf/pdfmake.ts). */
export type TableLayoutSpec = TableRules;

export interface TableSpec {
  layout: string;
  /** Text widths; '*' shares what is left. */
  columns: (number | '*')[];
  /** A table set inside a cell of another: [table, column]. */
  within?: [string, number];
  /** Resolved text widths, as the templates and the fitter use them. */
  widths?: number[];
}

/** The sizes of the form (templates/layout.yaml), as its schema (src/model/layout.schema.json) guarantees them. */
export interface LayoutSpec {
  font: string;
  page: { size: string; width: number; margins: [number, number, number, number]; number: { fontSize: number; bottom: number }; bindingShift: number };
  fontSize: { title: number; section: number; body: number; label: number; number: number };
  lineHeight: number;
  table: { labelFill: string; headerFill: string };
  tableLayouts: Record<string, TableLayoutSpec>;
  tables: Record<string, TableSpec>;
  booklet: {
    toc: {
      title: { fontSize: number; height: number };
      department: { height: number };
      division: { height: number };
      sheet: { height: number };
      continued: string;
      leader: { text: string; fontSize: number; color: string; gap: number };
    };
    blank: { text: string; fontSize: number; top: number };
  };
  overview: {
    title: { fontSize: number };
    city: { fontSize: number };
    heading: { fontSize: number; top: number };
    headerFontSize: number;
    charts: {
      fontSize: number;
      directionWidth: number;
      gap: number;
      barStep: number;
      barGap: number;
      labelWidth: number;
      directionFill: string;
      costFills: [string, string];
      textColor: string;
      lineColor: string;
      gridColor: string;
      lineWidth: number;
      costTicks: number;
      costAxisTitle: string;
    };
  };
  fit: { step: number; floor: number; maxCondense: number };
  boxes: Record<string, BoxSpec>;
}

interface LayoutProblem {
  path: DataPath;
  message: string;
}

/**
 * Turn '*' columns into numbers so that every table spans exactly the width it sits in, and check what the
 * schema cannot: that the names a table refers to exist and the columns fit on the page (a box's place is checked
 * against the templates, in box-places.ts).
 */
function resolveTableWidths(layout: LayoutSpec): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  const contentWidth = layout.page.width - layout.page.margins[0] - layout.page.margins[2];
  const resolve = (name: string, seen: string[] = []): number[] | undefined => {
    const table = layout.tables[name];
    if (table.widths) return table.widths;
    let available = contentWidth;
    if (table.within) {
      const [outer, column] = table.within;
      if (!layout.tables[outer]) {
        problems.push({ path: ['tables', name, 'within', 0], message: `表「${outer}」がありません。tables にある表の名前を書いてください` });
        return undefined;
      }
      if (seen.includes(outer) || outer === name) {
        problems.push({ path: ['tables', name, 'within', 0], message: `表「${name}」の置く場所（within）が循環しています` });
        return undefined;
      }
      const outerWidths = resolve(outer, [...seen, name]);
      if (!outerWidths) return undefined;
      if (column >= outerWidths.length) {
        problems.push({ path: ['tables', name, 'within', 1], message: `表「${outer}」には列が ${outerWidths.length} 列しかありません（列は 0 から数えます）` });
        return undefined;
      }
      available = outerWidths[column];
    }
    const ruling = layout.tableLayouts[table.layout];
    if (!ruling) {
      problems.push({ path: ['tables', name, 'layout'], message: `罫線の定義「${table.layout}」がありません。tableLayouts にある名前を書いてください` });
      return undefined;
    }
    const n = table.columns.length;
    const overhead = n * (ruling.padding[0] + ruling.padding[2]) + (n + 1) * ruling.lineWidth;
    const fixed = table.columns.reduce<number>((sum, c) => sum + (c === '*' ? 0 : c), 0);
    const stars = table.columns.filter((c) => c === '*').length;
    const star = stars > 0 ? Math.floor(((available - overhead - fixed) / stars) * 1000) / 1000 : 0;
    if (star < 0) {
      problems.push({ path: ['tables', name, 'columns'], message: `表「${name}」の列幅の合計が紙面の幅を超えています` });
      return undefined;
    }
    table.widths = table.columns.map((c) => (c === '*' ? star : c));
    return table.widths;
  };
  for (const name of Object.keys(layout.tables)) resolve(name);
  for (const [name, box] of Object.entries(layout.boxes)) {
    if (box.lines === undefined && box.height === undefined) {
      problems.push({ path: ['boxes', name], message: '1 行の欄は lines: 1 を、文章の欄は height（文字を置く高さ）を書いてください' });
    }
  }
  return problems;
}

/** templates/layout.yaml, checked against its schema and for names that refer to nothing; a DataFileError otherwise. */
export function loadLayout(dir: string = DEFAULT_TEMPLATES_DIR): LayoutSpec {
  const file = join(dir, 'layout.yaml');
  const checked = checkDataFile<LayoutSpec>(file, 'layout');
  if (checked.findings.length > 0 || !checked.value) throw new DataFileError(checked.findings);
  const layout = checked.value;
  const problems = resolveTableWidths(layout);
  if (problems.length > 0) {
    // Rare: read the file again, with positions, to point at each problem.
    const source = loadYamlFile(file);
    const findings = problems.map(({ path, message }): Finding => {
      const pos = source.locate(path);
      return { file, line: pos.line, column: pos.column, severity: 'error', labels: labelsFor(path, DATA_FILE_SCHEMAS.layout), message, path };
    });
    throw new DataFileError(findings);
  }
  return layout;
}

/** A pdfmake document definition (kept loose: pdfmake validates its own shape). */
export type { DocDefinition };

/** A layout definition of templates/: the pdfmake document it makes of a context. */
export type DocumentTemplate = (context: object) => DocDefinition;

export interface Templates {
  dir: string;
  layout: LayoutSpec;
  sheet: DocumentTemplate;
  booklet: { cover: DocumentTemplate; toc: DocumentTemplate };
  errata: DocumentTemplate;
  /** A 新旧対照表 (sheetbook diff). */
  diff: DocumentTemplate;
  overview: DocumentTemplate;
}

// A value's place in a template's JSON: a string no template writes (U+0000 must be escaped in JSON text).
const PLACE = '\u0000sheetbook:';
/** The start of a place as the JSON text of a template writes it (the string's opening quote and PLACE, escaped). */
const PLACE_AS_JSON = JSON.stringify(PLACE).slice(0, -1);

/**
 * Documents made from templates whose values are put in places (the `json` helper) rather than written as JSON. The
 * JSON text left is the document's shape: read once per shape (a sheet's differs only with its number of rows),
 * then copied with the values put in, for pdfmake writes into the document it lays out.
 */
class DocumentMaker {
  private values: unknown[] | undefined;
  private readonly shapes = new Map<string, unknown>();

  /** The place of a value of the template being run: a JSON string, put in the template's text. */
  place(value: unknown): string {
    if (!this.values) throw new Error('json: テンプレートの外では使えません');
    this.values.push(value);
    return `${PLACE_AS_JSON}${this.values.length - 1}"`;
  }

  make(name: string, template: Handlebars.TemplateDelegate, context: object): DocDefinition {
    const outer = this.values;
    const values: unknown[] = [];
    this.values = values;
    let text: string;
    try {
      text = template(context);
    } finally {
      this.values = outer;
    }
    let shape = this.shapes.get(text);
    if (shape === undefined) {
      try {
        shape = JSON.parse(text);
      } catch (error) {
        // Only a broken template can get here: a value is never written into the text.
        throw new UserError(`templates/${name} のレイアウト定義が JSON になりません: ${(error as Error).message}`);
      }
      // Shapes that differ with what is printed (a contents page's rows) are kept only for a while.
      if (this.shapes.size >= 64) this.shapes.clear();
      this.shapes.set(text, shape);
    }
    return filled(shape, values) as DocDefinition;
  }
}

/** A copy of a shape with each place holding its value. */
function filled(shape: unknown, values: unknown[]): unknown {
  if (typeof shape === 'string') return shape.startsWith(PLACE) ? plainCopy(values[Number(shape.slice(PLACE.length))]) : shape;
  if (typeof shape !== 'object' || shape === null) return shape;
  if (Array.isArray(shape)) return shape.map((s) => filled(s, values));
  const copy: Record<string, unknown> = {};
  for (const key in shape) copy[key] = filled((shape as Record<string, unknown>)[key], values);
  return copy;
}

/**
 * A value as JSON would give it back (the document pdfmake gets is its own, and the view is left as it was): plain
 * objects and arrays copied, keys whose value is undefined left out, a number that is not finite as null.
 */
function plainCopy(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : plainCopy(v)));
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(value));
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function') copy[key] = plainCopy(v);
  return copy;
}

// Mustaches a template may use: `json` for every value, `label` for a printed word of the form, `pageBreak` where
// the schema starts a page; block helpers and partials for structure.
const VALUE_HELPERS = new Set(['json', 'label', 'pageBreak']);

/** What `{{label path part="…"}}` prints of a field: the words the schema holds (src/model/form.ts). */
const LABEL_PARTS: Record<string, (path: string[]) => string> = {
  // Its label: the title, or the x-label of a cell it shares (担当部課).
  label: printedLabel,
  // The heading of the section it starts (x-section without its note).
  section: sectionHeading,
  // A table's head over its row labels (x-head: 項目).
  head: (path) => annotation(path, 'x-head'),
  // The group a cost row starts (x-group: 事業費, 内訳, 人件費).
  group: (path) => annotation(path, 'x-group'),
  // A cost row's unit, in brackets (x-unit: (千円)).
  unit: (path) => `(${annotation(path, 'x-unit')})`,
};

function annotation(path: string[], name: 'x-head' | 'x-group' | 'x-unit'): string {
  const value = formField(path).node[name];
  if (typeof value !== 'string') throw new Error(`シートのスキーマで、この項目に ${name} がありません。`);
  return value;
}

/**
 * A printed word of the sheet's form, so that no label is typed twice: a field's label by default, or the `part`
 * named (`{{label "costs.budget" part="group"}}`). The path is given as dotted segments (`"costs.settled"`, or
 * `"evaluation" @key` inside an `each`).
 */
function fieldLabel(segments: unknown[], part = 'label'): string {
  const path = segments.flatMap((s) => String(s).split('.')).filter((s) => s !== '');
  const shown = `{{label "${path.join('.')}"${part === 'label' ? '' : ` part="${part}"`}}}`;
  const read = LABEL_PARTS[part];
  if (!read) throw new UserError(`テンプレートの ${shown}: part には ${Object.keys(LABEL_PARTS).join('、')} のどれかを指定してください。`);
  try {
    formField(path);
  } catch {
    throw new UserError(`テンプレートの ${shown}: シートのスキーマ（src/model/sheet.schema.json）にない項目です。`);
  }
  try {
    return read(path);
  } catch (error) {
    throw new UserError(`テンプレートの ${shown}: ${(error as Error).message.replace(/^sheet\.schema\.json gives .* no (x-[a-z]+)$/, 'シートのスキーマで、この項目に $1 がありません。')}`);
  }
}

/** Refuse templates that print a value without `json`: such a value could break the JSON with a quote. */
function lintTemplate(compiler: typeof import('handlebars'), name: string, source: string): void {
  const visit = (node: any): void => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'MustacheStatement') {
      const head = node.path?.original;
      const line = node.loc?.start?.line ?? 0;
      if (!VALUE_HELPERS.has(head)) {
        throw new UserError(
          `${name}:${line}: テンプレートの値は {{json …}} で出力してください（{{${head}}} はそのまま出力できません）。`,
        );
      }
      // A label named in full is checked now, not when a sheet is printed.
      const part = node.hash?.pairs?.find((p: any) => p.key === 'part')?.value;
      if (head === 'label' && node.params.every((p: any) => p.type === 'StringLiteral') && (!part || part.type === 'StringLiteral')) {
        try {
          fieldLabel(node.params.map((p: any) => p.value), part?.value);
        } catch (error) {
          throw new UserError(`${name}:${line}: ${(error as Error).message}`);
        }
      }
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object' && value !== node.loc) visit(value);
    }
  };
  visit(compiler.parse(source));
}

export function loadTemplates(dir: string = DEFAULT_TEMPLATES_DIR): Templates {
  const layout = loadLayout(dir);
  const hb = Handlebars.create();
  const maker = new DocumentMaker();
  hb.registerHelper('json', (value: unknown) => {
    if (value === undefined) throw new Error('json: 値がありません');
    return new hb.SafeString(maker.place(value));
  });
  hb.registerHelper('label', (...args: unknown[]) => {
    const options = args[args.length - 1] as Handlebars.HelperOptions;
    return new hb.SafeString(maker.place(fieldLabel(args.slice(0, -1), options.hash?.part)));
  });
  // The heading of a field that starts a page of the sheet (x-page) breaks the page before it.
  hb.registerHelper('pageBreak', (...args: unknown[]) => {
    const path = args.slice(0, -1).flatMap((s) => String(s).split('.'));
    const first = formField(path).node['x-page'] !== undefined;
    return new hb.SafeString(first ? ', "pageBreak": "before"' : '');
  });
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const partialsDir = join(dir, 'partials');
  const partials = readdirSync(partialsDir).filter((f) => f.endsWith('.hbs')).sort();
  const sources: Record<string, string> = {};
  for (const file of partials) sources[`partials/${file}`] = readFileSync(join(partialsDir, file), 'utf8');
  for (const file of ['sheet.hbs', 'booklet-cover.hbs', 'booklet-toc.hbs', 'errata.hbs', 'diff.hbs', 'overview.hbs']) sources[file] = readFileSync(join(dir, file), 'utf8');
  const compiled = compileAll(sources);
  const template = (name: string) => hb.template(compiled[name] as any);
  for (const file of partials) hb.registerPartial(basename(file, '.hbs'), template(`partials/${file}`));
  const document = (name: string): DocumentTemplate => {
    const run = template(name);
    return (context) => maker.make(name, run, context);
  };
  return {
    dir,
    layout,
    sheet: document('sheet.hbs'),
    booklet: { cover: document('booklet-cover.hbs'), toc: document('booklet-toc.hbs') },
    errata: document('errata.hbs'),
    diff: document('diff.hbs'),
    overview: document('overview.hbs'),
  };
}

export function layoutSheet(templates: Templates, sheet: SheetView, city: CityData): DocDefinition {
  return templates.sheet({ sheet, city, layout: templates.layout });
}
