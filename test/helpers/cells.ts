// Where text lies on a page, against the cells the page draws: for checking that nothing prints outside its box.
// The cells are found from the rulings the page strokes (read from its content streams with src/interchange/pdf-objects.ts, so
// independently of the layout code), the text from pdf.js (each run of glyphs with its transform and width),
// grouped by the marked-content sequence (MCID) it is drawn in: one table cell's text is one sequence.
import { operators, PdfObjects } from '../../src/interchange/pdf-objects';

/** A stroked ruling, axis-aligned, in PDF user space (y up). */
export interface Ruling {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A run of glyphs as pdf.js reports it: its text, baseline origin, advance width and font size (user space). */
export interface GlyphRun {
  str: string;
  x: number;
  y: number;
  width: number;
  size: number;
  /** A line ends after this run (pdf.js `hasEOL`). */
  eol: boolean;
}

/** The text of one marked-content sequence, in drawing order. */
export interface TextSequence {
  id: string;
  tag: string;
  runs: GlyphRun[];
}

export interface Rect {
  left: number;
  right: number;
  bottom: number;
  top: number;
}

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];
const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/** Every axis-aligned line segment each page strokes (m/l/h paths ended by S or s; line width > 0). */
export function rulings(bytes: Buffer): Ruling[][] {
  const pdf = new PdfObjects(bytes, { exact: true });
  return pdf.pages().map(({ dict }) => {
    const out: Ruling[] = [];
    let ctm: Matrix = [1, 0, 0, 1, 0, 0];
    const stack: { ctm: Matrix; width: number }[] = [];
    let width = 1;
    let path: [number, number][][] = [];
    for (const { op, args } of operators(pdf.content(dict))) {
      const n = args as number[];
      if (op === 'q') stack.push({ ctm, width });
      else if (op === 'Q') ({ ctm, width } = stack.pop()!);
      else if (op === 'cm') ctm = multiply(n as unknown as Matrix, ctm);
      else if (op === 'w') width = n[0];
      else if (op === 'm') path.push([apply(ctm, n[0], n[1])]);
      else if (op === 'l') path.at(-1)?.push(apply(ctm, n[0], n[1]));
      else if (op === 'h') path.at(-1)?.push(path.at(-1)![0]);
      else if (op === 're') {
        const [x, y, w, h] = n;
        path.push([apply(ctm, x, y), apply(ctm, x + w, y), apply(ctm, x + w, y + h), apply(ctm, x, y + h), apply(ctm, x, y)]);
      } else if (['S', 's', 'f', 'F', 'f*', 'n', 'B', 'B*', 'b', 'b*'].includes(op)) {
        // Only strokes are rulings: a filled rectangle is a label's shading.
        if ((op === 'S' || op === 's') && width > 0) {
          for (const points of path) {
            for (let i = 1; i < points.length; i++) {
              const [x1, y1] = points[i - 1];
              const [x2, y2] = points[i];
              if (Math.abs(x1 - x2) < 1e-6 || Math.abs(y1 - y2) < 1e-6) {
                out.push({ x1: Math.min(x1, x2), y1: Math.min(y1, y2), x2: Math.max(x1, x2), y2: Math.max(y1, y2) });
              }
            }
          }
        }
        path = [];
      }
    }
    return out;
  });
}

/** The text of every page, as pdf.js reads it, grouped by the marked-content sequence it is drawn in. */
export async function textSequences(bytes: Buffer): Promise<{ width: number; height: number; sequences: TextSequence[] }[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: pdfjs.VerbosityLevel.ERRORS }).promise;
  const pages: { width: number; height: number; sequences: TextSequence[] }[] = [];
  try {
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const [, , width, height] = page.view;
      const content = await page.getTextContent({ includeMarkedContent: true });
      const open: { id: string; tag: string }[] = [];
      const byId = new Map<string, TextSequence>();
      for (const item of content.items as any[]) {
        if (item.type === 'beginMarkedContentProps' || item.type === 'beginMarkedContent') open.push({ id: item.id ?? '', tag: item.tag ?? '' });
        else if (item.type === 'endMarkedContent') open.pop();
        else if (typeof item.str === 'string') {
          const owner = [...open].reverse().find((o) => o.id);
          if (!owner) continue;
          let sequence = byId.get(owner.id);
          if (!sequence) byId.set(owner.id, (sequence = { id: owner.id, tag: owner.tag, runs: [] }));
          const [a, b, , , e, f] = item.transform as number[];
          if (item.str === '' && !item.hasEOL) continue;
          sequence.runs.push({ str: item.str, x: e, y: f, width: item.width, size: Math.hypot(a, b), eol: !!item.hasEOL });
        }
      }
      pages.push({ width, height, sequences: [...byId.values()] });
    }
  } finally {
    await doc.destroy();
  }
  return pages;
}

// A glyph's box around its baseline, as a share of the font size (BIZ UDPGothic's em box: 0.88 above, 0.12 below).
const ASCENT = 0.88;
const DESCENT = 0.12;

/** The cell around a point: the nearest rulings to its left, right, above and below that pass it. */
export function cellAround(lines: Ruling[], x: number, y: number): Rect | undefined {
  const eps = 1e-6;
  let left = -Infinity;
  let right = Infinity;
  let bottom = -Infinity;
  let top = Infinity;
  for (const r of lines) {
    if (r.x1 === r.x2 && r.y1 - eps <= y && y <= r.y2 + eps) {
      if (r.x1 <= x) left = Math.max(left, r.x1);
      else right = Math.min(right, r.x1);
    } else if (r.y1 === r.y2 && r.x1 - eps <= x && x <= r.x2 + eps) {
      if (r.y1 <= y) bottom = Math.max(bottom, r.y1);
      else top = Math.min(top, r.y1);
    }
  }
  return [left, right, bottom, top].every(Number.isFinite) ? { left, right, bottom, top } : undefined;
}

/** The box of a run's glyphs: from its origin to its advance, from below the baseline to above it. */
export function runBox(run: GlyphRun): Rect {
  return { left: run.x, right: run.x + run.width, bottom: run.y - DESCENT * run.size, top: run.y + ASCENT * run.size };
}

export interface Escape {
  page: number;
  text: string;
  run: string;
  cell: Rect | 'page';
  box: Rect;
}

/**
 * Every run of glyphs that lies outside the cell its text starts in (or outside the page, for text in no cell).
 * A sequence's cell is the one around its first glyph: text starts inside its cell, where its padding puts it.
 * Rulings are drawn centred on the cell's edge, so a glyph touching the line's centre is already out.
 */
export async function glyphsOutsideCells(bytes: Buffer): Promise<Escape[]> {
  const lines = rulings(bytes);
  const pages = await textSequences(bytes);
  const escapes: Escape[] = [];
  pages.forEach((page, p) => {
    for (const sequence of page.sequences) {
      const runs = sequence.runs.filter((r) => r.str.trim() !== '');
      if (runs.length === 0) continue;
      const first = runs[0];
      const cell = cellAround(lines[p], first.x + Math.min(1, first.width / 2), first.y + 0.3 * first.size);
      const bound: Rect = cell ?? { left: 0, right: page.width, bottom: 0, top: page.height };
      const text = runs.map((r) => r.str).join('');
      for (const run of runs) {
        const box = runBox(run);
        const tolerance = 0.01;
        if (box.left < bound.left - tolerance || box.right > bound.right + tolerance || box.bottom < bound.bottom - tolerance || box.top > bound.top + tolerance) {
          escapes.push({ page: p + 1, text, run: run.str, cell: cell ?? 'page', box });
        }
      }
    }
  });
  return escapes;
}
