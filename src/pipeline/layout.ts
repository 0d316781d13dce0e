// Stage 4 — layout: a SheetView merged into the Handlebars layout definitions of templates/ → a pdfmake document.
// Templates produce JSON. Every value enters through the `json` helper, so no text can alter the structure.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
// The runtime is enough to run compiled templates; the compiler is loaded only when a template changed.
import Handlebars from 'handlebars/runtime';
import { parseYamlCached } from './yaml-cache';
import type { CityData } from '../model/city';
import type { SheetView } from './derive';
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
  const file = join(COMPILED_DIR, `${hash.digest('hex')}.js`);
  if (existsSync(file)) {
    try {
      return require(file);
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

export interface TableLayoutSpec {
  lineWidth: number;
  lineColor: string;
  padding: [number, number, number, number];
}

export interface TableSpec {
  layout: string;
  /** Text widths; '*' shares what is left. */
  columns: (number | '*')[];
  /** A table set inside a cell of another: [table, column]. */
  within?: [string, number];
  /** Resolved text widths, as the templates and the fitter use them. */
  widths?: number[];
}

/** The sizes of the form (templates/layout.yaml). */
export interface LayoutSpec {
  font: string;
  page: { size: string; width: number; margins: [number, number, number, number]; number: { fontSize: number; bottom: number }; bindingShift: number };
  fontSize: Record<string, number>;
  lineHeight: number;
  tableLayouts: Record<string, TableLayoutSpec>;
  tables: Record<string, TableSpec>;
  fit: { step: number; floor: number; numberFloor: number; maxCondense: number };
  boxes: Record<string, unknown>;
  [key: string]: unknown;
}

/** Turn '*' columns into numbers so that every table spans exactly the width it sits in. */
function resolveTableWidths(layout: LayoutSpec): void {
  const contentWidth = layout.page.width - layout.page.margins[0] - layout.page.margins[2];
  const resolve = (name: string, seen: string[] = []): number[] => {
    const table = layout.tables[name];
    if (!table) throw new UserError(`templates/layout.yaml: 表「${name}」がありません。`);
    if (table.widths) return table.widths;
    if (seen.includes(name)) throw new UserError(`templates/layout.yaml: 表「${name}」の within が循環しています。`);
    const available = table.within ? resolve(table.within[0], [...seen, name])[table.within[1]] : contentWidth;
    const ruling = layout.tableLayouts[table.layout];
    if (!ruling) throw new UserError(`templates/layout.yaml: 罫線の定義「${table.layout}」がありません。`);
    const n = table.columns.length;
    const overhead = n * (ruling.padding[0] + ruling.padding[2]) + (n + 1) * ruling.lineWidth;
    const fixed = table.columns.reduce<number>((sum, c) => sum + (c === '*' ? 0 : c), 0);
    const stars = table.columns.filter((c) => c === '*').length;
    const star = stars > 0 ? Math.floor(((available - overhead - fixed) / stars) * 1000) / 1000 : 0;
    if (star < 0) throw new UserError(`templates/layout.yaml: 表「${name}」の列幅の合計が紙面の幅を超えています。`);
    table.widths = table.columns.map((c) => (c === '*' ? star : c));
    return table.widths;
  };
  for (const name of Object.keys(layout.tables)) resolve(name);
}

/** A pdfmake document definition (kept loose: pdfmake validates its own shape). */
export type DocDefinition = Record<string, any>;

export interface Templates {
  dir: string;
  layout: LayoutSpec;
  sheet: Handlebars.TemplateDelegate;
  booklet: { cover: Handlebars.TemplateDelegate; toc: Handlebars.TemplateDelegate };
}

// Mustaches a template may use: `json` for every value; block helpers and partials for structure.
const VALUE_HELPERS = new Set(['json']);

/** Refuse templates that print a value without `json`: such a value could break the JSON with a quote. */
function lintTemplate(compiler: typeof import('handlebars'), name: string, source: string): void {
  const visit = (node: any): void => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'MustacheStatement') {
      const head = node.path?.original;
      if (!VALUE_HELPERS.has(head)) {
        const line = node.loc?.start?.line ?? 0;
        throw new UserError(
          `${name}:${line}: テンプレートの値は {{json …}} で出力してください（{{${head}}} はそのまま出力できません）。`,
        );
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
  const hb = Handlebars.create();
  hb.registerHelper('json', (value: unknown) => {
    if (value === undefined) throw new Error('json: 値がありません');
    return new hb.SafeString(JSON.stringify(value));
  });
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const partialsDir = join(dir, 'partials');
  const partials = readdirSync(partialsDir).filter((f) => f.endsWith('.hbs')).sort();
  const sources: Record<string, string> = {};
  for (const file of partials) sources[`partials/${file}`] = readFileSync(join(partialsDir, file), 'utf8');
  for (const file of ['sheet.hbs', 'booklet-cover.hbs', 'booklet-toc.hbs']) sources[file] = readFileSync(join(dir, file), 'utf8');
  const compiled = compileAll(sources);
  const template = (name: string) => hb.template(compiled[name] as any);
  for (const file of partials) hb.registerPartial(basename(file, '.hbs'), template(`partials/${file}`));
  const layout = parseYamlCached(readFileSync(join(dir, 'layout.yaml'), 'utf8')) as LayoutSpec;
  resolveTableWidths(layout);
  return {
    dir,
    layout,
    sheet: template('sheet.hbs'),
    booklet: { cover: template('booklet-cover.hbs'), toc: template('booklet-toc.hbs') },
  };
}

export function layoutSheet(templates: Templates, sheet: SheetView, city: CityData): DocDefinition {
  const json = templates.sheet({ sheet, city, layout: templates.layout });
  try {
    return JSON.parse(json);
  } catch (error) {
    // Only a broken template can get here: values are always JSON-encoded.
    throw new UserError(`templates/ のレイアウト定義が JSON になりません: ${(error as Error).message}`);
  }
}
