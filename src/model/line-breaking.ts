// Japanese line-breaking rules of the form, as text runs: which characters must stay on one line together, and
// where a run with no break of its own (a URL, a long code or word) may break. pdfmake breaks lines by UAX #14;
// these runs add the form's own rules on top. Kept apart from pdfmake, so that reading text back (sheetbook
// import) can undo them without loading a layout engine.

/**
 * Text as pdfmake sets it: plain runs, and runs that must not be broken across lines. `breakAfter`: a line may end
 * after this run even where UAX #14 would join it to the next (pipeline/measure.ts tells pdfmake so). No character
 * is ever added to make a break: what is drawn, and read back out of the PDF, is what was typed.
 */
export type InlineRun = string | { text: string; noWrap?: true; breakAfter?: true };

// A figure with its unit or sign (`583件`, `31,521円`, `62%`, `0.1%`) is one unit on the line, never split.
// UAX #14, which pdfmake follows, would allow a break between a number and an ideograph after it.
const FIGURE_WITH_UNIT = /[0-9０-９][0-9０-９,，.．]{0,14}[%％\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
// A run of Latin letters, digits and signs (a word, a code like 01-020108-14, a time like 8:30).
const LATIN_RUN = /[!-~]+/g;
// Up to this length such a run is never split. A longer one (a URL, a long code) could be wider than its box:
// it may break after a separator, and where it has none, pdfmake cuts it where the line is full.
const LATIN_WORD_MAX = 24;
const SEPARATOR = /[/.\-_?&=]/;
// What a line of Latin text may end with, without a space, inside a run: a separator above, or a sign after which
// UAX #14 itself allows a break (`!`, `|`, `}`). A space after any of these is kept with its neighbours, so that a
// line ending in one of them was broken inside a run.
const ENDS_INSIDE_RUN = /[/.\-_?&=!|}]/;
const SPACES = /[ \u3000]+/g;
const isLatin = (ch: string | undefined) => ch !== undefined && /^[!-~]$/.test(ch);

/**
 * Text split into runs pdfmake may break between, and runs it must keep on one line.
 * Besides figures and Latin words, every space is kept with its neighbours, except a single space between two
 * Latin words where the word before it is short (up to 24 characters) and ends in a letter or digit: so a line
 * never ends at a space that matters, and text read back out of the PDF (sheetbook import) joins its lines
 * exactly (joinWrappedLines) — with a space between Latin words, without one anywhere else, and without one
 * inside a long run.
 */
export function inlineRuns(text: string): InlineRun[] {
  const chars = [...text];
  if (chars.length < 2) return [text];
  // glued[i]: no break between chars[i - 1] and chars[i]; separated[i]: a break after a separator of a long run.
  const glued = new Array<boolean>(chars.length + 1).fill(false);
  let separated: boolean[] | undefined;
  // UTF-16 offset → code point index (an array: this runs for every text of every sheet).
  const indexOf = new Int32Array(text.length + 1);
  for (let i = 0, offset = 0; i < chars.length; offset += chars[i].length, i++) indexOf[offset] = i;
  indexOf[text.length] = chars.length;
  const glue = (from: number, to: number) => {
    for (let i = Math.max(1, from); i <= Math.min(to, chars.length - 1); i++) glued[i] = true;
  };
  for (const m of text.matchAll(FIGURE_WITH_UNIT)) glue(indexOf[m.index!] + 1, indexOf[m.index! + m[0].length] - 1);
  for (const m of text.matchAll(LATIN_RUN)) {
    const start = indexOf[m.index!];
    const end = indexOf[m.index! + m[0].length];
    if (end - start <= LATIN_WORD_MAX) {
      glue(start + 1, end - 1);
      continue;
    }
    // After a separator (or a row of them, as `//`), before the next character that is not one.
    separated ??= new Array<boolean>(chars.length + 1).fill(false);
    for (let i = start + 1; i < end; i++) separated[i] = SEPARATOR.test(chars[i - 1]) && !SEPARATOR.test(chars[i]);
  }
  for (const m of text.matchAll(SPACES)) {
    const start = indexOf[m.index!];
    const end = indexOf[m.index! + m[0].length];
    const breakable = m[0] === ' ' && isLatin(chars[start - 1]) && isLatin(chars[end]) && !ENDS_INSIDE_RUN.test(chars[start - 1]) && latinRunBefore(chars, start) <= LATIN_WORD_MAX;
    if (!breakable) glue(start, end);
  }
  const runs: InlineRun[] = [];
  let plain = '';
  let i = 0;
  while (i < chars.length) {
    let j = i + 1;
    while (j < chars.length && glued[j]) j++;
    // A glued run longer than this could be wider than its box: let it break where UAX #14 allows instead.
    if (j - i > 1 && j - i <= 30) {
      if (plain) runs.push(plain);
      plain = '';
      runs.push({ text: chars.slice(i, j).join(''), noWrap: true });
    } else plain += j - i === 1 ? chars[i] : chars.slice(i, j).join('');
    i = j;
    if (separated?.[i] && !glued[i]) {
      // The run before the break is told that a line may end after it.
      if (plain) runs.push({ text: plain, breakAfter: true });
      else Object.assign(runs[runs.length - 1] as object, { breakAfter: true });
      plain = '';
    }
  }
  if (plain || runs.length === 0) runs.push(plain);
  return runs;
}

/** How many Latin characters stand right before `end` (code point index). */
function latinRunBefore(chars: readonly string[], end: number): number {
  let n = 0;
  while (end - n > 0 && isLatin(chars[end - n - 1])) n++;
  return n;
}

/**
 * How text read back from a PDF joins across a line break (the inverse of the rules above): between two Latin
 * characters, a space — unless the line ends inside a run, as it does after a separator (`/`, `.`, `-`…) or after
 * more than 24 Latin characters in a row (a run cut where the line was full, in any box that holds more than 24).
 */
export function joinWrappedLines(before: string, after: string): string {
  if (!isLatin(before.at(-1)) || !isLatin(after[0])) return before + after;
  const insideRun = ENDS_INSIDE_RUN.test(before.at(-1)!) || latinRunBefore([...before.slice(-LATIN_WORD_MAX - 1)], Math.min(before.length, LATIN_WORD_MAX + 1)) > LATIN_WORD_MAX;
  return insideRun ? before + after : `${before} ${after}`;
}
