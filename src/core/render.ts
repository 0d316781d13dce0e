// Stage 5 — render: a pdfmake document → PDF bytes, with the Japanese font embedded as a subset.
// pdfmake 0.3 is a process-wide singleton: fonts and policies are set up once, here.
import pdfmake from 'pdfmake';
import { DEFAULT_FONTS_DIR, loadFontFaces } from './fonts';
import type { DocDefinition, LayoutSpec } from './layout';

let prepared: string | undefined;

/** Load the TTFs named by fonts/fonts.json into pdfmake's virtual file system; nothing else may be read or fetched. */
function prepareFonts(fontsDir: string): void {
  if (prepared === fontsDir) return;
  const fonts: Record<string, Record<string, string>> = {};
  for (const { family, face, bytes } of loadFontFaces(fontsDir)) {
    pdfmake.virtualfs.writeFileSync(`${family}-${face}.ttf`, bytes);
    const normal = `${family}-normal.ttf`;
    const bold = `${family}-bold.ttf`;
    fonts[family] = { normal, bold, italics: normal, bolditalics: bold };
  }
  pdfmake.setFonts(fonts);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);
  prepared = fontsDir;
}

/** Turn the declarative rulings of layout.yaml into pdfmake's table-layout callbacks. */
function tableLayouts(layout: LayoutSpec): Record<string, object> {
  const result: Record<string, object> = {};
  for (const [name, spec] of Object.entries(layout.tableLayouts)) {
    const [left, top, right, bottom] = spec.padding;
    result[name] = {
      hLineWidth: () => spec.lineWidth,
      vLineWidth: () => spec.lineWidth,
      hLineColor: () => spec.lineColor,
      vLineColor: () => spec.lineColor,
      paddingLeft: () => left,
      paddingTop: () => top,
      paddingRight: () => right,
      paddingBottom: () => bottom,
    };
  }
  return result;
}

export interface RenderOptions {
  layout: LayoutSpec;
  /** Written as the PDF's creation date; fixed so the same input gives the same bytes. */
  creationDate: Date;
  fontsDir?: string;
}

export interface RenderedPdf {
  bytes: Buffer;
  pageCount: number;
}

export async function renderPdf(doc: DocDefinition, options: RenderOptions): Promise<RenderedPdf> {
  prepareFonts(options.fontsDir ?? DEFAULT_FONTS_DIR);
  pdfmake.setTableLayouts(tableLayouts(options.layout));
  let pageCount = 0;
  const { pageFooters = [], ...rest } = doc;
  const definition = {
    ...rest,
    info: { ...doc.info, creationDate: options.creationDate, modDate: options.creationDate },
    // The templates write each page's foot; pdfmake asks for it page by page (and so tells the page count).
    footer: (page: number, count: number) => {
      pageCount = count;
      return pageFooters[page - 1] ?? null;
    },
  };
  const bytes = await pdfmake.createPdf(definition).getBuffer();
  return { bytes: Buffer.from(bytes), pageCount };
}
