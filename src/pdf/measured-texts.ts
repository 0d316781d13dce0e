// Each text measured and laid out once. What pdfmake's TextInlines#buildInlines makes of a text (its inlines, their widths, the
// text's least and greatest width) depends only on the text and the style it is set in. The form prints the same
// labels on every sheet (some 270 of a sheet's 295 texts), and the fit stage measures a box's text before it is
// drawn, so the same measurement was made again and again. Here it is made once and copied after (the booklet's
// PDF is the same, byte for byte; the time saved is within the noise of measuring it).
// The lines the fit stage builds of a box's text are kept too, and the page that draws the box is given them
// (LaidOutLines, below). Installed in pdfmake by its adapter (pdf/pdfmake.ts); this file loads nothing of pdfmake's.
import { getProperties, type Stack } from './style-lookup';

// `font`, `bold` and `italics` only choose the font object (pdfmake's provideFont): the key holds that font instead,
// so that `bold: false` and no `bold` at all, which choose the same font, are the same measurement.
const FONT_PROPERTIES = ['font', 'bold', 'italics'] as const;
/**
 * Every other style property buildInlines reads, with TextBreaker#getBreaks (pdfmake 0.3.11, TextInlines.js and
 * TextBreaker.js): the stack's answer for each, with the text itself and its font, is the whole of its input.
 */
const MEASURED_PROPERTIES = [
  'alignment', 'fontSize', 'fontFeatures', 'characterSpacing', 'color', 'decoration',
  'decorationColor', 'decorationStyle', 'decorationThickness', 'background', 'link', 'linkToPage', 'linkToDestination',
  'noWrap', 'wordBreak', 'opacity', 'sup', 'sub', 'lineHeight', 'preserveLeadingSpaces', 'preserveTrailingSpaces',
  'leadingIndent',
] as const;

/** The keys a run of a text may have to be measured once (model/line-breaking.ts's InlineRun); others are not. */
const RUN_KEYS = new Set(['text', 'noWrap', 'breakAfter']);

/** Every property asked of the stack, in one list (answered in one walk of it): the font's three first. */
const PROPERTIES: readonly string[] = [...FONT_PROPERTIES, ...MEASURED_PROPERTIES];

export interface Measured {
  items: Record<string, unknown>[];
  minWidth: number;
  maxWidth: number;
}

/** Runs as a key, or undefined when they are not plain text runs (a nested text, a run with a style or a link). */
function runsKey(text: unknown[]): string | undefined {
  for (const run of text) {
    if (typeof run === 'string') continue;
    if (!run || typeof run !== 'object' || typeof (run as { text?: unknown }).text !== 'string') return undefined;
    for (const key in run) if (!RUN_KEYS.has(key)) return undefined;
  }
  return JSON.stringify(text);
}

/**
 * The style's part of a key: the font's id and each property's answer, told apart by type (a number, a string, an
 * object as JSON, nothing); undefined for an answer that has no such form (a function), which is never kept.
 */
function styleKey(fontId: number, values: unknown[]): string | undefined {
  let key = String(fontId);
  for (let k = FONT_PROPERTIES.length; k < values.length; k++) {
    const value = values[k];
    if (value === undefined) key += ',';
    else if (typeof value === 'number') key += `,${value}`;
    else if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') key += `,${JSON.stringify(value)}`;
    else return undefined;
  }
  return key;
}

/** A measurement kept, with the number that stands for it (what LaidOutLines finds a text's lines by). */
interface Kept {
  measured: Measured;
  id: number;
}

/** The measurements made, by fonts and style, then by text; emptied when large (a thousand sheets' own sentences). */
export class MeasuredTexts {
  /** By style key: the texts measured in it, plain strings and runs apart (a string is its own key). */
  private readonly kept = new Map<string, { strings: Map<string, Kept>; runs: Map<string, Kept> }>();
  private size = 0;
  private readonly fontIds = new WeakMap<object, number>();

  constructor(private readonly limit = 1500) {}

  /**
   * `build(text, stack)`'s answer: copied from the one made before for the same text, fonts and style, or built
   * now and kept. pdfmake writes into the inlines it lays out, so each answer gets inlines of its own.
   * `fontOf` gives the font object a family and face stand for in this document.
   */
  measure(text: unknown, stack: Stack, fontOf: (family: unknown, bold: unknown, italics: unknown) => object, build: () => Measured): Measured {
    const written = typeof text === 'string' ? text : Array.isArray(text) ? runsKey(text) : undefined;
    if (written === undefined) return build();
    const values = getProperties(stack, PROPERTIES);
    const font = fontOf(values[0] ?? 'Roboto', values[1] ?? false, values[2] ?? false);
    let fontId = this.fontIds.get(font);
    if (fontId === undefined) this.fontIds.set(font, (fontId = nextFontId++));
    const style = styleKey(fontId, values);
    if (style === undefined) return build();
    let texts = this.kept.get(style);
    if (!texts) this.kept.set(style, (texts = { strings: new Map(), runs: new Map() }));
    const byText = typeof text === 'string' ? texts.strings : texts.runs;
    const known = byText.get(written);
    if (known) return tagged(copy(known.measured), known.id);
    const made = build();
    if (this.size >= this.limit) {
      this.kept.clear();
      this.size = 0;
      this.kept.set(style, texts);
      texts.strings.clear();
      texts.runs.clear();
    }
    const id = nextMeasurement++;
    byText.set(written, { measured: copy(made), id });
    this.size++;
    return tagged(made, id);
  }
}

let nextFontId = 1;
// Never reused, so that lines kept for a measurement emptied away are never given to another.
let nextMeasurement = 1;

const copy = (m: Measured): Measured => ({ items: m.items.map((item) => ({ ...item })), minWidth: m.minWidth, maxWidth: m.maxWidth });

/** The inlines marked with the measurement they are (LaidOutLines finds a text's lines by it). */
function tagged(m: Measured, id: number): Measured {
  Object.defineProperty(m.items, MEASUREMENT, { value: id, enumerable: false });
  return m;
}

/** On the inlines MeasuredTexts hands out: the measurement they are a copy of (not seen by pdfmake's code). */
export const MEASUREMENT: unique symbol = Symbol('sheetbook measurement');

/** One line as pdfmake's LayoutBuilder#buildNextLine built it from a text's inlines. */
interface BuiltLine {
  /** How many inlines the text held before, and how many of them the line took (the last one cut, if `rest`). */
  before: number;
  taken: number;
  /** The line's inlines as it holds them. */
  inlines: Record<string, unknown>[];
  /** The rest of an inline cut where the line was full, put back in front of the text's inlines. */
  rest?: Record<string, unknown>;
}

/**
 * Lines laid out once: the lines the fit stage's measuring builds of a box's text, by the measurement and the width,
 * given again to the page that draws that text at that width, instead of being built again. A line is given only
 * while the text's inlines are exactly as they were when it was built; otherwise pdfmake builds it as always.
 */
export class LaidOutLines {
  /** By measurement and width: the lines of a whole layout of that text (null: built some way not followed here). */
  private readonly kept = new Map<string, BuiltLine[]>();
  /** By a text's inlines: its key and lines so far, while the fit stage lays it out (null: not kept). */
  private readonly recording = new WeakMap<object, { key: string; lines: BuiltLine[] } | null>();
  /** By a text's inlines: the kept lines being given to it, and which comes next (null: none kept for it). */
  private readonly replaying = new WeakMap<object, { lines: BuiltLine[]; width: number; next: number } | null>();

  constructor(private readonly limit = 2000) {}

  private static keyOf(inlines: unknown, width: number): string | undefined {
    const measurement = Array.isArray(inlines) ? (inlines as { [MEASUREMENT]?: number })[MEASUREMENT] : undefined;
    return measurement === undefined ? undefined : `${measurement}\u0000${width}`;
  }

  /** Build a text's next line with `build` and keep it (the fit stage's measuring). */
  record(node: { _inlines?: Record<string, unknown>[] }, width: number, build: () => any): any {
    const inlines = node._inlines;
    if (!inlines) return build();
    // The key is found once per text, not once per line (it holds the whole text).
    let state = this.recording.get(inlines);
    if (state === undefined) {
      const key = LaidOutLines.keyOf(inlines, width);
      this.recording.set(inlines, (state = key === undefined ? null : { key, lines: [] }));
    }
    if (state === null) return build();
    const { key, lines } = state;
    const before = inlines.length;
    const line = build();
    if (line) {
      // pdfmake takes inlines from the front; the last one taken may be cut, its rest put back in front.
      const taken = line.inlines.length;
      const cut = inlines.length === before - taken + 1;
      if (!cut && inlines.length !== before - taken) {
        this.recording.set(inlines, null);
        return line;
      }
      lines.push({ before, taken, inlines: line.inlines.map((i: Record<string, unknown>) => ({ ...i })), ...(cut ? { rest: { ...inlines[0] } } : {}) });
    }
    if (!line || inlines.length === 0) {
      this.recording.set(inlines, null);
      if (lines.length > 0 && !this.kept.has(key)) {
        if (this.kept.size >= this.limit) this.kept.clear();
        this.kept.set(key, lines);
      }
    }
    return line;
  }

  /**
   * A text's next line as the fit stage built it at this width (the page's layout), taking from the text's inlines
   * what building it takes; else `build()`'s line. `newLine` makes an empty line of the width available.
   */
  replay(node: { _inlines?: Record<string, unknown>[] }, width: number, newLine: () => any, build: () => any): any {
    const inlines = node._inlines;
    if (!inlines || inlines.length === 0) return build();
    let state = this.replaying.get(inlines);
    if (state === undefined) {
      // Looked up once per text: most texts have no kept lines, and the key holds the whole text.
      const key = LaidOutLines.keyOf(inlines, width);
      const lines = key === undefined ? undefined : this.kept.get(key);
      state = lines && lines[0].before === inlines.length ? { lines, width, next: 0 } : null;
      this.replaying.set(inlines, state);
    }
    if (state === null) return build();
    const built = state.lines[state.next];
    if (!built || built.before !== inlines.length || width !== state.width) {
      // Not where the kept layout is (pdfmake put lines back to lay them out again, or at another width): built as
      // always from here on.
      state.next = Infinity;
      return build();
    }
    state.next++;
    const line = newLine();
    for (const inline of built.inlines) line.addInline({ ...inline });
    inlines.splice(0, built.taken, ...(built.rest ? [{ ...built.rest }] : []));
    line.lastLineInParagraph = inlines.length === 0;
    return line;
  }
}
