// Stage 4 — layout: a SheetView merged into the Handlebars layout definitions of templates/ → a pdfmake document.
// Templates produce JSON. Every value enters through the `json` helper, so no text can alter the structure.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import Handlebars from 'handlebars';
import { parse as parseYaml } from 'yaml';
import type { CityData } from './city';
import type { SheetView } from './derive';
import { UserError } from './errors';

export const DEFAULT_TEMPLATES_DIR = resolve(__dirname, '../../templates');

export interface TableLayoutSpec {
  lineWidth: number;
  lineColor: string;
  padding: [number, number, number, number];
}

/** The sizes of the form (templates/layout.yaml). */
export interface LayoutSpec {
  font: string;
  page: { size: string; margins: [number, number, number, number]; footerY: number };
  fontSize: Record<string, number>;
  lineHeight: number;
  tableLayouts: Record<string, TableLayoutSpec>;
  columns: Record<string, (number | string)[]>;
  boxes: Record<string, number>;
  [key: string]: unknown;
}

/** A pdfmake document definition (kept loose: pdfmake validates its own shape). */
export type DocDefinition = Record<string, any>;

export interface Templates {
  dir: string;
  layout: LayoutSpec;
  sheet: Handlebars.TemplateDelegate;
}

// Mustaches a template may use: `json` for every value; block helpers and partials for structure.
const VALUE_HELPERS = new Set(['json']);

/** Refuse templates that print a value without `json`: such a value could break the JSON with a quote. */
function lintTemplate(name: string, source: string): void {
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
  visit(Handlebars.parse(source));
}

export function loadTemplates(dir: string = DEFAULT_TEMPLATES_DIR): Templates {
  const hb = Handlebars.create();
  hb.registerHelper('json', (value: unknown) => {
    if (value === undefined) throw new Error('json: 値がありません');
    return new hb.SafeString(JSON.stringify(value));
  });
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const partialsDir = join(dir, 'partials');
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs')).sort()) {
    const source = readFileSync(join(partialsDir, file), 'utf8');
    lintTemplate(`templates/partials/${file}`, source);
    hb.registerPartial(basename(file, '.hbs'), hb.compile(source, { strict: true, noEscape: true }));
  }
  const sheetSource = readFileSync(join(dir, 'sheet.hbs'), 'utf8');
  lintTemplate('templates/sheet.hbs', sheetSource);
  const layout = parseYaml(readFileSync(join(dir, 'layout.yaml'), 'utf8')) as LayoutSpec;
  return { dir, layout, sheet: hb.compile(sheetSource, { strict: true, noEscape: true }) };
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
