// The one reader of JSON Schemas (the sheet's and the data files'): the node type, `$ref`s resolved, the node at a
// place in a document and the Japanese label of that place, from the schema's `title`s. What a field of the sheet
// means is asked of src/model/form.ts, which reads the sheet's schema through this module.
import sheetSchema from './sheet.schema.json';
import { eraYearText } from './era';
import type { DataPath } from './types';

export interface SchemaNode {
  title?: string;
  description?: string;
  default?: unknown;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  prefixItems?: SchemaNode[];
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  examples?: unknown[];
  pattern?: string;
  propertyNames?: SchemaNode;
  /** A shape written once under `$defs` (`#/$defs/<name>`); the keywords beside it add to or override it. */
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
  // The sheet's annotations: what each means is told in src/model/form.ts.
  'x-box'?: string;
  'x-mustFill'?: true | string;
  'x-yearly'?: true;
  'x-yearlyFigure'?: true;
  'x-openData'?: { key: string; header?: string; value?: string };
  'x-years'?: 'cost' | 'indicator';
  'x-slots'?: true;
  'x-section'?: string;
  'x-carryOver'?: 'latest';
  'x-nextYear'?: unknown;
  'x-choices'?: string[];
  'x-label'?: string;
  'x-head'?: string;
  'x-unit'?: string;
  'x-group'?: string;
  'x-page'?: number;
  'x-expectsNewText'?: string[];
  'x-agreesWithLastYear'?: true;
  [key: string]: unknown;
}

/** One place of a document a schema describes. A list's items and a map's values stand as `'*'` in the path. */
export interface SchemaField {
  path: string[];
  title: string;
  node: SchemaNode;
}

/** Every place a schema describes, in the schema's order (for the sheet, the form's reading order). */
export function fieldsOf(root: SchemaNode): SchemaField[] {
  const fields: SchemaField[] = [];
  const walk = (node: SchemaNode, path: string[]) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      fields.push({ path: [...path, key], title: child.title ?? key, node: child });
      walk(child, [...path, key]);
      if (typeof child.items === 'object') walk(child.items, [...path, key, '*']);
      // A map's values (a year row's `costs.budget.2021`) are one field, the map's.
      if (typeof child.additionalProperties === 'object') fields.push({ path: [...path, key, '*'], title: child.title ?? key, node: child.additionalProperties });
    }
  };
  walk(dereferenced(root), []);
  return fields;
}

/** The sheet's schema as written (what ajv compiles). */
export const SHEET_SCHEMA = sheetSchema as unknown as SchemaNode;

const resolved = new WeakMap<SchemaNode, SchemaNode>();

/**
 * The schema with every local `$ref` replaced by the shape it names, the keywords written beside the `$ref` (a
 * field's own title and annotations) taking precedence: the tree every walk of a schema reads. Made once per schema.
 */
export function dereferenced(root: SchemaNode): SchemaNode {
  const known = resolved.get(root);
  if (known) return known;
  const defs = root.$defs ?? {};
  const resolve = (node: unknown, seen: string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => resolve(n, seen));
    if (!node || typeof node !== 'object') return node;
    const own = node as SchemaNode;
    if (typeof own.$ref === 'string') {
      const name = /^#\/\$defs\/([^/]+)$/.exec(own.$ref)?.[1];
      if (!name || !(name in defs) || seen.includes(name)) throw new Error(`schema: cannot resolve $ref ${own.$ref}`);
      const { $ref: _ref, ...beside } = own;
      return { ...(resolve(defs[name], [...seen, name]) as SchemaNode), ...(resolve(beside, seen) as SchemaNode) };
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(own)) if (key !== '$defs') out[key] = resolve(value, seen);
    return out;
  };
  const tree = resolve(root, []) as SchemaNode;
  resolved.set(root, tree);
  resolved.set(tree, tree);
  return tree;
}

const YEAR_KEY = /^[0-9]{4}$/;

/** The schema node describing the value at `path`, or undefined when the path leaves the schema. */
export function schemaAt(path: DataPath, root: SchemaNode = SHEET_SCHEMA): SchemaNode | undefined {
  let node: SchemaNode | undefined = dereferenced(root);
  for (const step of path) {
    if (!node) return undefined;
    if (node.properties && typeof step === 'string' && step in node.properties) node = node.properties[step];
    else if (node.prefixItems && typeof step === 'number' && step < node.prefixItems.length) node = node.prefixItems[step];
    else if (typeof node.items === 'object' && typeof step === 'number') node = node.items;
    else if (typeof node.additionalProperties === 'object') node = node.additionalProperties;
    else return undefined;
  }
  return node;
}

/** Whether a key of a map passes the map's `propertyNames` pattern (a year map's keys are years). */
function keyAllowed(map: SchemaNode, key: string): boolean {
  const pattern = map.propertyNames?.pattern;
  return typeof pattern === 'string' ? new RegExp(pattern, 'u').test(key) : !YEAR_KEY.test(key);
}

/**
 * `['costs','settled','2020']` → `['コストの推移','決算額','令和2年度']`. A tuple's item is named by its own title
 * (`余白 › 左`); a key of a map that is not a year by the map's title and the key (`点数3`, `表「costs」`).
 */
export function labelsFor(path: DataPath, root: SchemaNode = SHEET_SCHEMA): string[] {
  const labels: string[] = [];
  let node: SchemaNode | undefined = dereferenced(root);
  for (const step of path) {
    if (!node) break;
    if (node.properties && typeof step === 'string' && step in node.properties) {
      node = node.properties[step];
      labels.push(node.title ?? step);
    } else if (node.prefixItems && typeof step === 'number' && step < node.prefixItems.length) {
      node = node.prefixItems[step];
      labels.push(node.title ?? String(step + 1));
    } else if (typeof node.items === 'object' && typeof step === 'number') {
      node = node.items;
      labels.push(`${node.title ?? ''}${step + 1}`);
    } else if (typeof node.additionalProperties === 'object' && YEAR_KEY.test(String(step))) {
      node = node.additionalProperties;
      labels.push(eraYearText(Number(step)));
    } else if (typeof node.additionalProperties === 'object' && keyAllowed(node, String(step))) {
      node = node.additionalProperties;
      const title = node.title ?? '';
      labels.push(/^[0-9]+$/.test(String(step)) ? `${title}${step}` : `${title}「${step}」`);
    } else {
      labels.push(String(step));
      node = undefined;
    }
  }
  return labels;
}
