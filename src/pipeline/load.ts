// Stage 1 — load: bytes on disk → a parsed YAML document that remembers where every value came from.
import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { labelsFor, SHEET_SCHEMA, type SchemaNode } from '../model/schema';
import type { DataPath, Finding } from '../model/types';
import { explainSilentChanges, explainYamlErrors } from './yaml-errors';

export const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ALIASES = 100;

export interface Position {
  line: number;
  column: number;
}

/** A sheet (or any other YAML file) as read: its data (plain JS) plus the means to point at any place in it. */
export interface SheetSource {
  file: string;
  data: unknown;
  /** Problems found before the data could be read at all (encoding, YAML syntax…). */
  findings: Finding[];
  /** With YAML syntax errors: what the parser could still read around them (checked too, and reported after them). */
  partial?: unknown;
  /** The top-level item (`overview`, `costs`…) a line of the file belongs to, for reading around syntax errors. */
  itemAt?: (line: number) => string | undefined;
  /** Where the value at `path` starts, or the key that holds it (`at: 'key'`). Falls back to the nearest parent. */
  locate(path: DataPath, at?: 'key' | 'value'): Position;
}

function finding(file: string, pos: Position, message: string, labels: string[] = [], path: DataPath = []): Finding {
  return { file, line: pos.line, column: pos.column, severity: 'error', labels, message, path };
}

/**
 * UTF-16 (as Windows Notepad's 「Unicode」 saves): a byte-order mark, or, without one, text whose every other byte
 * is 0 (the high bytes of ASCII characters: keys, digits, spaces, line ends).
 */
function utf16(bytes: Buffer): 'LE' | 'BE' | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'LE';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'BE';
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return 'LE';
  if (evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return 'BE';
  return undefined;
}

/** Decode bytes as UTF-8 (BOM allowed); anything else is reported, never guessed. */
function decode(file: string, bytes: Buffer): { text: string } | { error: Finding } {
  // Before the UTF-8 check: UTF-16 text of ASCII characters alone is valid UTF-8 (with a NUL after each letter).
  const sixteen = utf16(bytes);
  if (sixteen) {
    return {
      error: finding(
        file,
        { line: 1, column: 1 },
        `ファイルが UTF-16（${sixteen === 'LE' ? 'リトルエンディアン' : 'ビッグエンディアン'}${bytes[0] === 0xff || bytes[0] === 0xfe ? '、BOM 付き' : ''}）で保存されています。sheetbook が読めるのは UTF-8 のファイルだけです。エディタで文字コードに「UTF-8」を選んで保存し直してください（メモ帳では「名前を付けて保存」の「エンコード」で「UTF-8」を選びます）。`,
      ),
    };
  }
  // Checked first, then decoded: as quick as decoding alone, where a strict TextDecoder is not.
  if (isUtf8(bytes)) {
    const text = bytes.toString('utf8');
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  }
  const offset = firstInvalidUtf8(bytes);
  const line = bytes.subarray(0, offset).toString('latin1').split('\n').length;
  return {
    error: finding(
      file,
      { line, column: 1 },
      'ファイルが UTF-8 ではありません（Shift_JIS などで保存されている可能性があります）。エディタで「UTF-8」を選んで保存し直してください。',
    ),
  };
}

function firstInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the longest valid prefix; a cut inside a multi-byte sequence is tolerated by `stream`.
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      decoder.decode();
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

export function loadSheetFile(file: string): SheetSource {
  const size = statSync(file).size;
  if (size > MAX_FILE_BYTES) {
    return failed(file, `ファイルが大きすぎます（${Math.round(size / 1024)} KB）。1 シートのファイルは 1 MB までです。`);
  }
  return parseSheetText(file, readFileSync(file));
}

export interface YamlFileOptions {
  /** The data of a file with nothing in it (only comments, say). Without it an empty file is an error, as for a sheet. */
  empty?: unknown;
  /**
   * The file's schema: where its texts are (a comment after a sentence cuts it) and what its places are called in
   * findings. Without it, only what holds for any YAML file is checked.
   */
  schema?: SchemaNode;
}

/** Any other YAML file the program reads (the city's data files, templates/layout.yaml), read like a sheet. */
export function loadYamlFile(file: string, bytes: Buffer = readFileSync(file), options: YamlFileOptions = {}): SheetSource {
  if (bytes.length > MAX_FILE_BYTES) return failed(file, `ファイルが大きすぎます（${Math.round(bytes.length / 1024)} KB）。1 MB までです。`);
  return parseYamlText(file, bytes, options);
}

function failed(file: string, message: string, pos: Position = { line: 1, column: 1 }): SheetSource {
  return { file, data: undefined, findings: [finding(file, pos, message)], locate: () => pos };
}

export function parseSheetText(file: string, bytes: Buffer): SheetSource {
  return parseYamlText(file, bytes, { schema: SHEET_SCHEMA });
}

function parseYamlText(file: string, bytes: Buffer, options: YamlFileOptions = {}): SheetSource {
  const decoded = decode(file, bytes);
  if ('error' in decoded) return { file, data: undefined, findings: [decoded.error], locate: () => ({ line: 1, column: 1 }) };
  // Old Mac files end lines with CR alone; YAML would read them as one line.
  const text = decoded.text.includes('\n') ? decoded.text : decoded.text.replace(/\r/g, '\n');
  const lineCounter = new LineCounter();
  // Source tokens are kept so that what YAML silently dropped or changed (a comment, an anchor…) can be told apart.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, keepSourceTokens: true });
  const toPos = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const { schema } = options;
  let problems = explainYamlErrors(text, doc.errors, toPos, { schema });
  if (problems.length === 0 && schema) problems = explainSilentChanges(text, doc, toPos, schema);
  const findings: Finding[] = problems.map((p) => finding(file, p, p.message, p.labels ?? (p.path && schema ? labelsFor(p.path, schema) : []), p.path));
  const locate = (path: DataPath, at: 'key' | 'value' = 'value'): Position => {
    const found = nodeAt(doc, path, at);
    return toPos(found?.range?.[0] ?? 0);
  };
  if (findings.length > 0) return { file, data: undefined, findings, locate, partial: readAround(doc), itemAt: topLevelItems(doc, toPos) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    const message = String((error as Error).message ?? error);
    const text = /alias/i.test(message)
      ? 'エイリアス（*名前）の展開が多すぎます。エイリアスを使わずに値を直接書いてください。'
      : `YAML を読み取れません: ${message}`;
    return failed(file, text);
  }
  if ((data === null || data === undefined) && options.empty !== undefined) data = options.empty;
  if (data === null || data === undefined) {
    return failed(file, 'ファイルが空です。シートの項目を書いてください（`sheetbook new` でひな形を作れます）。');
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    return failed(file, 'ファイルの最上位は「項目: 値」の形（マッピング）でなければなりません。');
  }
  return { file, data, findings, locate };
}

/** What a document with syntax errors still holds (the yaml package recovers where it can); undefined if nothing. */
function readAround(doc: Document): unknown {
  try {
    const data = doc.toJS({ maxAliasCount: MAX_ALIASES });
    return data && typeof data === 'object' && !Array.isArray(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Which top-level item each line belongs to: from the line of its key to the line before the next one. */
function topLevelItems(doc: Document, toPos: (offset: number) => Position): (line: number) => string | undefined {
  const starts = isMap(doc.contents)
    ? doc.contents.items.flatMap((p) => (isScalar(p.key) && p.key.range ? [{ key: String(p.key.value), line: toPos(p.key.range[0]).line }] : []))
    : [];
  return (line) => starts.filter((s) => s.line <= line).at(-1)?.key;
}

/** Walk the YAML node tree along a data path; stops at the deepest node that exists. */
function nodeAt(doc: Document, path: DataPath, at: 'key' | 'value'): Node | undefined {
  let node: unknown = doc.contents;
  let last: Node | undefined = (doc.contents as Node) ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    const isLast = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return last;
      if (isLast && at === 'key') return pair.key as Node;
      node = pair.value;
      if (node) last = node as Node;
      else return pair.key as Node;
    } else if (isSeq(node)) {
      const item = node.items[Number(step)];
      if (!item) return last;
      node = item;
      last = item as Node;
    } else {
      return last;
    }
  }
  return last;
}
