// Each text measured once: what pdfmake's TextInlines#buildInlines makes of a text (its inlines, their widths, the
// text's least and greatest width) depends only on the text and the style it is set in. The form prints the same
// labels on every sheet (some 270 of a sheet's 295 texts), and the fit stage measures a box's text before it is
// drawn, so the same measurement was made again and again. Here it is made once and copied after (about 1 ms of
// the 28 ms a sheet takes; the booklet's PDF is the same, byte for byte).
// Installed in pdfmake by its adapter (pdf/pdfmake.ts); this file loads nothing of pdfmake's.
import { getProperty, type Stack } from './style-lookup';

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

export interface Measured {
  items: Record<string, unknown>[];
  minWidth: number;
  maxWidth: number;
}

/** A text as a key, or undefined when it is not plain text and runs (a nested text, a run with a style or a link). */
function textKey(text: unknown): string | undefined {
  if (typeof text === 'string') return `s${text}`;
  if (!Array.isArray(text)) return undefined;
  for (const run of text) {
    if (typeof run === 'string') continue;
    if (!run || typeof run !== 'object' || typeof run.text !== 'string') return undefined;
    for (const key in run) if (!RUN_KEYS.has(key)) return undefined;
  }
  return `a${JSON.stringify(text)}`;
}

/** The measurements made, by text, fonts and style; emptied when large (a thousand sheets' own sentences). */
export class MeasuredTexts {
  private readonly kept = new Map<string, Measured>();
  private readonly fontIds = new WeakMap<object, number>();

  constructor(private readonly limit = 4000) {}

  /**
   * `build(text, stack)`'s answer: copied from the one made before for the same text, fonts and style, or built
   * now and kept. pdfmake writes into the inlines it lays out, so each answer gets inlines of its own.
   * `fontOf` gives the font object a family and face stand for in this document.
   */
  measure(text: unknown, stack: Stack, fontOf: (family: unknown, bold: unknown, italics: unknown) => object, build: () => Measured): Measured {
    const written = textKey(text);
    if (written === undefined) return build();
    const [family, bold, italics] = FONT_PROPERTIES.map((p) => getProperty(stack, p));
    const font = fontOf(family ?? 'Roboto', bold ?? false, italics ?? false);
    const values = MEASURED_PROPERTIES.map((p) => getProperty(stack, p));
    let id = this.fontIds.get(font);
    if (id === undefined) this.fontIds.set(font, (id = nextFontId++));
    const key = `${id}\u0000${JSON.stringify(values)}\u0000${written}`;
    const known = this.kept.get(key);
    if (known) return copy(known);
    const made = build();
    if (this.kept.size >= this.limit) this.kept.clear();
    this.kept.set(key, copy(made));
    return made;
  }
}

let nextFontId = 1;

const copy = (m: Measured): Measured => ({ items: m.items.map((item) => ({ ...item })), minWidth: m.minWidth, maxWidth: m.maxWidth });
