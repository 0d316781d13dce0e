// Saving keeps the file a person wrote. The editor sends the whole sheet as JSON; this writes it into the file's own
// YAML, changing only the values that changed: comments, key order, blank lines, the schema line, the style of year
// maps (`{2019: 31521, 2020: 24857}`, aligned) and of each scalar stay as they were, byte for byte.
//
// Two passes over the yaml library's own trees (its Document, whose nodes keep their source tokens):
//  1. Structure. Where the shape differs — a key added or removed, a value of another kind — only that key's lines
//     are written anew, in the house style of sheet-yaml.ts. A list's item added or removed (an indicator, an SDG
//     out of `[9, 16, 17]`) changes that item's lines only: the other items stay as written, comments and all.
//  2. Values. Every scalar whose value changed is rewritten in its own token (yaml's CST.setScalarValue), in its own
//     style where that style can hold the new value: a plain scalar stays plain unless the text needs quotes (` # `,
//     `: `, `yes`, leading zeros, a leading quote…), a quoted one stays quoted, a block (`|`) stays a block.
// Then the result is read back: every value must be exactly what was sent, else the changed strings are written in
// double quotes; if even that does not read back, nothing is written (an Error).
import { Composer, CST, isMap, isPair, isScalar, isSeq, Parser, parseDocument, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { schemaAt, SHEET_SCHEMA, type SchemaNode } from '../model/schema';
import { pairLines } from './sheet-yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = string[];

/** The text could not be edited in place: it has YAML syntax errors (the caller says so, or writes it anew). */
export class UneditableYaml extends Error {}

interface Splice {
  start: number;
  end: number;
  text: string;
}

const keyOf = (pair: Pair): string => String(isScalar(pair.key) ? pair.key.value : pair.key);
const isObject = (v: unknown): v is Record<string, Json> => !!v && typeof v === 'object' && !Array.isArray(v);

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
  }
  return false;
}

function compose(text: string): { doc: Document; tokens: CST.Token[] } {
  const tokens = [...new Parser().parse(text)];
  const docs = [...new Composer({ keepSourceTokens: true, uniqueKeys: true }).compose(tokens)];
  if (docs.length !== 1 || docs[0].errors.length > 0) throw new UneditableYaml('YAML の書き方に誤りがあるため、ファイルの中の値だけを書き換えることができません。');
  return { doc: docs[0] as Document, tokens };
}

const jsOf = (doc: Document): Json => doc.toJS({ maxAliasCount: 100 }) as Json;

/** `text` (a sheet's YAML) with `data` written in; only what differs changes. */
export function editedSheetYaml(text: string, data: Record<string, Json>): string {
  const structured = restructured(text, data);
  let result = rewriteValues(structured, data, new Set());
  const wrong = differences(jsOf(parseDocument(result)), data, []);
  if (wrong.length > 0) {
    // A style that read back otherwise (a plain `true`, `0123`, an empty plain value): those strings are quoted.
    result = rewriteValues(structured, data, new Set(wrong.map((p) => p.join('\u0000'))));
    const still = differences(jsOf(parseDocument(result)), data, []);
    if (still.length > 0) throw new Error(`保存する YAML を読み直すと値が変わってしまいます（${still.map((p) => p.join('.')).join('、')}）。`);
  }
  return result;
}

/** The paths where `actual` differs from `expected` (a scalar, or a whole collection whose shape differs). */
function differences(actual: unknown, expected: unknown, path: Path): Path[] {
  if (isObject(actual) && isObject(expected)) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    return [...keys].flatMap((k) => differences(actual[k], expected[k], [...path, k]));
  }
  if (Array.isArray(actual) && Array.isArray(expected) && actual.length === expected.length) return actual.flatMap((v, i) => differences(v, expected[i], [...path, String(i)]));
  return equal(actual, expected) ? [] : [path];
}

/** A path as the schema reads it: list indexes as numbers, year keys (four digits) as text. */
const schemaPath = (path: Path) => path.map((s) => (/^[0-9]{1,3}$/.test(s) ? Number(s) : s));

// ---- pass 1: structure -------------------------------------------------------------------------------------------

/** Same shape: what pass 2 can change by rewriting scalars alone. */
function sameShape(node: unknown, value: Json): boolean {
  if (isScalar(node)) return !isObject(value) && !Array.isArray(value) && node.srcToken !== undefined;
  if (isMap(node)) {
    if (!isObject(value)) return false;
    // A block map's keys are added and removed line by line; one left with none is written `{}` anew.
    if (!node.flow) return Object.keys(value).length > 0;
    const keys = node.items.map(keyOf);
    return keys.length === Object.keys(value).length && node.items.every((p) => Object.hasOwn(value, keyOf(p)) && sameShape(p.value, value[keyOf(p)]));
  }
  if (isSeq(node)) return Array.isArray(value) && node.items.length === value.length && node.items.every((item, i) => (node.flow || !isMap(item) ? sameShape(item, value[i]) : isObject(value[i])));
  return false;
}

/** The text with every structural difference settled (key by key, in the house style), ready for pass 2. */
function restructured(text: string, data: Record<string, Json>): string {
  const { doc } = compose(text);
  if (!isMap(doc.contents)) throw new UneditableYaml('ファイルの最上位が「項目: 値」の形ではないため、値だけを書き換えることができません。');
  const splices: Splice[] = [];
  const fiscalYear = typeof data.fiscalYear === 'number' ? data.fiscalYear : Number(jsOf(doc) && (jsOf(doc) as any).fiscalYear);
  editMap(text, doc.contents, data, [], SHEET_SCHEMA, fiscalYear, splices);
  splices.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const s of splices) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Where a pair's own lines end: after the line of its value's last character (its comment on that line included). */
function pairEnd(text: string, pair: Pair): number {
  const value = pair.value as Node | null;
  let end = value?.range ? value.range[1] : (pair.key as Node).range![1];
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  const newline = text.indexOf('\n', end);
  return newline === -1 ? text.length : newline + 1;
}

/** The span of a pair's lines; a pair that shares its first line with `- ` starts at its key. */
function pairSpan(text: string, pair: Pair): { start: number; end: number; column: number; inline: boolean } {
  const keyStart = (pair.key as Node).range![0];
  const start = lineStart(text, keyStart);
  const inline = text.slice(start, keyStart).trim() !== '';
  return { start: inline ? keyStart : start, end: pairEnd(text, pair), column: keyStart - start, inline };
}

function rendered(key: string, value: Json, parent: SchemaNode | undefined, column: number, inline: boolean, fiscalYear: number): string {
  const node = parent?.properties?.[key] ?? (typeof parent?.additionalProperties === 'object' ? parent.additionalProperties : undefined);
  const lines = pairLines(key, value, node, column, fiscalYear);
  if (inline) lines[0] = lines[0].trimStart();
  return `${lines.join('\n')}\n`;
}

function editMap(text: string, map: YAMLMap, value: Record<string, Json>, path: Path, schema: SchemaNode, fiscalYear: number, splices: Splice[]): void {
  const node = schemaAt(schemaPath(path), schema) ?? {};
  const present = new Set<string>();
  let last: Pair | undefined;
  for (const item of map.items) {
    if (!isPair(item)) continue;
    const pair = item as Pair;
    const key = keyOf(pair);
    present.add(key);
    const span = pairSpan(text, pair);
    if (!Object.hasOwn(value, key)) {
      // A key the sheet no longer has: its lines go (a first key beside `- ` leaves the rest of its item's line).
      splices.push({ start: span.start, end: span.end, text: '' });
      continue;
    }
    last = pair;
    const next = value[key];
    const child = pair.value;
    if (sameShape(child, next)) {
      if (isMap(child) && !child.flow) editMap(text, child, next as Record<string, Json>, [...path, key], schema, fiscalYear, splices);
      else if (isSeq(child) && !child.flow) editSeq(text, child, next as Json[], [...path, key], schema, fiscalYear, splices);
      continue;
    }
    // Items added or removed: only their lines change, the other items stay as written (comments and all).
    if (isSeq(child) && Array.isArray(next) && resizeSeq(text, child, next, [...path, key], schema, fiscalYear, splices)) continue;
    splices.push({ start: span.start, end: span.end, text: rendered(key, next, node, span.column, span.inline, fiscalYear) });
  }
  // Keys the file does not have yet: after the last key there is, at its indentation, in the form's order.
  const added = Object.keys(value).filter((k) => !present.has(k));
  if (added.length === 0) return;
  const order = Object.keys(node.properties ?? {});
  const ranked = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  added.sort((a, b) => ranked(a) - ranked(b));
  const first = map.items.find(isPair) as Pair | undefined;
  const column = first ? pairSpan(text, first).column : path.length * 2;
  for (const key of added) {
    // Before the first present key that comes after it in the form, or after the last one.
    const before = map.items.find((p) => isPair(p) && ranked(keyOf(p as Pair)) > ranked(key)) as Pair | undefined;
    if (before && !pairSpan(text, before).inline) {
      const at = pairSpan(text, before).start;
      splices.push({ start: at, end: at, text: rendered(key, value[key], node, column, false, fiscalYear) });
    } else {
      const at = last ? pairEnd(text, last) : map.range ? map.range[1] : text.length;
      const gap = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
      splices.push({ start: at, end: at, text: gap + rendered(key, value[key], node, column, false, fiscalYear) });
    }
  }
}

function editSeq(text: string, seq: YAMLSeq, value: Json[], path: Path, schema: SchemaNode, fiscalYear: number, splices: Splice[]): void {
  seq.items.forEach((item, i) => {
    if (isMap(item) && !item.flow && isObject(value[i])) editMap(text, item, value[i] as Record<string, Json>, [...path, String(i)], schema, fiscalYear, splices);
  });
}

/**
 * Which old item each new one is, when items were only added (or only removed) and others maybe edited: the
 * alignment that keeps the order and differs in the fewest values. `matched[j]` is the old index of new item j, or
 * -1 for an item that is new.
 */
function aligned(old: Json[], next: Json[]): number[] {
  const cost = (a: Json, b: Json) => differences(a, b, []).length;
  const [long, short] = old.length > next.length ? [old, next] : [next, old];
  const skips = long.length - short.length;
  // best[i][j]: the least cost of aligning long[i..] with short[j..]; an item of `long` is skipped or paired.
  const best = Array.from({ length: long.length + 1 }, () => new Array<number>(short.length + 1).fill(Infinity));
  best[long.length][short.length] = 0;
  for (let i = long.length - 1; i >= 0; i--) {
    for (let j = short.length; j >= 0; j--) {
      if (long.length - i < short.length - j || i - j > skips) continue;
      const skip = best[i + 1][j];
      const pair = j < short.length ? cost(long[i], short[j]) + best[i + 1][j + 1] : Infinity;
      best[i][j] = Math.min(skip, pair);
    }
  }
  const pairs = new Map<number, number>(); // long index → short index
  for (let i = 0, j = 0; i < long.length; i++) {
    if (j < short.length && cost(long[i], short[j]) + best[i + 1][j + 1] <= best[i + 1][j]) pairs.set(i, j++);
  }
  if (old.length > next.length) {
    const matched = new Array<number>(next.length).fill(-1);
    for (const [i, j] of pairs) matched[j] = i;
    return matched;
  }
  return next.map((_v, j) => pairs.get(j) ?? -1);
}

const jsOfNode = (node: unknown): Json => (node && typeof (node as Node).toJSON === 'function' ? ((node as Node).toJSON() as Json) : (node as Json));

/**
 * A list whose length changed, edited item by item: a removed item's lines go, an added item's lines are written
 * in the house style before the item that follows it (or after the last); the items kept are edited as any value.
 * False when the list cannot be edited so (the caller writes the whole key anew).
 */
function resizeSeq(text: string, seq: YAMLSeq, value: Json[], path: Path, schema: SchemaNode, fiscalYear: number, splices: Splice[]): boolean {
  // A block list left with no item is written `[]` anew.
  if (!seq.flow && value.length === 0) return false;
  const old = seq.items.map(jsOfNode);
  const matched = aligned(old, value);
  const kept = new Set(matched.filter((i) => i >= 0));
  if (seq.flow) return resizeFlowSeq(text, seq, value, matched, splices);
  // Each old item's lines: from its `- ` line to the end of its last line. An item that shares its line with
  // something before its `- ` (`- - 1`) is not edited so.
  const spans: { start: number; end: number; column: number }[] = [];
  for (const item of seq.items) {
    const range = (item as Node | null)?.range;
    if (!range) return false;
    const start = lineStart(text, range[0]);
    const prefix = text.slice(start, range[0]);
    if (!/^ *- +$/.test(prefix)) return false;
    let end = range[1];
    while (end > range[0] && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
    const newline = text.indexOf('\n', end);
    spans.push({ start, end: newline === -1 ? text.length : newline + 1, column: prefix.indexOf('-') });
  }
  // The items kept must be editable in place.
  const itemPath = (j: number) => [...path, String(j)];
  for (let j = 0; j < value.length; j++) {
    const i = matched[j];
    if (i < 0) continue;
    const item = seq.items[i];
    if (!(isMap(item) && !item.flow && isObject(value[j])) && !sameShape(item, value[j])) return false;
  }
  seq.items.forEach((_item, i) => {
    if (!kept.has(i)) splices.push({ start: spans[i].start, end: spans[i].end, text: '' });
  });
  const itemSchema = schemaAt(schemaPath(path), schema);
  const inserts = new Map<number, string>();
  for (let j = 0; j < value.length; j++) {
    const i = matched[j];
    if (i >= 0) {
      const item = seq.items[i];
      if (isMap(item) && !item.flow) editMap(text, item, value[j] as Record<string, Json>, itemPath(j), schema, fiscalYear, splices);
      continue;
    }
    const following = matched.slice(j + 1).find((k) => k >= 0);
    const last = spans[spans.length - 1];
    const at = following !== undefined ? spans[following].start : last.end;
    const gap = following === undefined && at > 0 && text[at - 1] !== '\n' ? '\n' : '';
    inserts.set(at, (inserts.get(at) ?? gap) + renderedItem(value[j], itemSchema, spans[0].column, fiscalYear));
  }
  for (const [at, inserted] of inserts) splices.push({ start: at, end: at, text: inserted });
  return true;
}

/** One new item of a block list, its `- ` at `column`, in the house style (JSON where that does not read back). */
function renderedItem(value: Json, seqSchema: SchemaNode | undefined, column: number, fiscalYear: number): string {
  const dash = ' '.repeat(column);
  if (!isObject(value) && !Array.isArray(value)) return `${dash}- ${flowScalar(value)}\n`;
  // The house style writes a list of records with its `- ` two columns in: written at 0, then moved to `column`.
  const lines = pairLines('item', [value], seqSchema, 0, fiscalYear).slice(1);
  if (lines.length === 0 || !lines.every((l) => l.startsWith('  '))) return `${dash}- ${JSON.stringify(value)}\n`;
  return lines.map((l) => dash + l.slice(2)).join('\n') + '\n';
}

/** A scalar as a flow list or a `- ` item can hold it: numbers and plain words as they are, other text as JSON. */
function flowScalar(value: Json): string {
  if (typeof value !== 'string') return value === null ? 'null' : typeof value === 'number' ? numberSource(value) : String(value);
  return JSON.stringify(value);
}

/** A one-line flow list (`sdgs: [9, 16, 17]  # …`): only the brackets' text changes, items kept as written. */
function resizeFlowSeq(text: string, seq: YAMLSeq, value: Json[], matched: number[], splices: Splice[]): boolean {
  const range = seq.range;
  if (!range || text.slice(range[0], range[1]).includes('\n')) return false;
  const items: string[] = [];
  for (let j = 0; j < value.length; j++) {
    const item = matched[j] >= 0 ? seq.items[matched[j]] : undefined;
    if (matched[j] >= 0 && !(isScalar(item) && item.range)) return false;
    // A kept item is written as it was (pass 2 rewrites it if its value changed).
    items.push(item ? text.slice((item as Node).range![0], (item as Node).range![1]) : flowScalar(value[j]));
  }
  // Replaced from the opening bracket to the closing one: a comment after the list stays.
  const close = text.lastIndexOf(']', range[1]);
  if (text[range[0]] !== '[' || close < range[0]) return false;
  splices.push({ start: range[0], end: close + 1, text: `[${items.join(', ')}]` });
  return true;
}

// ---- pass 2: values ----------------------------------------------------------------------------------------------

/** Rewrite every scalar whose value changed, in its own token. `quoted`: paths to write in double quotes. */
function rewriteValues(text: string, data: Record<string, Json>, quoted: Set<string>): string {
  const { doc, tokens } = compose(text);
  const visit = (node: unknown, value: Json, path: Path, afterKey: boolean, inFlow: boolean): void => {
    if (isMap(node) && isObject(value)) {
      for (const item of node.items) {
        const key = keyOf(item as Pair);
        if (Object.hasOwn(value, key)) visit((item as Pair).value, value[key], [...path, key], true, inFlow || !!node.flow);
      }
    } else if (isSeq(node) && Array.isArray(value)) {
      node.items.forEach((item, i) => visit(item, value[i], [...path, String(i)], false, inFlow || !!node.flow));
    } else if (isScalar(node) && node.srcToken && !isObject(value) && !Array.isArray(value)) {
      const force = quoted.has(path.join('\u0000'));
      if (!force && equal((node as Scalar).value, value) && sameKind(node as Scalar, value)) return;
      setScalar(node as Scalar, value, { afterKey, inFlow, force });
    }
  };
  visit(doc.contents, data, [], false, false);
  return tokens.map((t) => CST.stringify(t)).join('');
}

/** 1.5 and "1.5" are different values (a number and a text); a date read as a string stays a string. */
const sameKind = (node: Scalar, value: Json): boolean => typeof node.value === typeof value || (node.value === null && value === null);

const YAML11_WORDS = /^(?:y|yes|n|no|on|off|true|false|null|~)$/i;

function setScalar(node: Scalar, value: Json, context: { afterKey: boolean; inFlow: boolean; force: boolean }): void {
  const token = node.srcToken as CST.FlowScalar | CST.BlockScalar;
  const { afterKey, inFlow } = context;
  if (typeof value !== 'string') {
    const source = value === null ? 'null' : typeof value === 'number' ? numberSource(value) : String(value);
    CST.setScalarValue(token, source, { afterKey, inFlow, type: 'PLAIN' });
    return;
  }
  // A string keeps its scalar's style where the style can hold it; yaml's writer falls back to quotes where not.
  let type: Scalar.Type | undefined = context.force ? 'QUOTE_DOUBLE' : undefined;
  if (!type && token.type === 'block-scalar' && !value.includes('\n')) type = 'PLAIN';
  if (!type && token.type !== 'block-scalar' && value.includes('\n') && !inFlow) type = 'BLOCK_LITERAL';
  if (!type && (token.type === 'scalar' && typeof node.value !== 'string')) type = 'PLAIN';
  // Text in YAML 1.2, but a boolean or null to YAML 1.1 readers (and to a person): quoted all the same.
  if (YAML11_WORDS.test(value) && token.type !== 'single-quoted-scalar') type = 'QUOTE_DOUBLE';
  CST.setScalarValue(token, value, { afterKey, inFlow, ...(type ? { type } : {}) });
}

/** A number as YAML reads it back: integers as they are, others in JavaScript's shortest exact form. */
const numberSource = (value: number): string => (Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan');
