// YAML syntax errors explained in Japanese, at the place a person has to fix.
// The yaml library reports where parsing failed; the cause is often earlier (an unclosed quote) or a habit
// of Japanese typing (a full-width colon or space), so each error is traced back to its likely cause.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Alias, type Document, type Scalar, type YAMLError } from 'yaml';
import { figureAdvice, unitOf } from '../model/figure-advice';
import { labelsFor, schemaAt, type SchemaNode } from '../model/schema';
import { eraYearText } from '../model/era';
import type { DataPath } from '../model/types';

export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
  /** The field's labels and path, when the problem is in a known field. */
  labels?: string[];
  path?: DataPath;
}

type ToPos = (offset: number) => { line: number; column: number };

const KEY_LINE = /^(\s*)(?:-\s+)?([^\s#:][^:#]*?):(?:\s|$)/;

/** Every line's text, 1-based. */
function lines(text: string): string[] {
  return ['', ...text.split('\n').map((l) => l.replace(/\r$/, ''))];
}

function indentOf(line: string): number {
  return /^ */.exec(line)![0].length;
}

/** Problems found line by line before looking at the parser's errors: they explain most of what follows. */
function habits(all: string[], schema: SchemaNode | undefined): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  for (let n = 1; n < all.length; n++) {
    const line = all[n];
    if (/^\s*#/.test(line)) continue;
    const lead = /^[ \t\u3000]*/.exec(line)![0];
    if (lead.includes('\t') && line.trim() !== '') {
      problems.push({ line: n, column: lead.indexOf('\t') + 1, message: '字下げにタブ文字が使われています。字下げは半角スペースで書いてください。' });
    } else if (lead.includes('\u3000') && STRUCTURE_AFTER_INDENT.test(line.slice(lead.length))) {
      // Before a key or a list item; elsewhere (a paragraph of a `|` text) a full-width space is text, and prints.
      problems.push({ line: n, column: lead.indexOf('\u3000') + 1, message: '字下げに全角スペースが使われています。字下げは半角スペースで書いてください。' });
    } else if (/[{]/.test(line) && FLOW_FIGURE_WITH_COMMA.test(line)) {
      // `{2022: 7,575}`: in a flow mapping the comma splits the figure; report each such figure.
      const row = linePath(all, n);
      const unit = row && schema ? unitOf(valueSchema(schemaAt(row, schema))?.title) : undefined;
      for (const m of line.matchAll(new RegExp(FLOW_FIGURE_WITH_COMMA.source, 'g'))) {
        const figure = `${m[1]}${m[2]}${m[3]?.trim() ?? ''}`;
        const year = /([0-9]{4})\s*$/.exec(line.slice(0, m.index))?.[1];
        problems.push({
          line: n,
          column: m.index! + m[0].indexOf(m[1]) + 1,
          message: `数値に桁区切りのカンマ「,」は書けません（${figure}）。${figureAdvice(figure, unit)}`,
          ...(row ? { path: year ? [...row, year] : row } : {}),
        });
      }
    } else {
      const fullColon = /^(\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*)\s*：/.exec(line);
      if (fullColon) {
        problems.push({
          line: n,
          column: line.indexOf('：') + 1,
          message: '全角の「：」が使われています。項目名の後は半角の「: 」（コロンとスペース）で区切ってください',
        });
      }
    }
  }
  return problems;
}

/** A key (`name:`) or a list item (`- `): what an indent stands before. */
const STRUCTURE_AFTER_INDENT = /^(?:-(?:[ \t\u3000]|$)|[A-Za-z_][A-Za-z0-9_]*[ \t\u3000]*[:：]|[0-9]{4}[ \t]*:)/;
/** `: 24,857` or `: 24,857円` in a flow mapping, ending at its `,` or `}`. */
const FLOW_FIGURE_WITH_COMMA = /:\s*(-?[0-9]{1,3})((?:,[0-9]{3})+)(\s*(?:千円|万円|円))?(?=\s*[,}]|\s*$)/;

/** The schema of the values of a year row (`costs.settled` → its amounts), or the node itself. */
const valueSchema = (node: SchemaNode | undefined): SchemaNode | undefined =>
  node && typeof node.additionalProperties === 'object' ? node.additionalProperties : node;

const unquoteKey = (key: string): string => (/^["']/.test(key) ? key.slice(1, -1) : key);

/** The index of the list item that starts on line `n` (a `- ` at column `col`): its earlier siblings counted. */
function itemIndex(all: string[], n: number, col: number): number {
  let index = 0;
  for (let i = n - 1; i >= 1; i--) {
    const line = all[i];
    if (line.trim() === '' || /^\s*#/.test(line)) continue;
    const indent = indentOf(line);
    if (indent < col || (indent === col && !/^ *-(\s|$)/.test(line))) break;
    if (indent === col) index++;
  }
  return index;
}

/**
 * The data path of the key on line `n` (`['costs', 'settled']`, `['indicators', 0, 'name']`), read from the indents
 * of the lines above it as a person reads them — it holds where the parser is lost. Undefined when line `n` holds
 * no key.
 */
export function linePath(all: string[], n: number): DataPath | undefined {
  const own = KEY_START.exec(all[n] ?? '');
  if (!own) return undefined;
  const path: DataPath = [unquoteKey(own[3])];
  // The column of the entry being placed (its dash for a list item), and whether it is a list item.
  let col = own[1].length;
  let dash = !!own[2];
  if (dash) path.unshift(itemIndex(all, n, col));
  for (let i = n - 1; i >= 1 && (col > 0 || dash); i--) {
    const line = all[i];
    if (line.trim() === '' || /^\s*#/.test(line)) continue;
    const indent = indentOf(line);
    const key = KEY_START.exec(line);
    const keyCol = key ? indent + (key[2]?.length ?? 0) : -1;
    if (!dash && key?.[2] && keyCol === col) {
      // `- name: …` whose keys stand in this column: the entry belongs to its item.
      path.unshift(itemIndex(all, i, indent));
      col = indent;
      dash = true;
      continue;
    }
    // A list's dashes may stand in the column of the key that holds it.
    const parent = indent < col || (dash && indent === col && key && !key[2]);
    if (!parent) continue;
    if (!key || after(line, key) !== '') return undefined;
    path.unshift(unquoteKey(key[3]));
    col = indent;
    dash = !!key[2];
    if (dash) path.unshift(itemIndex(all, i, indent));
  }
  return path;
}

/** What follows `key:` on its line, comments aside. */
const after = (line: string, key: RegExpExecArray): string => line.slice(key[0].length).replace(/(^|\s)#.*$/, '').trim();

/**
 * The line and column of the quote or bracket that was opened before `line` and never closed. A quoted text or a
 * `[…]`/`{…}` opens only where a value starts (`key: [`, `- "`): a `[` or `"` inside a plain sentence opens
 * nothing (`目的: 市民の[声]を聞く`), so the nearest line whose value starts unclosed is the cause, even when a line
 * after it holds a lone `[` of its own (swallowed by the open list). Failing that, the nearest line with one left open.
 */
function unclosedBefore(all: string[], line: number, open: RegExp, counts: (l: string) => number): { line: number; column: number } | undefined {
  const last = Math.min(line, all.length - 1);
  for (let n = last; n >= 1; n--) {
    const text = all[n].replace(/\s#.*$/, '');
    const start = valueStart(text);
    if (start >= 0 && open.test(text[start]) && counts(text) > 0) return { line: n, column: start + 1 };
  }
  for (let n = last; n >= 1; n--) {
    const text = all[n].replace(/\s#.*$/, '');
    if (counts(text) > 0) {
      const match = open.exec(text);
      if (match) return { line: n, column: match.index + 1 };
    }
  }
  return undefined;
}

/** Where the value of a `key: value` or `- value` line starts (0-based), or -1 when the line holds none. */
function valueStart(text: string): number {
  const m = VALUE_LINE.exec(text) ?? /^(\s*-[ \t]+)()()(\S.*)$/.exec(text);
  return m ? m[1].length + m[2].length + m[3].length : -1;
}

const unbalancedQuotes = (l: string) => {
  const value = l.replace(/^[^:]*:\s*/, '');
  const dq = (value.match(/(?<!\\)"/g) ?? []).length;
  const sq = value.startsWith("'") ? (value.match(/'/g) ?? []).length : 0;
  return dq % 2 + sq % 2;
};
const unbalancedBrackets = (l: string) => (l.match(/[[{]/g) ?? []).length - (l.match(/[\]}]/g) ?? []).length;

/** `key: value` (also as a list item's first key): the value and its 1-based column. */
const VALUE_LINE = /^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*|[0-9]{4})([ \t]*:[ \t]+)(\S.*)$/;

/**
 * A value that starts with one of YAML's indicator characters, when the parser stumbled on it: the character is the
 * cause, whatever the parser's own message. Quotes and brackets count only when text follows their closing one on
 * the line (`"電子申請"の推進`); an unclosed one is explained elsewhere.
 */
function leadingMark(line: string, errorColumn: number, code: string): { column: number; length: number; message: string } | undefined {
  const m = VALUE_LINE.exec(line);
  if (!m) return undefined;
  const column = m[1].length + m[2].length + m[3].length + 1;
  if (errorColumn < column) return undefined;
  const key = m[2];
  const value = m[4].replace(/\s+#.*$/, '').trimEnd();
  const c = value[0];
  const keep = (fullWidth: string) => `文章として書くには、値全体を "…" で囲むか（${quotedExample(key, value)}）、全角の${fullWidth}にしてください`;
  const closed = (open: string, close: string) => {
    if (code !== 'UNEXPECTED_TOKEN') return false;
    const end = open === close ? value.indexOf(close, 1) : value.lastIndexOf(close);
    return end > 0 && value.slice(end + 1).trim() !== '';
  };
  let message: string | undefined;
  switch (c) {
    case '*':
      message = `値の先頭の「*」は YAML のエイリアス（*名前）の印として読まれます。${keep('「＊」や「※」')}`;
      break;
    case '!':
      message = `値の先頭の「!」は YAML のタグ（!名前）の印として読まれます。${keep('「！」')}`;
      break;
    case '&':
      message = `値の先頭の「&」は YAML のアンカー（&名前）の印として読まれます。${keep('「＆」')}`;
      break;
    case '%':
    case '@':
    case '`':
    case ',':
    case ']':
    case '}': {
      const full = { '%': '％', '@': '＠', '`': '｀', ',': '，', ']': '］', '}': '｝' }[c];
      message = `値の先頭に「${c}」は書けません（YAML の記号です）。${keep(`「${full}」`)}`;
      break;
    }
    case '-':
      if (value === '-') message = `「-」だけの値は一覧（箇条書き）の印として読まれます。「なし」を表す線なら全角の「—」を書いてください（「-」のままなら ${key}: "-" と書きます）`;
      else if (/^-\s/.test(value)) message = `値の先頭の「- 」は一覧（箇条書き）の印として読まれます。${keep('「－」や「・」')}`;
      break;
    case '?':
      if (/^\?\s/.test(value)) message = `値の先頭の「? 」は YAML の記号として読まれます。${keep('「？」')}`;
      break;
    case '>':
    case '|':
      if (value.length > 1 && code === 'UNEXPECTED_TOKEN') message = `値の先頭の「${c}」は複数行の文章を書く印として読まれます。${keep(c === '>' ? '「＞」' : '「｜」')}`;
      break;
    case '"':
    case "'":
      if (closed(c, c)) {
        message = `値が「${c}」で始まっているため、次の「${c}」で値が終わったと読まれ、その後ろが読めません。文章の中の引用符は「」や全角の「${c === '"' ? '”' : '’'}」にするか、値全体を${c === '"' ? ` '…' ` : ' "…" '}で囲んでください（${quotedExample(key, value)}）`;
      }
      break;
    case '[':
    case '{':
      if (closed(c, c === '[' ? ']' : '}')) {
        message = `値が「${c}」で始まっているため一覧として読まれ、「${c === '[' ? ']' : '}'}」の後ろが読めません。${keep(c === '[' ? '「［」や「【」' : '「｛」')}`;
      }
      break;
  }
  return message ? { column, length: value.length, message } : undefined;
}

const MAX_REPAIRS = 10;

interface Repair {
  problem: SyntaxProblem;
  /** The line to set right, and the 0-based columns of the text replaced in it. */
  line: number;
  from: number;
  to: number;
  replacement: string;
}

function patchLine(text: string, line: number, from: number, to: number, replacement: string): string {
  let start = 0;
  for (let n = 1; n < line; n++) start = text.indexOf('\n', start) + 1;
  return text.slice(0, start + from) + replacement + text.slice(start + to);
}

/** `name:情報化推進事業`: a key and its value with no space after the colon (not `https://…`, not `12:30`). */
const GLUED_COLON = /^(\s*(?:-[ \t]+)?)([A-Za-z_][A-Za-z0-9_]*|[0-9]{4}):(?![\s:/])(\S.*)$/;

/** The glued `key:value` on line `n`, or on one of the two content lines before it (the parser may stumble later). */
function gluedColonNear(all: string[], n: number): { line: number; key: string; value: string; keyColumn: number; colon: number } | undefined {
  for (let i = n, seen = 0; i >= 1 && seen < 3; i--) {
    const text = all[i];
    if (text.trim() === '' || /^\s*#/.test(text)) continue;
    seen++;
    const m = GLUED_COLON.exec(text);
    if (m) return { line: i, key: m[2], value: m[3].replace(/\s+#.*$/, '').trimEnd(), keyColumn: m[1].length, colon: m[1].length + m[2].length };
  }
  return undefined;
}

/** True when the key on line `n` is a text field of `schema`. */
function isTextLine(all: string[], n: number, schema: SchemaNode | undefined): boolean {
  const path = schema && linePath(all, n);
  const node = path ? schemaAt(path, schema) : undefined;
  return !!node && isTextField(node);
}

/** The first parser error that a leading mark, a missing space or a slipped indent explains, with the edit that would set it right. */
function firstRepair(all: string[], errors: YAMLError[], toPos: ToPos, schema: SchemaNode | undefined): Repair | undefined {
  const slips = indentSlips(all);
  for (const error of errors) {
    const pos = toPos(error.pos[0]);
    const mark = leadingMark(all[pos.line] ?? '', pos.column, error.code);
    if (mark) {
      const from = mark.column - 1;
      const path = linePath(all, pos.line);
      return { problem: { line: pos.line, column: mark.column, message: mark.message, ...(path ? { path } : {}) }, line: pos.line, from, to: from + mark.length, replacement: '"…"' };
    }
    const glued = /Implicit (map )?keys/.test(error.message) || error.code === 'BLOCK_AS_IMPLICIT_KEY' ? gluedColonNear(all, pos.line) : undefined;
    if (glued) {
      const patched = [...all];
      patched[glued.line] = `${all[glued.line].slice(0, glued.colon + 1)} ${all[glued.line].slice(glued.colon + 1)}`;
      const path = linePath(patched, glued.line);
      const value = shorten(glued.value);
      return {
        problem: {
          line: glued.line,
          column: glued.keyColumn + 1,
          message: `「:」の後に半角スペースが必要です（「${glued.key}:${value}」は「${glued.key}: ${value}」と書きます）`,
          ...(path ? { path } : {}),
        },
        line: glued.line,
        from: glued.colon + 1,
        to: glued.colon + 1,
        replacement: ' ',
      };
    }
    if (error.code === 'BAD_INDENT' && /^Flow (sequence|map)/.test(error.message)) {
      // A sentence that starts with `[` or `{` and has no closing one: the parser is lost until the end of the block.
      const at = unclosedBefore(all, pos.line, /[[{]/, unbalancedBrackets);
      const m = at && VALUE_LINE.exec(all[at.line]);
      if (at && m && m[1].length + m[2].length + m[3].length + 1 === at.column && isTextLine(all, at.line, schema)) {
        const value = m[4].replace(/\s+#.*$/, '').trimEnd();
        const c = value[0];
        const path = linePath(all, at.line);
        return {
          problem: {
            line: at.line,
            column: at.column,
            message: `値が「${c}」で始まっているため一覧の始まりとして読まれ、文章になりません（閉じる「${c === '[' ? ']' : '}'}」もありません）。文章として書くには、値全体を "…" で囲むか（${quotedExample(m[2], value)}）、全角の${c === '[' ? '「［」や「【」' : '「｛」'}にしてください`,
            ...(path ? { path } : {}),
          },
          line: at.line,
          from: at.column - 1,
          to: at.column - 1 + value.length,
          replacement: '"…"',
        };
      }
    }
    const slip = slips.find((s) => pos.line >= s.near[0] && pos.line <= s.near[1]);
    if (slip) {
      const edit = slip.replacement ?? { from: 0, to: slip.indent, text: ' '.repeat(slip.expected) };
      return {
        problem: { line: slip.line, column: slip.indent + 1, message: slip.message },
        line: slip.line,
        from: edit.from,
        to: edit.to,
        replacement: edit.text,
      };
    }
  }
  return undefined;
}

// ---- indentation slips --------------------------------------------------------------------------------------------
//
// A key typed with one or two spaces too many or too few makes the parser fail on a neighbouring line, often with a
// message about colons. The lines are read here as a person reads them: keys of one group share a column, a key
// ending in `:` opens a deeper group, the usual step is what the rest of the file uses. A slip is a key line that fits
// none of the open groups; which line slipped is decided by its neighbours (the line that differs from the lines
// around it is the one to move). A slip is only reported when moving it makes the parser's errors fewer.

interface ContentLine {
  line: number;
  indent: number;
  /** Column (0-based) of the key: after `- ` for a list item. */
  keyCol: number;
  key?: string;
  dash: boolean;
  /** `key:` with nothing after it (or a comment): the next lines form its group. */
  opens: boolean;
}

interface Level {
  col: number;
  seq: boolean;
  parentCol: number;
  first?: ContentLine;
  /** The data path of the group, to tell from the schema which group a key belongs to. */
  path: DataPath;
}

const belongsTo = (key: string, path: DataPath): boolean => {
  const props = schemaAt(path)?.properties;
  return !!props && key in props;
};

interface Slip {
  line: number;
  indent: number;
  expected: number;
  message: string;
  /** The lines on which the parser may have stumbled because of this slip. */
  near: [number, number];
  /** The edit that sets it right, when it is not a change of indent. */
  replacement?: { from: number; to: number; text: string };
}

const KEY_START = /^( *)(-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*|[0-9]{4}|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]|$)/;

function contentLines(all: string[]): ContentLine[] {
  const result: ContentLine[] = [];
  let blockScalarCol = -1;
  for (let n = 1; n < all.length; n++) {
    const text = all[n];
    if (text.trim() === '' || /^\s*#/.test(text)) continue;
    const indent = indentOf(text);
    if (blockScalarCol >= 0 && indent > blockScalarCol) continue;
    blockScalarCol = -1;
    const m = KEY_START.exec(text);
    const dash = /^ *-(\s|$)/.test(text);
    const keyCol = m ? indent + (m[2]?.length ?? 0) : dash ? indent + 2 : indent;
    const after = m ? text.slice(m[0].length).replace(/(^|\s)#.*$/, '').trim() : '';
    if (m && /^[|>][-+0-9]*$/.test(after)) blockScalarCol = indent;
    result.push({ line: n, indent, keyCol, key: m?.[3], dash, opens: !!m && after === '' });
  }
  return result;
}

/** The step most groups are indented by (2 in the bundled sheets). */
function usualStep(lines: ContentLine[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i - 1].opens) continue;
    const step = lines[i].indent - lines[i - 1].keyCol;
    if (step > 0) counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 2;
}

function slipMessage(key: string, by: number, siblings: string[], expected: number): string {
  const group = siblings.length > 0 ? `同じまとまりの項目（${siblings[0]}:${siblings.length > 1 ? ' など' : ''}）` : '同じまとまりの項目';
  const where = expected === 0 ? '行の先頭から書きます' : `行頭からスペース ${expected} 個`;
  const align = siblings.length > 0 ? `「${siblings[0]}:」と同じ桁にそろえてください（${where}）` : `${where}`;
  return `字下げがずれています: 「${key}:」は${group}より ${Math.abs(by)} 文字${by > 0 ? '深く' : '浅く'}字下げされています。${align}`;
}

/** Key lines whose indent fits no open group, with the column they belong at. */
function indentSlips(all: string[]): Slip[] {
  const lines = contentLines(all);
  const step = usualStep(lines);
  const slips: Slip[] = [];
  const siblingsAt = (from: number, col: number, except: number): string[] => {
    // Keys at `col` in the group around line index `from`: walk both ways until a line shallower than `col`.
    const keys: string[] = [];
    for (const dir of [-1, 1]) {
      for (let i = from + dir; i >= 0 && i < lines.length; i += dir) {
        const l = lines[i];
        if (l.keyCol < col && !(dir > 0 && l.line === except)) break;
        if (l.keyCol === col && l.key && l.line !== except && !l.dash) keys.push(l.key);
      }
    }
    return keys;
  };
  const nearOf = (i: number): [number, number] => [lines[Math.max(0, i - 1)].line, lines[Math.min(lines.length - 1, i + 1)].line];
  let stack: Level[] = [{ col: 0, seq: false, parentCol: -1, path: [] }];
  let poppedFrom: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const prev = lines[i - 1];
    const top = stack[stack.length - 1];
    if (prev?.opens && (l.dash ? l.indent >= prev.keyCol : l.keyCol > prev.keyCol)) {
      const path = [...top.path, ...(top.seq ? [0] : []), prev.key ?? ''];
      if (l.dash) stack.push({ col: l.indent, seq: true, parentCol: prev.keyCol, first: l, path });
      stack.push({ col: l.keyCol, seq: false, parentCol: l.dash ? l.indent : prev.keyCol, first: l, path: l.dash ? [...path, 0] : path });
      poppedFrom = undefined;
      continue;
    }
    const at = stack.findIndex((s) => (l.dash ? s.seq && s.col === l.indent : !s.seq && s.col === l.keyCol));
    if (at >= 0) {
      poppedFrom = at < stack.length - 1 ? top.col : undefined;
      stack = stack.slice(0, at + 1);
      if (l.dash) stack.push({ col: l.keyCol, seq: false, parentCol: l.indent, first: l, path: [...stack[at].path, 0] });
      continue;
    }
    if (l.dash || !l.key) {
      // A list item out of place, or a line of a sentence that goes on: not a key that slipped. A sentence that goes
      // on after a ` #` on the line before was cut there by the comment.
      const hash = prev && !l.dash ? /^( *(?:-[ \t]+)?\S[^:]*:[ \t]+[^"'\s#][^#]*?[ \t])#/.exec(all[prev.line]) : null;
      if (hash && l.keyCol > prev.keyCol) {
        const column = hash[1].length;
        const value = all[prev.line].slice(KEY_START.exec(all[prev.line])?.[0].length ?? 0).trim();
        slips.push({
          line: prev.line,
          indent: column,
          expected: column,
          message: `「#」から後ろはコメントとして読まれるため、文章がここで切れ、次の行が読めません。${HOW_TO_KEEP_HASH(quotedExample(prev.key ?? '項目', value))}`,
          near: [prev.line, l.line],
          replacement: { from: column, to: column + 1, text: '＃' },
        });
        break;
      }
      if (l.keyCol > top.col) continue;
      break;
    }
    if (top.first && top.first.key && !top.first.dash && top.first.keyCol !== top.parentCol + step && l.keyCol === top.parentCol + step && top.first.line === prev?.line) {
      // The group's first key set its column, and it is the one out of line.
      const first = top.first;
      slips.push({
        line: first.line,
        indent: first.indent,
        expected: l.keyCol,
        message: slipMessage(first.key!, first.keyCol - l.keyCol, siblingsAt(i - 1, l.keyCol, first.line), l.keyCol),
        near: [first.line, l.line],
      });
      break;
    }
    if (l.keyCol > top.col && prev) {
      if (poppedFrom !== undefined && l.keyCol === poppedFrom && prev.key && !prev.dash && !prev.opens) {
        // `purpose:` moved out to a shallower group; the next key is where purpose's group goes on.
        const expected = poppedFrom;
        slips.push({ line: prev.line, indent: prev.indent, expected, message: slipMessage(prev.key, prev.keyCol - expected, siblingsAt(i - 1, expected, prev.line), expected), near: nearOf(i - 1) });
      } else {
        // Deeper than the group it follows, and the line before holds a value: not a child.
        slips.push({ line: l.line, indent: l.indent, expected: top.col, message: slipMessage(l.key, l.keyCol - top.col, siblingsAt(i, top.col, l.line), top.col), near: nearOf(i) });
      }
      break;
    }
    // Between two open groups: the schema tells which one the key belongs to, else the group whose first key
    // is out of line, else the deeper group (the key was meant to go on it).
    const lower = [...stack].reverse().find((s) => !s.seq && s.col < l.keyCol);
    if (lower && belongsTo(l.key, lower.path) && !belongsTo(l.key, top.path)) {
      slips.push({ line: l.line, indent: l.indent, expected: lower.col, message: slipMessage(l.key, l.keyCol - lower.col, siblingsAt(i, lower.col, l.line), lower.col), near: nearOf(i) });
      break;
    }
    const first = top.first;
    if (first && first.key && !first.dash && first.keyCol !== top.parentCol + step && l.keyCol === top.parentCol + step) {
      // The group's first key set its column, and it is the one out of line.
      const idx = lines.indexOf(first);
      slips.push({
        line: first.line,
        indent: first.indent,
        expected: l.keyCol,
        message: slipMessage(first.key, first.keyCol - l.keyCol, siblingsAt(idx, l.keyCol, first.line), l.keyCol),
        near: [first.line, l.line],
      });
    } else {
      slips.push({ line: l.line, indent: l.indent, expected: top.col, message: slipMessage(l.key, l.keyCol - top.col, siblingsAt(i, top.col, l.line), top.col), near: nearOf(i) });
    }
    break;
  }
  return slips;
}

const YEAR_KEY = /^[0-9]{4}$/;

/** 「同じ項目名（reason）が 2 回…」, and for a year row's key 「年度 2019（令和元年度）が 2 回…」. */
function duplicateMessage(key: string, where: string, hint: string): string {
  return YEAR_KEY.test(key) ? `年度 ${key}（${eraYearText(Number(key))}）が 2 回書かれています${where}${hint}` : `同じ項目名（${key}）が 2 回書かれています${where}${hint}`;
}

/** Where `key:` first stands in the flow mapping that holds column `column` of line `line` (1-based line and column). */
function firstKeyInFlow(all: string[], line: number, column: number, key: string): { line: number; column: number } | undefined {
  const pattern = new RegExp(`[{,]\\s*(["']?)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1\\s*:`, 'g');
  // Up the lines of the mapping to its `{`: the first match wins, earliest line first.
  let open = line;
  while (open > 1 && !all[open].slice(0, open === line ? column : undefined).includes('{')) open--;
  for (let n = open; n <= line; n++) {
    const text = n === line ? all[n].slice(0, column) : all[n];
    const m = pattern.exec(text);
    pattern.lastIndex = 0;
    if (m) return { line: n, column: m.index + m[0].indexOf(key, 1) + 1 };
  }
  return undefined;
}

export interface ExplainContext {
  /** The file's schema, to tell a text from a figure and to name the field of a problem. */
  schema?: SchemaNode;
}

export function explainYamlErrors(text: string, errors: YAMLError[], toPos: ToPos, context: ExplainContext = {}, depth = 0): SyntaxProblem[] {
  const all = lines(text);
  const found = habits(all, context.schema);
  // A tab, a full-width space or a full-width colon makes the parser stumble on every line after it:
  // the habit is the one thing to fix.
  if (found.length > 0) return found;

  // A value that starts with a YAML mark, or a line whose indent slipped, is one mistake that leaves the parser lost
  // for the rest of its block. It is reported alone, and the text with that one line set right is parsed again for
  // whatever else is wrong.
  // (A repair is kept only when the parser is happier for it: with no errors, there is nothing to repair.)
  if (depth < MAX_REPAIRS && errors.length > 0) {
    const repair = firstRepair(all, errors, toPos, context.schema);
    if (repair) {
      const patched = patchLine(text, repair.line, repair.from, repair.to, repair.replacement);
      const shift = repair.replacement.length - (repair.to - repair.from);
      const counter = new LineCounter();
      const reparsed = parseDocument(patched, { lineCounter: counter, uniqueKeys: true, prettyErrors: false, strict: true });
      const patchedPos = (offset: number) => {
        const { line, col } = counter.linePos(offset);
        return { line, column: line === repair.line && col > repair.from + 1 ? col - shift : col };
      };
      // The repair must help; if the parser is no happier, the guess was wrong and the errors are explained as they are.
      if (reparsed.errors.length < errors.length) {
        const rest = explainYamlErrors(patched, reparsed.errors, patchedPos, context, depth + 1).filter((p) => p.line !== repair.line);
        return [repair.problem, ...rest].sort((a, b) => a.line - b.line || a.column - b.column);
      }
    }
  }

  const problems: SyntaxProblem[] = [];
  const reportedDuplicates = new Set<number>();
  for (const error of errors) {
    const pos = toPos(error.pos[0]);
    const line = all[pos.line] ?? '';
    const first = error.message.split('\n')[0];
    switch (error.code) {
      case 'DUPLICATE_KEY': {
        // `{2022: 7,575, 2023: 7,575}`: YAML splits figures at their commas, and the pieces (`575`) collide. A piece
        // is a key without a colon after it; a key typed twice (`{2019: 1, 2019: 2}`) has one.
        const before = line.slice(0, pos.column - 1);
        const keyHere = /^("[^"]*"|'[^']*'|[^\s,:{}[\]#]+)\s*:(?:\s|$)/.exec(line.slice(pos.column - 1));
        if (!keyHere && /[0-9],\s*$/.test(before)) {
          problems.push({ ...pos, message: '数値に桁区切りのカンマ「,」は書けません（カンマで値が区切られています）。カンマを付けずに書いてください（例: 7575）' });
          break;
        }
        if (keyHere && /\{/.test(before)) {
          // In a flow mapping: the first one is earlier on the same line (or on a line before, for a map over lines).
          const key = unquoteKey(keyHere[1]);
          const first = firstKeyInFlow(all, pos.line, pos.column - 1, key);
          const row = linePath(all, first?.line ?? pos.line);
          const where = first ? (first.line === pos.line ? `（1 回目は同じ ${pos.line} 行目の ${first.column} 桁目）` : `（1 回目は ${first.line} 行目）`) : '';
          problems.push({ ...pos, message: duplicateMessage(key, where, '。どちらか一方を消すか、年度を直してください'), ...(row ? { path: [...row, key] } : {}) });
          break;
        }
        const key = KEY_LINE.exec(line)?.[2]?.trim() ?? '';
        const indent = indentOf(line);
        let firstLine = 0;
        let inList = false;
        for (let n = pos.line - 1; n >= 1; n--) {
          const l = all[n];
          if (l.trim() === '' || /^\s*#/.test(l)) continue;
          if (indentOf(l) < indent) {
            inList = /^\s*-\s/.test(l) && indentOf(l) === indent - 2;
            if (!inList) break;
          }
          const m = KEY_LINE.exec(l);
          if (m && m[2].trim() === key && (indentOf(l) === indent || /^\s*-\s/.test(l))) {
            firstLine = n;
            inList = inList || /^\s*-\s/.test(l);
            break;
          }
        }
        // One missing `- ` makes every key of the next list item a duplicate: report the first only.
        if (firstLine && [...reportedDuplicates].some((l) => l === firstLine - 1 || (l < pos.line && l > firstLine))) break;
        reportedDuplicates.add(pos.line);
        const where = firstLine ? `（1 回目は ${firstLine} 行目）` : '';
        const hint = inList ? '。一覧の別の項目なら、その最初の行の先頭に「- 」を付けてください' : YEAR_KEY.test(key) ? '。どちらか一方を消すか、年度を直してください' : '。どちらか一方を消してください';
        const path = linePath(all, pos.line);
        problems.push({ ...pos, message: duplicateMessage(key, where, hint), ...(path ? { path } : {}) });
        break;
      }
      case 'MISSING_CHAR': {
        if (/quote/i.test(first)) {
          const at = unclosedBefore(all, pos.line, /["']/, unbalancedQuotes) ?? pos;
          problems.push({ ...at, message: '引用符（" または \'）が閉じられていません。値の終わりにも同じ引用符を書いてください' });
        } else if (/^Flow (sequence|map)/.test(first)) {
          const at = unclosedBefore(all, pos.line, /[[{]/, unbalancedBrackets) ?? pos;
          problems.push({ ...at, message: '「[」や「{」が閉じられていません。一覧の終わりに「]」（「{」なら「}」）を書いてください' });
        } else if (/Missing , or : between|Missing , between/.test(first)) {
          problems.push({ ...pos, message: '「{…}」や「[…]」の中の書き方に誤りがあります。値と値の間は「,」で、年度と値の間は「: 」（コロンとスペース）で区切ってください' });
        } else {
          // `Implicit map keys need to be followed by map values`: a line that is neither `key: value` nor text.
          problems.push({ ...pos, message: '「項目: 値」の書き方に誤りがあります。項目名の後は半角の「: 」（コロンとスペース）で区切ってください' });
        }
        break;
      }
      case 'BAD_INDENT': {
        if (/^Flow (sequence|map)/.test(first)) {
          const at = unclosedBefore(all, pos.line, /[[{]/, unbalancedBrackets) ?? pos;
          problems.push({ ...at, message: '「[」や「{」が閉じられていません。一覧の終わりに「]」（「{」なら「}」）を書いてください' });
        } else {
          problems.push({ ...pos, message: '字下げがそろっていません。同じまとまりの項目は、同じ桁から書き始めてください' });
        }
        break;
      }
      case 'BLOCK_AS_IMPLICIT_KEY':
      case 'MULTILINE_IMPLICIT_KEY': {
        // `legalBasis: 条例: 第3条` — a colon and a space inside a sentence.
        if (/^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*: .*: /.test(line) || /^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*: .*:$/.test(line)) {
          problems.push({
            ...pos,
            message: '文章の中に半角の「: 」（コロンとスペース）があります。全角の「：」に直すか、文章全体を "…" で囲んでください',
          });
        } else {
          problems.push({ ...pos, message: '「項目: 値」の書き方に誤りがあります。項目名の後は半角の「: 」（コロンとスペース）で区切ってください' });
        }
        break;
      }
      case 'TAB_AS_INDENT':
        problems.push({ ...pos, message: '字下げにタブ文字が使われています。字下げは半角スペースで書いてください。' });
        break;
      default:
        problems.push({ ...pos, message: `YAML の書き方に誤りがあります（字下げや記号を確認してください。${error.code}）` });
    }
  }
  // One cause, one line: the same place is reported once.
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- constructs that parse without error but cut or change a sentence ---------------------------------------------
//
// YAML reads some everyday writing as syntax and the sheet still loads: the printed text is then shorter than, or
// different from, what was typed. These are found on the parsed document (with its source tokens), at the place where
// the file's schema says a text is expected, so a figure or a list is never second-guessed.
//
// The rule for `#`: after a plain (unquoted) value, YAML reads ` #` and all after it as a comment, which is not
// printed. Nothing tells a comment by intent from a sentence that goes on (`チャットツールの活 # 用を推進…`), so in a
// sentence field (a string that is not a list of choices, a date or a code of fixed form) any comment on the value's
// line is an error, with the fix: quote the text, or put the comment on a line of its own. Elsewhere:
//   - an empty value with a comment (`target: #市職員`, `target:   # 市職員`) in any text field: the `#` and all after
//     it were meant as the value, or the value was forgotten; either way the field is blank;
//   - a comment glued to what follows (`code: 01-020108-14 #1`, `score: #3`, `decision: #継続`) in a text field, or as
//     the whole of any value: a hashtag or a number sign, never a comment by intent.
// A comment on a line of its own, after a quoted value, after a flow collection (`budget: {…}  # 千円`), after a
// choice (`status: 継続 #前年度から`) or in a figure field is never an error.
//
// Also reported in text fields: a value that starts with an anchor (`&名前`, which drops the word) or a tag (`!名前`),
// an alias (`*名前`), a plain word YAML reads as something other than text: `true`/`false`, `null`/`~`, or a number
// (`101`, `0102010814` which also loses its leading 0, `1e3`); a `|` or `>` with no text under it (an empty value);
// and in sentence fields a tab next to a plain value (YAML drops it; a tab cannot be printed) and a line break that
// YAML turns into a half-width space next to Japanese text (`市役所の⏎業務` prints 「市役所の 業務」).
// `yes`/`no`/`on`/`off` are text in YAML 1.2. Marks that stop the parser (`@`, `%`, a backquote, `- `, `"…"の後`,
// `[…]の後`) are explained by `leadingMark`.

const STR_TAG = 'tag:yaml.org,2002:str';

interface Field {
  path: DataPath;
  node: SchemaNode;
  /** The key as written, for the examples in messages (`-` for a list's item). */
  key: string;
  /** Where the key ends in the text (the value, when absent, is looked for after it on the same line). */
  keyEnd: number;
  /** The file's schema, for the field's name. */
  root: SchemaNode;
}

const acceptsType = (node: SchemaNode, type: string): boolean => {
  const types = Array.isArray(node.type) ? (node.type as string[]) : node.type ? [node.type] : [];
  if (types.includes(type) || (type === 'integer' && types.includes('number'))) return true;
  return Array.isArray(node.enum) && node.enum.some((v) => (type === 'null' ? v === null : typeof v === type));
};
/** A field where text is written (not a list of choices such as 新規・継続). */
const isTextField = (node: SchemaNode): boolean => (Array.isArray(node.type) ? (node.type as string[]).includes('string') : node.type === 'string');

const sentenceFields = new WeakMap<SchemaNode, boolean>();
/**
 * A text field where any sentence may be written: not a date, not a code of a fixed form (`^[IVX]+-[0-9]+$`). Its
 * pattern, if any, lets a ` # ` through (`^[^\n\r]*$`, one line).
 */
export function isSentenceField(node: SchemaNode): boolean {
  let known = sentenceFields.get(node);
  if (known === undefined) {
    known = isTextField(node) && !node.enum && !node.format && (typeof node.pattern !== 'string' || new RegExp(node.pattern, 'u').test('文章 # 文章'));
    sentenceFields.set(node, known);
  }
  return known;
}

/** At most `n` characters of `s`, with "…" when cut. */
function shorten(s: string, n = 20): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, n).join('')}…` : s;
}

/** `key: "value"` as an example of the fix; a value holding `"` or `\` is shown in single quotes (which keep both). */
function quotedExample(key: string, value: string): string {
  const v = shorten(value);
  const sep = key === '-' ? ' ' : ': ';
  return /["\\]/.test(value) ? `${key}${sep}'${v.replace(/'/g, "''")}'` : `${key}${sep}"${v}"`;
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

const HOW_TO_KEEP_HASH = (example: string) => `「#」も文章に入れるには、値全体を "…" で囲むか（${example}）、全角の「＃」にしてください`;
const COMMENT_ON_ITS_OWN_LINE = 'コメントなら、値の後ろではなく別の行に書いてください';

/** A glued comment: `#` (or `##…`) followed directly by text, not by a space. */
const gluedComment = (comment: string) => /^#+[^\s#]/.test(comment);

/** Not ASCII: Japanese text, where a half-width space between two characters is a visible gap. */
const wide = (c: string | undefined) => c !== undefined && c.codePointAt(0)! > 0x7f;

/**
 * The first line break of a quoted or plain value (or of a `>` text) that YAML folds into a half-width space next to
 * Japanese text: the offset of the next line's first character, and the text around the space as printed.
 */
function foldedBreak(source: string, start: number, kind: 'plain' | 'double' | 'single' | 'folded'): { offset: number; around: string } | undefined {
  const rows = source.split('\n');
  let offset = start;
  const baseIndent = kind === 'folded' ? Math.min(...rows.filter((r) => r.trim() !== '').map((r) => /^ */.exec(r)![0].length)) : 0;
  for (let i = 0; i < rows.length - 1; i++) {
    const here = rows[i];
    const next = rows[i + 1];
    const nextOffset = offset + here.length + 1;
    offset = nextOffset;
    if (here.trim() === '' || next.trim() === '') continue; // a blank line is a line break, kept
    if (kind === 'double' && /(^|[^\\])(\\\\)*\\$/.test(here.trimEnd())) continue; // an escaped line break joins without a space
    // In a `>` text, a line indented deeper than the rest keeps its line breaks.
    if (kind === 'folded' && (/^ */.exec(here)![0].length > baseIndent || /^ */.exec(next)![0].length > baseIndent)) continue;
    const last = [...here.trimEnd()].at(-1);
    const first = [...next.trimStart()][0];
    if (wide(last) || wide(first)) {
      const quoted = kind === 'double' || kind === 'single';
      const tail = [...here.trim().replace(i === 0 && quoted ? /^["']/ : /^$/, '')];
      const head = [...next.trim().replace(i + 1 === rows.length - 1 && quoted ? /["']$/ : /^$/, '')];
      const around = `${tail.length > 8 ? '…' : ''}${tail.slice(-8).join('')} ${head.slice(0, 8).join('')}${head.length > 8 ? '…' : ''}`;
      return { offset: nextOffset + (next.length - next.trimStart().length), around };
    }
  }
  return undefined;
}

function checkScalar(text: string, field: Field, value: Scalar | Alias | null, toPos: ToPos): SyntaxProblem[] {
  const { node, key, keyEnd, path } = field;
  // Labels only for a problem found: every scalar of every sheet passes through here.
  const at = (offset: number, message: string): SyntaxProblem => ({ ...toPos(offset), message, path });
  const text_ = isTextField(node);
  const restOfKeyLine = text.slice(keyEnd, lineEnd(text, keyEnd));
  // After `key:` (or after the `-` of a list item).
  const afterKey = key === '-' ? /^\s*/ : /^\s*:/;

  if (isAlias(value)) {
    if (!text_) return [];
    const start = value.range?.[0] ?? keyEnd;
    const raw = text.slice(start, lineEnd(text, start)).trimEnd();
    return [
      at(
        start,
        `値の先頭の「*」は YAML のエイリアス（*名前）の印として読まれ、文章になりません。文章として書くには、値全体を "…" で囲むか（${quotedExample(key, raw)}）、全角の「＊」や「※」にしてください`,
      ),
    ];
  }

  // The value's own props: an anchor or a tag typed at its start.
  const props = new RegExp(`${afterKey.source}[ \\t]+((?:[&!][^\\s]*[ \\t]*)+)`).exec(restOfKeyLine);
  if (text_ && props && isScalar(value) && (value.anchor || (value.tag && value.tag !== STR_TAG))) {
    const start = keyEnd + restOfKeyLine.indexOf(props[1]);
    const raw = text.slice(start, lineEnd(text, start)).replace(/\s+#.*$/, '').trimEnd();
    const mark = props[1][0];
    const word = /^\S+/.exec(props[1])![0];
    const message =
      mark === '&'
        ? `値の先頭の「&」は YAML のアンカー（&名前）の印として読まれ、「${shorten(word)}」が文章から消えます。文章として書くには、値全体を "…" で囲むか（${quotedExample(key, raw)}）、全角の「＆」にしてください`
        : `値の先頭の「!」は YAML のタグ（!名前）の印として読まれ、「${shorten(word)}」が文章から消えます。文章として書くには、値全体を "…" で囲むか（${quotedExample(key, raw)}）、全角の「！」にしてください`;
    return [at(start, message)];
  }

  const empty = !value || (isScalar(value) && value.value === null && !value.srcToken);
  if (empty) {
    const hash = new RegExp(`${afterKey.source}[ \\t]+(#.*)$`).exec(restOfKeyLine);
    if (!hash || !(text_ || gluedComment(hash[1]))) return [];
    const start = keyEnd + restOfKeyLine.indexOf(hash[1]);
    const comment = hash[1].trimEnd();
    return [
      at(
        start,
        text_
          ? `値が空になっています: 「#」から後ろはコメントとして読まれます（「${shorten(comment)}」）。「#」が要らなければ消してください。${HOW_TO_KEEP_HASH(quotedExample(key, comment))}`
          : `値が空になっています: 「#」から後ろはコメントとして読まれます（「${shorten(comment)}」）。「#」を消してください`,
      ),
    ];
  }
  if (!isScalar(value) || !text_) return [];
  const token = value.srcToken;
  if (!token || !('source' in token)) return [];
  const problems: SyntaxProblem[] = [];
  const sentence = isSentenceField(node);

  if (token.type === 'scalar') {
    // What YAML made of an unquoted word: true, null, a number…
    const source = token.source;
    const resolved = value.value;
    const quote = `文字として書くには ${quotedExample(key, source)} のように " で囲んでください`;
    if (typeof resolved === 'boolean' && !acceptsType(node, 'boolean')) {
      problems.push(at(token.offset, `「${source}」は文章ではなく真偽値（true / false）として読まれます。${quote}`));
    } else if (resolved === null && !acceptsType(node, 'null')) {
      problems.push(at(token.offset, `「${source}」は空欄の意味に読まれます。${quote}（空欄にするなら "" と書きます）`));
    } else if (typeof resolved === 'number' && !acceptsType(node, 'number')) {
      const changed = Number.isFinite(resolved) && String(resolved) !== source ? `、${String(resolved)} になります${/^[+-]?0[0-9]/.test(source) ? '（先頭の 0 が消えます）' : ''}` : '';
      const pattern = typeof node.pattern === 'string' ? new RegExp(node.pattern) : undefined;
      const example = node.examples?.[0];
      const fix =
        pattern && !pattern.test(source) && example !== undefined
          ? `${labelsFor(path, field.root).at(-1) ?? key}は ${String(example)} のように書いてください`
          : quote;
      problems.push(at(token.offset, `「${source}」は数値として読まれ${changed || 'ます'}。${fix}`));
    }

    // A comment on the value's (last) line: the text after ` #` is not printed.
    const comment = token.end?.find((t) => t.type === 'comment');
    if (comment && 'source' in comment && (sentence || gluedComment(comment.source))) {
      // The example quotes the line the comment is on (from the value's start, on its first line).
      const from = Math.max(token.offset, lineStart(text, comment.offset));
      const lastLine = `${from > token.offset ? '…' : ''}${text.slice(from, lineEnd(text, comment.offset)).trim().replace(/[ \t]{2,}#/, ' #')}`;
      problems.push(
        at(
          comment.offset,
          `「#」から後ろはコメントとして読まれ、印刷されません（「${shorten(comment.source.trimEnd())}」が消えます）。${HOW_TO_KEEP_HASH(quotedExample(key, lastLine))}。${COMMENT_ON_ITS_OWN_LINE}`,
        ),
      );
    }

    if (sentence) {
      // A tab next to the value: YAML drops it, and a tab cannot be printed anyway.
      const before = text.slice(lineStart(text, token.offset), token.offset);
      const sep = /[ \t]*$/.exec(before)![0];
      const trailing = token.end?.find((t) => t.type === 'space' && 'source' in t && t.source.includes('\t'));
      const tabAt = sep.includes('\t') ? token.offset - sep.length + sep.indexOf('\t') : trailing && 'source' in trailing ? trailing.offset + trailing.source.indexOf('\t') : -1;
      if (tabAt >= 0) {
        problems.push(at(tabAt, 'タブ文字は印刷できません（値の前後のタブは読み取りで消えます）。タブを消すか、空白が要るなら全角スペースにしてください'));
      }
    }
  }

  if (token.type === 'block-scalar' && value.value === '') {
    const header = token.props.find((t) => t.type === 'block-scalar-header');
    const mark = header && 'source' in header ? header.source : '|';
    const offset = header?.offset ?? token.offset;
    problems.push(
      at(
        offset,
        `値が空になっています: 「${mark[0]}」は複数行の文章の印として読まれ、次の行から字下げして書いた文章が値になります（ここには何もありません）。「${mark}」という文字を書くなら ${quotedExample(key, mark)} のように " で囲んでください`,
      ),
    );
  }

  if (sentence) {
    const kind =
      token.type === 'scalar' ? 'plain' : token.type === 'double-quoted-scalar' ? 'double' : token.type === 'single-quoted-scalar' ? 'single' : value.type === 'BLOCK_FOLDED' ? 'folded' : undefined;
    // A `|` or `>` text starts on the line after its header.
    const header = token.type === 'block-scalar' ? token.props.at(-1) : undefined;
    const start = header && 'source' in header ? header.offset + header.source.length : token.offset;
    const fold = kind && token.source.includes('\n') ? foldedBreak(token.source, start, kind) : undefined;
    if (fold) {
      const literal = `${key === '-' ? '-' : `${key}:`} |`;
      problems.push(
        at(
          fold.offset,
          `${kind === 'folded' ? '「>」の文章の改行' : '行の終わりの改行'}は半角スペース 1 つとして読まれ、「${fold.around}」のように間が空いて印刷されます。1 行につなげて書くか、改行のまま印刷するには「${literal}」と書いて、次の行から字下げして文章を書いてください`,
        ),
      );
    }
  }

  return problems;
}

/** Every scalar field of a file, with its path and schema, checked for a silent change of its text. */
export function explainSilentChanges(text: string, doc: Document, toPos: ToPos, schema: SchemaNode): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  const keyOf = (scalar: Scalar) => (scalar.srcToken && 'source' in scalar.srcToken ? scalar.srcToken.source : String(scalar.value));
  const leaf = (node: SchemaNode | undefined) => node && node.type !== 'object' && node.type !== 'array';
  // Each node's schema found from its parent's, one step (not from the root for every scalar).
  const walk = (node: unknown, path: DataPath, nodeSchema: SchemaNode | undefined): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const step = String(pair.key.value);
        const childPath = [...path, step];
        const value = pair.value as unknown;
        const child = nodeSchema && schemaAt([step], nodeSchema);
        if (isMap(value) || isSeq(value)) walk(value, childPath, child);
        else if (child && leaf(child)) {
          const field = { path: childPath, node: child, key: keyOf(pair.key), keyEnd: pair.key.range?.[1] ?? 0, root: schema };
          problems.push(...checkScalar(text, field, (value as Scalar | Alias | null) ?? null, toPos));
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = nodeSchema && schemaAt([i], nodeSchema);
        if (isMap(item) || isSeq(item)) walk(item, [...path, i], child);
        else if ((isScalar(item) || isAlias(item)) && child && leaf(child) && item.range) {
          // A list's item (`- 文章`): its `-` stands where a key would.
          const dash = text.lastIndexOf('-', item.range[0]);
          // Only a block list's `- item` (with an anchor or a tag, perhaps): not an item of `[a, b]`.
          if (dash < 0 || !/^[ \t]+(?:[&!]\S*[ \t]+)*$/.test(text.slice(dash + 1, item.range[0]))) return;
          problems.push(...checkScalar(text, { path: [...path, i], node: child, key: '-', keyEnd: dash + 1, root: schema }, item as Scalar | Alias, toPos));
        }
      });
    }
  };
  walk(doc.contents, [], schema);
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
