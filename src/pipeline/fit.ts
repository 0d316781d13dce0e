// Stage 5 — fit: every box's text is set at the largest size (in steps, down to a floor) at which it fits the box.
// Nothing is clipped: text that cannot fit even at the floor is an error found before printing.
// A view goes in and a new, fitted view comes out; the view given is not changed.
import { inlineRuns, type InlineRun } from '../model/line-breaking';
import type { Severity } from '../model/types';
import type { SheetView, TextBox } from './derive';
import type { BoxPlaces } from './box-places';
import type { BoxSpec, LayoutSpec } from './layout';
import type { Measurer } from './measure';

export type { BoxSpec } from './layout';

/** A box's text as it will print: the text chosen (or its alternative), its size and spacing, and its runs. */
export interface FittedBox extends TextBox {
  fontSize: number;
  characterSpacing: number;
  /** The text as pdfmake sets it (see model/line-breaking.ts). */
  runs: InlineRun[];
}

export type FittedView = SheetView<FittedBox>;

export interface FitNote {
  severity: Severity;
  field: TextBox['field'];
  message: string;
}

function sizesFrom(standard: number, floor: number, step: number): number[] {
  const sizes: number[] = [];
  for (let s = standard; s >= floor - 1e-9; s = Math.round((s - step) * 100) / 100) sizes.push(s);
  return sizes;
}

/**
 * The widest stretch of a text that a line cannot end inside, at 1 pt: a run kept on one line (a figure with its
 * unit, a Latin word, a space with its neighbours) or a Latin run of any length (a URL breaks only after its
 * separators). Zero for text that may break between any two characters.
 */
function widestUnbreakable(text: string, measurer: Measurer): number {
  let widest = 0;
  for (const run of inlineRuns(text)) {
    if (typeof run === 'string' || !run.noWrap) continue;
    let w = 0;
    for (const ch of run.text) w += measurer.advance(ch);
    widest = Math.max(widest, w);
  }
  for (const m of text.matchAll(/[!-~]+/g)) {
    let w = 0;
    for (const ch of m[0]) w += measurer.advance(ch);
    widest = Math.max(widest, w);
  }
  return widest;
}

/**
 * Cheap upper bound of the lines a text needs: a full line loses less than its widest unbreakable stretch and two
 * characters to line-breaking rules (`unbreakable`, at 1 pt, from widestUnbreakable). Infinity when such a
 * stretch could be as wide as the line.
 */
function linesAtMost(text: string, width: number, size: number, measurer: Measurer, unbreakable: number): number {
  let lines = 0;
  for (const paragraph of text.split('\n')) {
    let w = 0;
    for (const ch of paragraph) w += measurer.advance(ch) * size;
    const usable = width - 2 * size - unbreakable * size;
    lines += usable <= 0 ? Infinity : Math.max(1, Math.ceil(w / usable));
  }
  return lines;
}

export class Fitter {
  private readonly specs: Record<string, BoxSpec>;

  constructor(
    private readonly layout: LayoutSpec,
    private readonly measurer: Measurer,
    /** Where each box prints (src/pipeline/box-places.ts): its text width. */
    readonly places: BoxPlaces,
  ) {
    this.specs = layout.boxes as unknown as Record<string, BoxSpec>;
  }

  /** Size every box of the view; report boxes that shrank (warnings) and boxes that cannot fit (errors). */
  fitView(view: SheetView): { view: FittedView; notes: FitNote[] } {
    const notes: FitNote[] = [];
    const visit = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(visit);
      if (!value || typeof value !== 'object') return value;
      if ('box' in value && 'text' in value) return this.fitBox(value as TextBox, notes);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v)]));
    };
    return { view: visit(view) as FittedView, notes };
  }

  private style(spec: BoxSpec, fontSize: number, characterSpacing = 0) {
    return { font: this.layout.font, fontSize, lineHeight: this.layout.lineHeight, bold: spec.bold, characterSpacing };
  }

  private fits(text: string, spec: BoxSpec, width: number, size: number, spacing = 0): boolean {
    if (spec.lines === 1) {
      // All of it within the width less two characters: one line, whatever the rules of breaking.
      if (spacing === 0 && !text.includes('\n') && linesAtMost(text, width, size, this.measurer, 0) === 1) return true;
      const measured = this.measurer.measure(text, width, this.style(spec, size, spacing));
      return measured.lines <= 1 && measured.width <= width + 1e-6;
    }
    const lineHeight = size * this.layout.lineHeight;
    if (linesAtMost(text, width, size, this.measurer, this.unbreakable(text)) * lineHeight <= spec.height! + 1e-6) return true;
    const measured = this.measurer.measure(text, width, this.style(spec, size, spacing));
    // A run that cannot break and is wider than the box would run past its edge: that does not fit either.
    return measured.height <= spec.height! + 1e-6 && measured.width <= width + 1e-6;
  }

  private lastUnbreakable: { text: string; width: number } | undefined;

  /** widestUnbreakable of a text, kept for the text being fitted (fits is asked about it at several sizes). */
  private unbreakable(text: string): number {
    if (this.lastUnbreakable?.text !== text) this.lastUnbreakable = { text, width: widestUnbreakable(text, this.measurer) };
    return this.lastUnbreakable.width;
  }

  /** One box at the largest size that fits it (a note when it shrank or cannot fit). */
  fitBox(box: TextBox, notes: FitNote[]): FittedBox {
    const spec = this.specs[box.box];
    if (!spec) throw new Error(`templates/layout.yaml に枠「${box.box}」の定義がありません`);
    const standard = spec.size ?? this.layout.fontSize.body;
    const floor = spec.floor ?? this.layout.fit.floor;
    const width = this.places.get(box.box)?.width;
    if (width === undefined) throw new Error(`枠「${box.box}」を印刷する欄がテンプレートにありません`);
    // Built field by field: spreading the box costs more than the rest of fitting an ordinary box.
    const fitted = (text: string, fontSize: number, characterSpacing: number): FittedBox => {
      // Its runs are worked out when first read (to lay the box out): checking a sheet never reads them.
      let runs: InlineRun[] | undefined;
      const made: FittedBox = {
        box: box.box,
        text,
        field: box.field,
        fontSize,
        characterSpacing,
        get runs() {
          return (runs ??= inlineRuns(text));
        },
      };
      if (box.alternative !== undefined) made.alternative = box.alternative;
      if (box.hint !== undefined) made.hint = box.hint;
      return made;
    };
    if (box.text === '' || this.fits(box.text, spec, width, standard)) return fitted(box.text, standard, 0);

    const sizes = sizesFrom(standard, floor, this.layout.fit.step);
    const condense = (size: number) => (spec.lines === 1 ? -Math.round(this.layout.fit.maxCondense * size * 100) / 100 : 0);
    const candidates = [box.text, ...(box.alternative ? [box.alternative] : [])];
    for (const text of candidates) {
      // A one-line cell first tightens its letter spacing at the standard size.
      if (spec.lines === 1 && this.fits(text, spec, width, standard, condense(standard))) {
        notes.push({ severity: 'warning', field: box.field, message: '文字が多いため、字間を詰めて印刷します' });
        return fitted(text, standard, this.tightestSpacing(text, spec, width, standard));
      }
      // Largest size that fits: sizes shrink in fixed steps, so search them by halves.
      if (!this.fits(text, spec, width, sizes[sizes.length - 1], condense(sizes[sizes.length - 1]))) continue;
      let lo = 0;
      let hi = sizes.length - 1; // sizes[hi] fits
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (this.fits(text, spec, width, sizes[mid], condense(sizes[mid]))) hi = mid;
        else lo = mid;
      }
      const size = this.fits(text, spec, width, sizes[lo], condense(sizes[lo])) ? sizes[lo] : sizes[hi];
      notes.push({ severity: 'warning', field: box.field, message: `文字が多いため、${size}pt に縮小して印刷します（標準 ${standard}pt）` });
      return fitted(text, size, condense(size));
    }
    const excess = this.excess(box.alternative ?? box.text, spec, width, floor, condense(floor));
    notes.push({ severity: 'error', field: box.field, message: `枠に収まりません（約${excess}文字超過）${box.hint ? `。${box.hint}` : ''}` });
    return fitted(box.text, floor, condense(floor));
  }

  /** The least tightening that keeps a one-line cell on one line. */
  private tightestSpacing(text: string, spec: BoxSpec, width: number, size: number): number {
    const max = this.layout.fit.maxCondense * size;
    for (let i = 1; i <= 6; i++) {
      const spacing = -Math.round((max * i) / 6 * 100) / 100;
      if (this.fits(text, spec, width, size, spacing)) return spacing;
    }
    return -Math.round(max * 100) / 100;
  }

  /** About how many characters must go for the text to fit at the floor. */
  private excess(text: string, spec: BoxSpec, width: number, size: number, spacing: number): number {
    const chars = [...text];
    let lo = 0;
    let hi = chars.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.fits(chars.slice(0, mid).join(''), spec, width, size, spacing)) lo = mid;
      else hi = mid;
    }
    return chars.length - lo;
  }
}
