// The sheet's JSON Schema, and the Japanese label of every place in a sheet, taken from its `title`s.
import sheetSchema from './sheet.schema.json';
import { eraYearText } from './era';
import type { DataPath } from './types';

export interface SchemaNode {
  title?: string;
  type?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode | boolean;
  prefixItems?: SchemaNode[];
  enum?: unknown[];
  examples?: unknown[];
  propertyNames?: SchemaNode;
  [key: string]: unknown;
}

export const SHEET_SCHEMA = sheetSchema as unknown as SchemaNode;

const YEAR_KEY = /^[0-9]{4}$/;

/** The schema node describing the value at `path`, or undefined when the path leaves the schema. */
export function schemaAt(path: DataPath, root: SchemaNode = SHEET_SCHEMA): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
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
  let node: SchemaNode | undefined = root;
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
