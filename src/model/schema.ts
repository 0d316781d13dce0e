// The sheet's JSON Schema, and the Japanese label of every place in a sheet, taken from its `title`s.
import sheetSchema from './sheet.schema.json';
import { eraYearText } from './era';
import type { DataPath } from './types';

export interface SchemaNode {
  title?: string;
  type?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
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
    else if (node.items && typeof step === 'number') node = node.items;
    else if (typeof node.additionalProperties === 'object') node = node.additionalProperties;
    else return undefined;
  }
  return node;
}

/** `['costs','settled','2020']` → `['コストの推移','決算額','令和2年度']`. */
export function labelsFor(path: DataPath, root: SchemaNode = SHEET_SCHEMA): string[] {
  const labels: string[] = [];
  let node: SchemaNode | undefined = root;
  for (const step of path) {
    if (!node) break;
    if (node.properties && typeof step === 'string' && step in node.properties) {
      node = node.properties[step];
      labels.push(node.title ?? step);
    } else if (node.items && typeof step === 'number') {
      node = node.items;
      labels.push(`${node.title ?? ''}${step + 1}`);
    } else if (typeof node.additionalProperties === 'object' && YEAR_KEY.test(String(step))) {
      node = node.additionalProperties;
      labels.push(eraYearText(Number(step)));
    } else {
      labels.push(String(step));
      node = undefined;
    }
  }
  return labels;
}
