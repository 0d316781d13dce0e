// The two printed pages beside the form, drawn by pdf.js (the pdfjs-dist dependency, copied into dist/web at build
// time) from the PDF the server makes of the unsaved values. One pdf.js worker is kept for the page's life; each new
// PDF is drawn into fresh canvases that replace the old ones only when complete, so the preview never flickers.

interface PdfViewport {
  width: number;
  height: number;
}
interface PdfPage {
  getViewport(options: { scale: number }): PdfViewport;
  render(options: { canvasContext: CanvasRenderingContext2D; viewport: PdfViewport }): { promise: Promise<void> };
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

/** Draws the PDF's pages into `pages` (a canvas each), at the width the pane has. */
export async function drawPdf(bytes: ArrayBuffer, pages: HTMLElement): Promise<void> {
  const { pdfjs: lib, worker } = await pdfjs();
  // No eval: the page's Content-Security-Policy allows none, and pdf.js draws glyphs without it.
  const doc = await lib.getDocument({ data: new Uint8Array(bytes), worker, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const width = Math.max(300, pages.clientWidth || 600);
    const ratio = window.devicePixelRatio || 1;
    // The pages are drawn together: the worker reads one while the other is painted.
    const canvases = await Promise.all(
      Array.from({ length: doc.numPages }, async (_, i) => {
        const page = await doc.getPage(i + 1);
        const scale = width / page.getViewport({ scale: 1 }).width;
        const viewport = page.getViewport({ scale: scale * ratio });
        const canvas = document.createElement('canvas');
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.className = 'preview-page';
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `印刷の見本 ${i + 1} ページ目`);
        await page.render({ canvasContext: canvas.getContext('2d')!, viewport }).promise;
        return canvas;
      }),
    );
    pages.replaceChildren(...canvases);
  } finally {
    void doc.destroy();
  }
}
