// pdfmake resolves about twenty style properties for every inline it measures, and Japanese text is an inline per
// character. Its StyleContextStack does each lookup by pushing the inline onto the stack, making a closure and a
// Set per named style, and popping again: a fifth of a sheet's rendering went there, and much of the garbage.
// These are the same lookups — same order, same answers — without the allocations, and with a named style's
// resolved value (through `extends`) remembered per style dictionary. pdfmake's version is pinned (package.json).
/* eslint-disable @typescript-eslint/no-var-requires */
const StyleContextStack = require('pdfmake/js/StyleContextStack').default;

type Style = Record<string, unknown> & { extends?: string | string[] };
type Dictionary = Record<string, Style | undefined>;

const isValue = (v: unknown) => v !== undefined && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string' || v instanceof String;

/** Per style dictionary: style name → property → its value through `extends` (undefined when none). */
const resolved = new WeakMap<object, Map<string, Map<string, unknown>>>();

/** pdfmake's own resolution of a named style (its `visited` set stops cycles of `extends`). */
function fromStyle(dictionary: Dictionary, name: string, property: string, visited: Set<string>): unknown {
  if (visited.has(name)) return undefined;
  visited.add(name);
  const style = dictionary[name];
  if (!style) return undefined;
  if (isValue(style[property])) return style[property];
  if (style.extends) {
    const parents = Array.isArray(style.extends) ? style.extends : [style.extends];
    for (let i = parents.length - 1; i >= 0; i--) {
      const value = fromStyle(dictionary, parents[i], property, visited);
      if (isValue(value)) return value;
    }
  }
  return undefined;
}

function namedStyleValue(dictionary: Dictionary | undefined, name: string, property: string): unknown {
  if (!dictionary) return undefined;
  let byName = resolved.get(dictionary);
  if (!byName) resolved.set(dictionary, (byName = new Map()));
  let byProperty = byName.get(name);
  if (!byProperty) byName.set(name, (byProperty = new Map()));
  if (byProperty.has(property)) return byProperty.get(property);
  const value = fromStyle(dictionary, String(name), property, new Set());
  byProperty.set(property, value);
  return value;
}

interface Stack {
  styleDictionary: Dictionary;
  defaultStyle?: Record<string, unknown>;
  styleOverrides: unknown[];
}

/** A stack entry's value for `property`: a style name is looked up, an override object read. */
const entryValue = (stack: Stack, entry: unknown, property: string) =>
  isString(entry) ? namedStyleValue(stack.styleDictionary, entry, property) : (entry as Record<string, unknown>)[property];

function getProperty(this: Stack, property: string): unknown {
  const overrides = this.styleOverrides;
  if (overrides) {
    for (let i = overrides.length - 1; i >= 0; i--) {
      const value = entryValue(this, overrides[i], property);
      if (isValue(value)) return value;
    }
  }
  return this.defaultStyle && this.defaultStyle[property];
}

/** As pdfmake's: the item's own value, else its styles (as `autopush` would stack them), else the stack's. */
function getStyleProperty(item: any, stack: Stack | undefined, property: string, defaultValue: unknown): unknown {
  if (isValue(item[property])) return item[property];
  if (!stack) return defaultValue;
  let value: unknown;
  if (!isString(item) && typeof item.section === 'undefined' && item.style) {
    const names: unknown[] = Array.isArray(item.style) ? item.style : [item.style];
    for (let i = names.length - 1; i >= 0 && !isValue(value); i--) value = entryValue(stack, names[i], property);
  }
  if (!isValue(value)) value = getProperty.call(stack, property);
  return isValue(value) ? value : defaultValue;
}

let installed = false;

/** Install the faster lookups into pdfmake (once per thread). */
export function useFastStyleLookups(): void {
  if (installed) return;
  installed = true;
  StyleContextStack.prototype.getProperty = getProperty;
  StyleContextStack.getStyleProperty = getStyleProperty;
}
