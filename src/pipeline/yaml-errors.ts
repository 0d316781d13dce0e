// YAML syntax errors explained in Japanese, at the place a person has to fix.
// The yaml library reports where parsing failed; the cause is often earlier (an unclosed quote) or a habit
// of Japanese typing (a full-width colon or space), so each error is traced back to its likely cause.
import type { YAMLError } from 'yaml';

export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

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

export function explainYamlErrors(text: string, errors: YAMLError[], toPos: (offset: number) => { line: number; column: number }): SyntaxProblem[] {
  const all = lines(text);
  const found = habits(all);
  // A tab, a full-width space or a full-width colon makes the parser stumble on every line after it:
  // the habit is the one thing to fix.
  if (found.length > 0) return found;

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
