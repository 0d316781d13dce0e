// Stage 2 — validate: the loaded data against the sheet's JSON Schema, with every problem placed and worded in Japanese.
// The same wording serves the city's data files and templates/layout.yaml, each against its own schema.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { fiscalYearOf, parseEraYear } from '../model/era';
import { figureAdvice, unitOf } from '../model/figure-advice';
import { createAjv } from './ajv';
import type { SheetSource } from './load';
import { labelsFor, schemaAt, SHEET_SCHEMA, type SchemaNode } from '../model/schema';
import { blankValue } from '../model/form';
import type { Sheet } from '../model/form';
import type { DataPath, Finding } from '../model/types';

const compiled = new Map<string, ValidateFunction>();

/**
 * The validator of a schema: the module the build precompiled (dist/build/<name>-validator.js, see
 * src/build/compile-validator.ts), or compiled here when running from sources.
 */
export function precompiledValidator(name: string, schema: SchemaNode): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    // Named in full, so that the bundler (src/build/bundle.ts) takes them in.
    const file = join(__dirname, `../build/validators.js`);
    validate = existsSync(file) && __filename.endsWith('.js') ? (require('../build/validators')[name]() as ValidateFunction) : createAjv().compile(schema);
    compiled.set(name, validate);
  }
  return validate;
}

export type Validated = { ok: true; sheet: Sheet; findings: Finding[] } | { ok: false; findings: Finding[] };

export function validateSheet(source: SheetSource): Validated {
  if (source.findings.length > 0 || source.data === undefined) return { ok: false, findings: source.findings };
  const findings = schemaFindings(source, precompiledValidator('sheet', SHEET_SCHEMA), SHEET_SCHEMA);
  return findings.length === 0 ? { ok: true, sheet: source.data as Sheet, findings: [] } : { ok: false, findings };
}

/** Everything in a loaded file that its schema refuses, as positioned Japanese findings labelled from the schema's titles. */
export function schemaFindings(source: SheetSource, validate: ValidateFunction, schema: SchemaNode): Finding[] {
  if (validate(source.data)) return [];
  const errors = validate.errors ?? [];
  // A key that is not a year is reported once, at the key; its value's own errors would only repeat it.
  const badKeys = errors.filter((e) => e.keyword === 'pattern' && e.propertyName !== undefined).map((e) => `${e.instancePath}/${e.propertyName}`);
  const relevant = errors.filter((e) => !badKeys.some((k) => e.instancePath === k || e.instancePath.startsWith(`${k}/`)));
  return dedupe(relevant.map((e) => toFinding(source, e, schema)).filter((f): f is Finding => !!f));
}

function pointerToPath(pointer: string): DataPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^[0-9]+$/.test(s) && s.length < 4 ? Number(s) : s));
}

/** What a figure typed as text was probably meant to be, and what to change: `"24,857"` → 24857; `令和3` → 2021. */
function figureHint(value: unknown, node: SchemaNode | undefined): string {
  if (typeof value !== 'string') return '';
  const western = parseEraYear(value);
  if (western !== undefined) return `。年度は西暦で書いてください（${value} → ${western}）`;
  const advice = figureAdvice(value, unitOf(node?.title));
  return advice ? `。${advice}` : '';
}

/** `target:市職員`: a key and its value with no space after the colon, read as one word. */
const GLUED_KEY = /^([A-Za-z_][A-Za-z0-9_]*):([^\s/][^\n]*)$/;

function show(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (value === null) return '空欄';
  if (Array.isArray(value)) return '一覧';
  if (typeof value === 'object') return '「項目: 値」のまとまり';
  return String(value);
}

function valueAt(data: unknown, path: DataPath): unknown {
  let v: any = data;
  for (const step of path) v = v?.[step as any];
  return v;
}

function toFinding(source: SheetSource, error: ErrorObject, schema: SchemaNode): Finding | undefined {
  const path = pointerToPath(error.instancePath);
  const value = valueAt(source.data, path);
  const node = schemaAt(path, schema);
  const labelsOf = (p: DataPath) => labelsFor(p, schema);
  const title = (p: DataPath) => labelsOf(p).join(' › ');
  let at: DataPath = path;
  let locateAt: 'key' | 'value' = 'value';
  let labels = labelsOf(path);
  let message: string;
  const params = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'type': {
      // A field that may be left blank (null) in a new sheet still names its real type first.
      const expected = String(params.type).split(',').filter((t) => t !== 'null')[0];
      if (expected === 'integer' && typeof value === 'number') message = `整数を入力してください（${value} は整数ではありません）`;
      else if (expected === 'number' || expected === 'integer')
        message = `数値を入力してください（${show(value)} は数値ではありません）${figureHint(value, node)}`;
      else if (expected === 'string' && value === null)
        message = node?.minLength ? '値が空です。空欄にはできません' : '値が空です。空欄にするには "" と書いてください';
      else if (expected === 'string' && Array.isArray(value))
        message = '文章を入力してください（値が「[」で始まっているため一覧として読まれています。文章として書くには、値全体を "…" で囲むか、全角の「［」や「【」にしてください）';
      else if (expected === 'string' && typeof value === 'object')
        message = '文章を入力してください（「項目: 値」のまとまりになっています。文章の中の「: 」は全角の「：」にするか、文章全体を "…" で囲んでください）';
      else if (expected === 'string') message = `文章を入力してください（${show(value)} が書かれています。数字だけの文章は "…" で囲みます）`;
      else if (expected === 'array' && value === null) message = '値が空です。一つもなければ [] と書いてください';
      else if (expected === 'array' && typeof value === 'string' && /^[0-9\s,、]+$/.test(value))
        message = `一覧で入力してください（「${value}」は [${value.trim().split(/[\s,、]+/).join(', ')}] と書きます）`;
      else if (expected === 'array') message = '一覧で入力してください（[1, 2] のように書くか、各行を「- 」で始めます）';
      else if (expected === 'boolean') message = 'true か false を入力してください';
      else if (expected === 'object' && typeof value === 'string' && GLUED_KEY.test(value)) {
        const [, key, rest] = GLUED_KEY.exec(value)!;
        message = `「:」の後に半角スペースが必要です（「${key}:${rest}」は「${key}: ${rest}」と書きます）`;
      } else message = `「項目: 値」の形で入力してください（${show(value)} が書かれています）`;
      break;
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const childTitle = labelsOf([...path, missing]).pop();
      message = `「${childTitle}」（${missing}）が入力されていません`;
      locateAt = 'key';
      break;
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      at = [...path, key];
      locateAt = 'key';
      message = `「${key}」は未定義の項目です。${suggestKey(key, node)}`;
      break;
    }
    case 'propertyNames':
      return undefined; // reported through the 'pattern' error on the key itself
    case 'pattern': {
      if (error.propertyName !== undefined) {
        at = [...path, error.propertyName];
        locateAt = 'key';
        labels = labelsOf(path);
        const key = error.propertyName;
        const glued = /^([0-9]{4}):(\S.*)$/.exec(key);
        const keys = node?.propertyNames;
        const yearKeys = !keys?.pattern || new RegExp(String(keys.pattern), 'u').test('2021');
        message = !yearKeys
          ? `「${key}」は${keys?.title ?? '項目名'}として使えません。${keys?.description ?? `${keys?.pattern} の形で書いてください`}`
          : glued
          ? `「:」の後に半角スペースが必要です（「${key}」は「${glued[1]}: ${glued[2]}」と書きます）`
          : /^R[0-9]{1,2}$/i.test(key)
            ? `「${key}」は年度として読めません。年度は西暦 4 桁で書いてください（${key} → ${fiscalYearOf('R', Number(key.slice(1)))}）`
            : `「${key}」は年度として読めません。年度は西暦 4 桁で書いてください（例: 2021）`;
      } else if (path[0] === 'review' && path.length === 2) {
        message = `「${value}」は review に書ける項目ではありません。書き直す文章（例: results.achievements）か、今年度の数値（例: costs.settled.2022、indicators.0.actual.2022）を書きます。綴りを確かめてください`;
      } else if (typeof value === 'string' && /[\n\r]/.test(value) && !new RegExp(String(params.pattern)).test('\n')) {
        message = '改行は書けません。この欄は 1 行で印刷されます';
      } else if (node?.format === 'date') {
        message = `日付は YYYY-MM-DD の形で書いてください（${show(value)}）。例: ${node.examples?.[0] ?? '2022-10-01'}`;
      } else {
        const example = node?.examples?.[0];
        const how = typeof node?.description === 'string' ? `。${node.description}` : example ? `。例: ${example}` : '';
        message = `書き方が正しくありません（${show(value)}）${how}`;
      }
      break;
    }
    case 'enum':
      message = `${(params.allowedValues as unknown[]).filter((v) => v !== null).map((v) => `「${v}」`).join('')}のいずれかを入力してください（${show(value)} は選べません）`;
      break;
    case 'minimum':
    case 'maximum': {
      const min = node?.minimum as number | undefined;
      const max = node?.maximum as number | undefined;
      const range = min === undefined ? `${max} 以下の` : max === undefined ? `${min} 以上の` : `${min} から ${max} までの`;
      message = `${range}数値を入力してください（${show(value)} は範囲外です）`;
      break;
    }
    case 'format':
      message =
        params.format === 'date'
          ? `「${value}」という日付はありません。実在する日付を YYYY-MM-DD の形で書いてください`
          : `書き方が正しくありません（${show(value)}）`;
      break;
    case 'minItems': {
      const names = node?.prefixItems?.map((item) => item.title).filter(Boolean) ?? [];
      const what = names.length === params.limit ? `${names.join('・')}の ${params.limit} 個を` : `${params.limit} 個以上`;
      message = `${what}書いてください（${(value as unknown[]).length} 個しかありません）`;
      break;
    }
      break;
    case 'items':
      message = `${params.limit} 個までしか書けません（${(value as unknown[]).length} 個あります）`;
      break;
    case 'multipleOf': {
      const digits = String(params.multipleOf).split('.')[1]?.length ?? 0;
      message = digits ? `小数点以下は ${digits} 桁までで入力してください（${value}）` : `整数を入力してください（${value}）`;
      break;
    }
    case 'minLength':
      message = '値が空です。空欄にはできません';
      break;
    case 'maxLength':
      message = `文字数が多すぎます（${[...String(value)].length} 文字。${params.limit} 文字まで）`;
      break;
    case 'maxItems':
      message = `${params.limit} 件までしか書けません（${(value as unknown[]).length} 件あります）`;
      break;
    case 'minProperties':
      message = '年度ごとの値を 1 つ以上書いてください';
      break;
    case 'uniqueItems':
      message = `同じ番号が重複しています（${Math.min(params.i, params.j) + 1} 番目と ${Math.max(params.i, params.j) + 1} 番目）`;
      break;
    default:
      message = `${title(path)} の値が正しくありません（${error.message}）`;
  }
  const pos = source.locate(at, locateAt);
  return { file: source.file, line: pos.line, column: pos.column, severity: 'error', labels, message, path: at };
}

/** Suggest the nearest defined key: by spelling, or by the Japanese title a user may have typed as the key. */
function suggestKey(key: string, parent: SchemaNode | undefined): string {
  const props = parent?.properties ?? {};
  const names = Object.keys(props);
  if (names.length === 0) return '';
  const byTitle = names.find((n) => props[n].title === key);
  if (byTitle) return `項目名は「${byTitle}」と書きます（${key}）。`;
  let best = '';
  let bestDistance = Infinity;
  for (const name of names) {
    const d = distance(key.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  if (bestDistance <= Math.max(2, Math.floor(best.length / 3))) return `もしかして「${best}」（${props[best].title}）?`;
  return `使える項目: ${names.map((n) => `${n}（${props[n].title}）`).join('、')}`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.line}:${f.column}:${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A sheet that passes the schema, made from data that does not: every value the schema refuses is replaced by the
 * field's blank value (as `sheetbook new` writes it), every unknown key left out — for drawing a draft while the
 * person is still typing, never for printing. Undefined when even that does not give a sheet. `madeUp` collects the
 * path of each figure put in place of a refused value, so that the draft can print it blank rather than as 0.
 */
export function printableSheet(data: unknown, fallback: { fiscalYear: number; number: number }, madeUp: string[][] = []): Sheet | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const validate = precompiledValidator('sheet', SHEET_SCHEMA);
  const value = structuredClone(data) as Record<string, unknown>;
  const fiscalYear = Number.isInteger(value.fiscalYear) ? (value.fiscalYear as number) : fallback.fiscalYear;
  for (let round = 0; round < 50; round++) {
    if (validate(value)) return value as unknown as Sheet;
    for (const error of validate.errors ?? []) {
      const path = pointerToPath(error.instancePath).map(String);
      const params = error.params as Record<string, any>;
      if (error.keyword === 'additionalProperties') removeAt(value, [...path, String(params.additionalProperty)]);
      else if (error.propertyName !== undefined) removeAt(value, [...path, error.propertyName]);
      else if (error.keyword === 'required') setAt(value, [...path, String(params.missingProperty)], blankFor([...path, String(params.missingProperty)], fiscalYear, fallback));
      else if (error.keyword === 'maxItems' || error.keyword === 'uniqueItems') setAt(value, path, []);
      else if (path.length === 0) return undefined;
      else {
        const blank = blankFor(path, fiscalYear, fallback);
        if (typeof blank === 'number') madeUp.push(path);
        setAt(value, path, blank);
      }
    }
  }
  return undefined;
}

function blankFor(path: string[], fiscalYear: number, fallback: { fiscalYear: number; number: number }): unknown {
  if (path.length === 1 && path[0] === 'fiscalYear') return fallback.fiscalYear;
  if (path.length === 1 && path[0] === 'number') return fallback.number;
  const node = schemaAt(path.map((step) => (/^[0-9]{1,3}$/.test(step) ? Number(step) : step)));
  if (!node) return null;
  const blank = blankValue(node, fiscalYear);
  // A blank number below the field's least value (施策番号 1〜99) takes that value.
  return typeof blank === 'number' && typeof node.minimum === 'number' && blank < node.minimum ? node.minimum : blank;
}

function parentOf(root: Record<string, unknown>, path: string[]): any {
  let node: any = root;
  for (const step of path.slice(0, -1)) node = node?.[step];
  return node && typeof node === 'object' ? node : undefined;
}

function setAt(root: Record<string, unknown>, path: string[], value: unknown): void {
  const parent = parentOf(root, path);
  if (parent) parent[path[path.length - 1]] = value;
}

function removeAt(root: Record<string, unknown>, path: string[]): void {
  const parent = parentOf(root, path);
  if (!parent) return;
  if (Array.isArray(parent)) parent.splice(Number(path[path.length - 1]), 1);
  else delete parent[path[path.length - 1]];
}
