// pdfmake's style lookup, without its allocations. pdfmake asks the style stack for some twenty properties of every
// inline it measures, and each question pushes the inline's styles, builds a closure and a Set, and pops them
// again: a sixth of drawing a sheet. The same answers are found here by walking the same stack in the same order,
// allocating nothing (a Set only for a named style that `extends` another, as pdfmake does to stop cycles), and the
// stack's part of the answer is found once per text rather than once per inline.
// Installed in pdfmake by its adapter (pdf/pdfmake.ts); this file loads nothing of pdfmake's.

type Style = Record<string, unknown> & { extends?: string | string[] };
/** The parts of pdfmake's StyleContextStack read here. */
export interface Stack {
  styleDictionary: Record<string, Style | undefined>;
  defaultStyle?: Record<string, unknown>;
  styleOverrides: unknown[];
  /** The stack's answers, kept while TextInlines#measure runs (see below). */
  sheetbookAnswers?: Map<string, unknown>;
}

const isValue = (v: unknown) => v !== undefined && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string' || v instanceof String;

/** A named style's value of `property`, its `extends` followed last parent first (pdfmake's getStylePropertyFromStyle). */
function fromNamedStyle(dictionary: Stack['styleDictionary'], styleName: string, property: string, visited?: Set<string>): unknown {
  if (visited) {
    if (visited.has(styleName)) return undefined;
    visited.add(styleName);
  }
  const style = dictionary[styleName];
  if (!style) return undefined;
  if (isValue(style[property])) return style[property];
  if (style.extends) {
    const seen = visited ?? new Set([styleName]);
    const parents = Array.isArray(style.extends) ? style.extends : [style.extends];
    for (let i = parents.length - 1; i >= 0; i--) {
      const value = fromNamedStyle(dictionary, parents[i], property, seen);
      if (isValue(value)) return value;
    }
  }
  return undefined;
}

/** One entry of the stack: a style name, or an object of overrides. */
function fromEntry(stack: Stack, entry: any, property: string): unknown {
  return isString(entry) ? fromNamedStyle(stack.styleDictionary, String(entry), property) : entry[property];
}

/** StyleContextStack#getProperty: the top of the stack first, then the default style. */
export function getProperty(stack: Stack, property: string): unknown {
  const overrides = stack.styleOverrides;
  for (let i = overrides.length - 1; i >= 0; i--) {
    const value = fromEntry(stack, overrides[i], property);
    if (isValue(value)) return value;
  }
  return stack.defaultStyle && stack.defaultStyle[property];
}

/** A named style's answers to a list of properties, by style dictionary (a document's styles do not change). */
const namedAnswers = new WeakMap<readonly string[], WeakMap<object, Map<string, unknown[]>>>();

/**
 * `getProperty(stack, p)` for each of `properties`, found in one walk down the stack: each entry is read once for
 * all of them, and a named style's answers are worked out once per style dictionary, not once per question.
 */
export function getProperties(stack: Stack, properties: readonly string[]): unknown[] {
  const dictionary = stack.styleDictionary;
  if (!dictionary || typeof dictionary !== 'object') return properties.map((p) => getProperty(stack, p));
  let byDictionary = namedAnswers.get(properties);
  if (!byDictionary) namedAnswers.set(properties, (byDictionary = new WeakMap()));
  let named = byDictionary.get(dictionary);
  if (!named) byDictionary.set(dictionary, (named = new Map()));
  const values: unknown[] = new Array(properties.length).fill(undefined);
  let missing = properties.length;
  const overrides = stack.styleOverrides;
  for (let i = overrides.length - 1; i >= 0 && missing > 0; i--) {
    const entry: any = overrides[i];
    let answers: unknown[] | undefined;
    if (isString(entry)) {
      const name = String(entry);
      answers = named.get(name);
      if (!answers) named.set(name, (answers = properties.map((p) => fromNamedStyle(dictionary, name, p))));
    }
    for (let k = 0; k < properties.length; k++) {
      if (isValue(values[k])) continue;
      const value = answers ? answers[k] : entry[properties[k]];
      if (isValue(value)) {
        values[k] = value;
        missing--;
      }
    }
  }
  if (missing > 0) {
    for (let k = 0; k < properties.length; k++) if (!isValue(values[k])) values[k] = stack.defaultStyle && stack.defaultStyle[properties[k]];
  }
  return values;
}

/**
 * StyleContextStack.getStyleProperty: the item's own value; else what the stack answers with the item pushed on it
 * (`auto`: the item's style names, then the item itself, unless it is a string or a section).
 */
export function getStyleProperty(item: any, stack: Stack | undefined, property: string, defaultValue: unknown): unknown {
  if (isValue(item[property])) return item[property];
  if (!stack) return defaultValue;
  let value: unknown;
  if (!isString(item) && typeof item.section === 'undefined' && item.style) {
    // The item itself is on top, but it does not hold the property (asked above): its styles, last one first.
    const names = Array.isArray(item.style) ? item.style : [item.style];
    for (let i = names.length - 1; i >= 0 && !isValue(value); i--) value = fromEntry(stack, names[i], property);
  }
  if (!isValue(value)) value = answer(stack, property);
  return isValue(value) ? value : defaultValue;
}

/** What the stack says of `property`, kept for the stack's inlines while they are measured. */
function answer(stack: Stack, property: string): unknown {
  const kept = stack.sheetbookAnswers;
  if (!kept) return getProperty(stack, property);
  if (kept.has(property)) return kept.get(property);
  const value = getProperty(stack, property);
  kept.set(property, value);
  return value;
}

// TextInlines#measure asks the same stack the same twenty questions for each of a text's inlines; nothing is pushed
// on the stack or popped, and no entry of it changes, while it runs (it writes to the inlines, which are not on the
// stack). Its answers are kept for that time only.
/** Run `measure` (TextInlines#measure of this stack's inlines) with the stack's answers kept while it runs. */
export function keepingAnswers<T>(stack: Stack | undefined, measure: () => T): T {
  if (!stack || stack.sheetbookAnswers) return measure();
  stack.sheetbookAnswers = new Map();
  try {
    return measure();
  } finally {
    stack.sheetbookAnswers = undefined;
  }
}
