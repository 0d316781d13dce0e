// YAML syntax errors explained in Japanese, at the place a person has to fix.
// The yaml library reports where parsing failed; the cause is often earlier (an unclosed quote) or a habit
// of Japanese typing (a full-width colon or space), so each error is traced back to its likely cause.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Alias, type Document, type Scalar, type YAMLError } from 'yaml';
import { labelsFor, schemaAt, type SchemaNode } from '../model/schema';
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
function habits(all: string[]): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  for (let n = 1; n < all.length; n++) {
    const line = all[n];
    if (/^\s*#/.test(line)) continue;
    const lead = /^[ \t\u3000]*/.exec(line)![0];
    if (lead.includes('\t') && line.trim() !== '') {
      problems.push({ line: n, column: lead.indexOf('\t') + 1, message: '字下げにタブ文字が使われています。字下げは半角スペースで書いてください。' });
    } else if (lead.includes('\u3000') && line.trim() !== '') {
      problems.push({ line: n, column: lead.indexOf('\u3000') + 1, message: '字下げに全角スペースが使われています。字下げは半角スペースで書いてください。' });
    } else if (/[{]/.test(line) && /:\s*-?[0-9]{1,3}(,[0-9]{3})+(?=\s*[,}]|円|\s*$)/.test(line)) {
      // `{2022: 7,575}`: in a flow mapping the comma splits the figure; report each such figure.
      for (const m of line.matchAll(/:\s*(-?[0-9]{1,3})(,[0-9]{3})+(?=\s*[,}]|円|\s*$)/g)) {
        problems.push({
          line: n,
          column: m.index! + m[0].indexOf(m[1]) + 1,
          message: `数値に桁区切りのカンマ「,」は書けません（${m[0].replace(/^:\s*/, '')}）。カンマを付けずに ${m[0].replace(/^:\s*/, '').replace(/,/g, '')} と書いてください`,
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

/** The line and column of the quote or bracket that was opened before `line` and never closed. */
function unclosedBefore(all: string[], line: number, open: RegExp, counts: (l: string) => number): { line: number; column: number } | undefined {
  for (let n = Math.min(line, all.length - 1); n >= 1; n--) {
    const text = all[n].replace(/\s#.*$/, '');
    if (counts(text) > 0) {
      const match = open.exec(text);
      if (match) return { line: n, column: match.index + 1 };
    }
  }
  return undefined;
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

/** The first parser error that a leading mark or a slipped indent explains, with the edit that would set it right. */
function firstRepair(all: string[], errors: YAMLError[], toPos: ToPos): Repair | undefined {
  const slips = indentSlips(all);
  for (const error of errors) {
    const pos = toPos(error.pos[0]);
    const mark = leadingMark(all[pos.line] ?? '', pos.column, error.code);
    if (mark) {
      const from = mark.column - 1;
      return { problem: { line: pos.line, column: mark.column, message: mark.message }, line: pos.line, from, to: from + mark.length, replacement: '"…"' };
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

export function explainYamlErrors(text: string, errors: YAMLError[], toPos: ToPos, depth = 0): SyntaxProblem[] {
  const all = lines(text);
  const found = habits(all);
  // A tab, a full-width space or a full-width colon makes the parser stumble on every line after it:
  // the habit is the one thing to fix.
  if (found.length > 0) return found;

  // A value that starts with a YAML mark, or a line whose indent slipped, is one mistake that leaves the parser lost
  // for the rest of its block. It is reported alone, and the text with that one line set right is parsed again for
  // whatever else is wrong.
  // (A repair is kept only when the parser is happier for it: with no errors, there is nothing to repair.)
  if (depth < MAX_REPAIRS && errors.length > 0) {
    const repair = firstRepair(all, errors, toPos);
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
        const rest = explainYamlErrors(patched, reparsed.errors, patchedPos, depth + 1).filter((p) => p.line !== repair.line);
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
        // `{2022: 7,575, 2023: 7,575}`: YAML splits figures at their commas, and the pieces collide.
        const before = line.slice(0, pos.column - 1);
        if (/[0-9],\s*$/.test(before)) {
          problems.push({ ...pos, message: '数値に桁区切りのカンマ「,」は書けません（カンマで値が区切られています）。カンマを付けずに書いてください（例: 7575）' });
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
        const hint = inList ? '。一覧の別の項目なら、その最初の行の先頭に「- 」を付けてください' : '。どちらか一方を消してください';
        problems.push({ ...pos, message: `同じ項目名（${key}）が 2 回書かれています${where}${hint}` });
        break;
      }
      case 'MISSING_CHAR': {
        if (/quote/i.test(first)) {
          const at = unclosedBefore(all, pos.line, /["']/, unbalancedQuotes) ?? pos;
          problems.push({ ...at, message: '引用符（" または \'）が閉じられていません。値の終わりにも同じ引用符を書いてください' });
        } else {
          const at = unclosedBefore(all, pos.line, /[[{]/, unbalancedBrackets) ?? pos;
          problems.push({ ...at, message: '「[」や「{」が閉じられていません。一覧の終わりに「]」（「{」なら「}」）を書いてください' });
        }
        break;
      }
      case 'BAD_INDENT': {
        if (/Flow (sequence|mapping)/.test(first)) {
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
// the fields' schema says a text is expected, so a figure or a list is never second-guessed.
//
// The rule for `#`: in a text field (a field whose schema type is string, not a list of choices), a comment on the
// same line as the value is an error when
//   - the value is empty (`target: #市職員`, `target:   # 市職員`): the `#` and all after it were meant as the value,
//     or the value was forgotten; either way the field is blank, or
//   - the value is a plain (unquoted) scalar and the `#` is glued to what follows (`… サービス #DX推進 、…`): a hashtag,
//     a number sign or a sentence that goes on; a comment by intent is written `# ` with a space, as the sheets'
//     templates do (`name: ""  # 事務事業名`), and stays allowed (`title: …を # 原本で途中までしか読めない項目`).
// A comment on a line of its own, after a quoted value, after a flow collection (`budget: {…}  # 千円`) or in a figure
// field is never an error. In any other field an empty value is reported only for the glued form (`score: #3`,
// `decision: #継続`), which cannot be a comment by intent.
//
// Also reported in text fields: a value that starts with an anchor (`&名前`, which drops the word) or a tag (`!名前`),
// an alias (`*名前`), and a plain word YAML reads as something other than text: `true`/`false`, `null`/`~`, or a
// number (`101`, `0102010814` which also loses its leading 0, `1e3`). `yes`/`no`/`on`/`off` are text in YAML 1.2.
// Marks that stop the parser (`@`, `%`, a backquote, `- `, `"…"の後`, `[…]の後`) are explained by `leadingMark`.

const STR_TAG = 'tag:yaml.org,2002:str';

interface Field {
  path: DataPath;
  node: SchemaNode;
  /** The key as written, for the examples in messages. */
  key: string;
  /** Where the key ends in the text (the value, when absent, is looked for after it on the same line). */
  keyEnd: number;
}

const acceptsType = (node: SchemaNode, type: string): boolean => {
  const types = Array.isArray(node.type) ? (node.type as string[]) : node.type ? [node.type] : [];
  if (types.includes(type) || (type === 'integer' && types.includes('number'))) return true;
  return Array.isArray(node.enum) && node.enum.some((v) => (type === 'null' ? v === null : typeof v === type));
};
/** A field where any sentence may be written (not a list of choices such as 新規・継続). */
const isTextField = (node: SchemaNode): boolean => (Array.isArray(node.type) ? (node.type as string[]).includes('string') : node.type === 'string');

/** At most `n` characters of `s`, with "…" when cut. */
function shorten(s: string, n = 20): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, n).join('')}…` : s;
}

/** `key: "value"` as an example of the fix; a value holding `"` is shown in single quotes. */
function quotedExample(key: string, value: string): string {
  const v = shorten(value);
  return value.includes('"') ? `${key}: '${v.replace(/'/g, "''")}'` : `${key}: "${v}"`;
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end;
}

const HOW_TO_KEEP_HASH = (example: string) => `「#」も文章に入れるには、値全体を "…" で囲むか（${example}）、全角の「＃」にしてください`;

/** A glued comment: `#` (or `##…`) followed directly by text, not by a space. */
const gluedComment = (comment: string) => /^#+[^\s#]/.test(comment);

function checkScalar(text: string, field: Field, value: Scalar | Alias | null, toPos: ToPos): SyntaxProblem[] {
  const { node, key, keyEnd, path } = field;
  // Labels only for a problem found: every scalar of every sheet passes through here.
  const at = (offset: number, message: string): SyntaxProblem => ({ ...toPos(offset), message, labels: labelsFor(path), path });
  const text_ = isTextField(node);
  const restOfKeyLine = text.slice(keyEnd, lineEnd(text, keyEnd));

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
  const props = /^\s*:[ \t]+((?:[&!][^\s]*[ \t]*)+)/.exec(restOfKeyLine);
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
    const hash = /^\s*:[ \t]+(#.*)$/.exec(restOfKeyLine);
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
          ? `${labelsFor(path).at(-1) ?? key}は ${String(example)} のように書いてください`
          : quote;
      problems.push(at(token.offset, `「${source}」は数値として読まれ${changed || 'ます'}。${fix}`));
    }

    // A comment on the value's line that is glued to the text after it.
    const comment = token.end?.find((t) => t.type === 'comment');
    if (comment && 'source' in comment && gluedComment(comment.source)) {
      const raw = text.slice(token.offset, lineEnd(text, comment.offset)).trimEnd();
      const lastLine = raw.slice(raw.lastIndexOf('\n') + 1).trim();
      problems.push(
        at(
          comment.offset,
          `「#」から後ろはコメントとして読まれ、印刷されません（「${shorten(comment.source.trimEnd())}」が消えます）。${HOW_TO_KEEP_HASH(quotedExample(key, lastLine))}`,
        ),
      );
    }
  }

  return problems;
}

/** Every scalar field of the sheet, with its path and schema, checked for a silent change of its text. */
export function explainSilentChanges(text: string, doc: Document, toPos: ToPos): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  // Each node's schema found from its parent's, one step (not from the root for every scalar).
  const walk = (node: unknown, path: DataPath, nodeSchema: SchemaNode | undefined): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const step = String(pair.key.value);
        const childPath = [...path, step];
        const value = pair.value as unknown;
        const schema = nodeSchema && schemaAt([step], nodeSchema);
        if (isMap(value) || isSeq(value)) walk(value, childPath, schema);
        else if (schema && schema.type !== 'object' && schema.type !== 'array') {
          const key = pair.key.srcToken && 'source' in pair.key.srcToken ? pair.key.srcToken.source : String(pair.key.value);
          const field = { path: childPath, node: schema, key, keyEnd: pair.key.range?.[1] ?? 0 };
          problems.push(...checkScalar(text, field, (value as Scalar | Alias | null) ?? null, toPos));
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (isMap(item) || isSeq(item)) walk(item, [...path, i], nodeSchema && schemaAt([i], nodeSchema));
      });
    }
  };
  walk(doc.contents, [], schemaAt([]));
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
