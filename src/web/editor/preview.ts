// The two printed pages beside the form, drawn by pdf.js (the pdfjs-dist dependency, copied into dist/web at build
// time) from the PDF the server makes of the unsaved values. One pdf.js worker is kept for the page's life; each new
// PDF is drawn into fresh canvases that replace the old ones only when complete, so the preview never flickers.
// Drawing a page costs about as much as reading the PDF's embedded font (each new PDF has its own subset), so only
// the pages whose look changed are drawn (the server sends a hash of each), the page in view first and shown at
// once, the other when typing pauses; a newer PDF stops the drawing of an older one.
import type { Preview } from '../api';

interface PdfViewport {
  width: number;
  height: number;
}
interface PdfPage {
  getViewport(options: { scale: number }): PdfViewport;
  render(options: { canvasContext: CanvasRenderingContext2D; viewport: PdfViewport }): { promise: Promise<void>; cancel(): void };
}
interface PdfDocument {
  numPages: number;
  getPage(n: number): Promise<PdfPage>;
  destroy(): Promise<void>;
}
interface PdfJs {
  GlobalWorkerOptions: { workerSrc: string };
  PDFWorker: new (options?: { name?: string }) => unknown;
  getDocument(options: { data: Uint8Array; worker?: unknown; isEvalSupported?: boolean; verbosity?: number }): { promise: Promise<PdfDocument> };
}

let library: Promise<{ pdfjs: PdfJs; worker: unknown }> | undefined;

function pdfjs(): Promise<{ pdfjs: PdfJs; worker: unknown }> {
  library ??= (import(/* @vite-ignore */ './pdf.min.mjs' as string) as Promise<PdfJs>).then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = new URL('./pdf.worker.min.mjs', import.meta.url).href;
    return { pdfjs: lib, worker: new lib.PDFWorker({ name: 'sheetbook-preview' }) };
  });
  return library;
}

/** The latest drawing; an older one stops at its next page. */
let drawing = 0;
/** The pages being painted: a newer drawing cancels them. */
const underWay = new Set<{ cancel(): void }>();

/**
 * How long typing must pause before the pages out of view are drawn: drawing them while the person types would
 * hold up the findings of the next keystroke (the page's own thread paints them).
 */
const OUT_OF_VIEW_DELAY_MS = 250;
let outOfView: { stop(): void } | undefined;
const stopOutOfView = () => {
  outOfView?.stop();
  outOfView = undefined;
};
// Typing again: the pages out of view wait for the next pause (and the next PDF).
document.addEventListener('input', stopOutOfView, true);

/** True when some of `node` is inside the window and inside every scrolled box around it. */
function inView(node: Element): boolean {
  const rect = node.getBoundingClientRect();
  let top = Math.max(rect.top, 0);
  let bottom = Math.min(rect.bottom, window.innerHeight);
  for (let box = node.parentElement; box && bottom > top; box = box.parentElement) {
    const overflow = getComputedStyle(box).overflowY;
    if (overflow !== 'auto' && overflow !== 'scroll' && overflow !== 'hidden') continue;
    const clip = box.getBoundingClientRect();
    top = Math.max(top, clip.top);
    bottom = Math.min(bottom, clip.bottom);
  }
  return rect.height > 0 && bottom > top;
}

/**
 * The pages `indexes` of a PDF drawn at `width`, the worker reading one while another is painted; undefined for a
 * page whose drawing was stopped (`live` turned false). The document is let go at once: keeping it open would leave
 * its clean-up to a later moment, maybe the next keystroke.
 */
async function drawn(bytes: ArrayBuffer, indexes: number[] | 'all', width: number, live: () => boolean, own?: Set<{ cancel(): void }>): Promise<{ count: number; canvases: (HTMLCanvasElement | undefined)[] }> {
  const { pdfjs: lib, worker } = await pdfjs();
  // No eval: the page's Content-Security-Policy allows none, and pdf.js draws glyphs without it.
  const doc = await lib.getDocument({ data: new Uint8Array(bytes.slice(0)), worker, isEvalSupported: false, verbosity: 0 }).promise;
  const ratio = window.devicePixelRatio || 1;
  const draw = async (i: number): Promise<HTMLCanvasElement | undefined> => {
    if (!live()) return undefined;
    const page = await doc.getPage(i + 1);
    const scale = width / page.getViewport({ scale: 1 }).width;
    const viewport = page.getViewport({ scale: scale * ratio });
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.className = 'preview-page';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `印刷の見本 ${i + 1} ページ目`);
    const task = page.render({ canvasContext: canvas.getContext('2d')!, viewport });
    underWay.add(task);
    own?.add(task);
    try {
      await task.promise;
    } catch (error) {
      if (!live()) return undefined; // cancelled: a newer PDF, or typing, came first
      throw error;
    } finally {
      underWay.delete(task);
      own?.delete(task);
    }
    return live() ? canvas : undefined;
  };
  try {
    const wanted = indexes === 'all' ? Array.from({ length: doc.numPages }, (_, i) => i) : indexes;
    return { count: doc.numPages, canvases: await Promise.all(wanted.map(draw)) };
  } finally {
    void doc.destroy();
  }
}

/**
 * Draws the preview's pages into `pages` (a canvas each), at the width the pane has: only the pages whose look
 * changed (the server's hash of each page). Resolves once the changed pages in view are shown (every page the first
 * time, or when the number of pages changed); the others follow when typing pauses, each swapped in when drawn,
 * unless a newer PDF or a keystroke comes first.
 */
export async function drawPdf(preview: Preview, pages: HTMLElement): Promise<void> {
  const { bytes, pageHashes } = preview;
  const mine = ++drawing;
  stopOutOfView();
  for (const task of underWay) task.cancel();
  const width = Math.max(300, pages.clientWidth || 600);
  const current = () => mine === drawing;
  const shown = [...pages.children] as HTMLElement[];
  const marked = (canvases: (HTMLCanvasElement | undefined)[], indexes: number[]) =>
    canvases.map((canvas, k) => {
      if (canvas) Object.assign(canvas.dataset, { look: pageHashes[indexes[k]] ?? '', width: String(width) });
      return canvas;
    });
  if (shown.length === 0 || shown.length !== pageHashes.length) {
    // The first drawing (or another number of pages): every page, swapped in at once.
    const { count, canvases } = await drawn(bytes, 'all', width, current);
    const all = marked(canvases, Array.from({ length: count }, (_, i) => i));
    if (current() && all.every((c) => c)) pages.replaceChildren(...(all as HTMLCanvasElement[]));
    return;
  }
  // A page that looks as it did (or a hash not given) is left; a pane of another width redraws them all.
  const changed = shown.map((_, i) => i).filter((i) => !pageHashes[i] || shown[i].dataset.look !== pageHashes[i] || shown[i].dataset.width !== String(width));
  const first = changed.filter((i) => inView(shown[i]));
  const rest = changed.filter((i) => !first.includes(i));
  if (first.length > 0) {
    const canvases = marked((await drawn(bytes, first, width, current)).canvases, first);
    if (!current()) return;
    first.forEach((i, k) => canvases[k] && pages.replaceChild(canvases[k]!, pages.children[i]));
  }
  if (rest.length === 0) return;
  let stopped = false;
  const live = () => current() && !stopped;
  const own = new Set<{ cancel(): void }>();
  const timer = window.setTimeout(async () => {
    try {
      const later = marked((await drawn(bytes, rest, width, live, own)).canvases, rest);
      rest.forEach((i, k) => live() && later[k] && pages.replaceChild(later[k]!, pages.children[i]));
    } catch {
      // a page left as it was; the next preview draws it again
    }
  }, OUT_OF_VIEW_DELAY_MS);
  outOfView = {
    stop: () => {
      stopped = true;
      window.clearTimeout(timer);
      for (const task of own) task.cancel();
    },
  };
}
