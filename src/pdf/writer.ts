// Assemble rendered pages into one PDF file: shared fonts (one subset each), page numbers stamped at the foot,
// bookmarks, metadata. Written object by object in a fixed order, so the same pages give the same bytes.
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { FontSet } from './fontset';
import { glyphTable, type GlyphTable, type RenderedPage } from '../pipeline/render';
import { subsetKeepingGlyphIds } from './truetype-subset';

export interface PlacedPage {
  page: RenderedPage;
  /** Text at the foot of the page (its number), or none. */
  label?: string;
  /** Horizontal shift in points: mirrored margins for binding move right-hand pages out and left-hand pages in. */
  shiftX?: number;
  /** A small note in the top margin, on the outer side (a replacement page's 「…差し替え」). */
  mark?: string;
}

export interface OutlineItem {
  title: string;
  /** Index into `pages` of the page it opens. */
  page: number;
  children?: OutlineItem[];
}

export interface PdfSpec {
  pages: PlacedPage[];
  glyphs: GlyphTable[];
  info: { title: string; author: string; subject: string; keywords?: string };
  lang: string;
  creationDate: Date;
  outline?: OutlineItem[];
  pageNumber: { font: string; fontSize: number; bottom: number };
}

class Raw {
  constructor(readonly text: string) {}
}
const ref = (id: number) => new Raw(`${id} 0 R`);
const name = (n: string) => new Raw(`/${n}`);

function pdfNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Math.round(n * 10000) / 10000);
}

/** A text string in UTF-16BE with a byte-order mark, as hex: safe for any Japanese text. */
function textString(s: string): Raw {
  const units: string[] = ['feff'];
  for (let i = 0; i < s.length; i++) units.push(s.charCodeAt(i).toString(16).padStart(4, '0'));
  return new Raw(`<${units.join('')}>`);
}

function serialize(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (typeof value === 'number') return pdfNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return textString(value).text;
  if (Array.isArray(value)) return `[${value.map(serialize).join(' ')}]`;
  if (value && typeof value === 'object') {
    return `<< ${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `/${k} ${serialize(v)}`)
      .join(' ')} >>`;
  }
  return 'null';
}

function pdfDate(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
}

class Writer {
  private readonly objects: Buffer[] = [];

  reserve(): number {
    this.objects.push(Buffer.alloc(0));
    return this.objects.length;
  }

  set(id: number, dict: unknown, stream?: Buffer): void {
    if (stream) {
      const head = serialize({ ...(dict as object), Length: stream.length });
      this.objects[id - 1] = Buffer.concat([Buffer.from(`${id} 0 obj\n${head}\nstream\n`, 'latin1'), stream, Buffer.from('\nendstream\nendobj\n')]);
    } else {
      this.objects[id - 1] = Buffer.from(`${id} 0 obj\n${serialize(dict)}\nendobj\n`, 'latin1');
    }
  }

  add(dict: unknown, stream?: Buffer): number {
    const id = this.reserve();
    this.set(id, dict, stream);
    return id;
  }

  finish(root: number, info: number): Buffer {
    const header = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
    const offsets: number[] = [];
    let at = header.length;
    for (const o of this.objects) {
      offsets.push(at);
      at += o.length;
    }
    const md5 = createHash('md5').update(header);
    for (const o of this.objects) md5.update(o);
    const id = md5.digest('hex');
    const xref = [`xref\n0 ${this.objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
    const trailer = `trailer\n${serialize({ Size: this.objects.length + 1, Root: ref(root), Info: ref(info), ID: [new Raw(`<${id}>`), new Raw(`<${id}>`)] })}\nstartxref\n${at}\n%%EOF\n`;
    return Buffer.concat([header, ...this.objects, Buffer.from(xref + trailer, 'latin1')]);
  }
}

type GlyphMap = Map<number, { codePoints: number[] }>;

function mergeGlyphs(tables: GlyphTable[]): Map<string, GlyphMap> {
  const merged = new Map<string, GlyphMap>();
  for (const table of tables) {
    for (const [font, { ids, text }] of Object.entries(table)) {
      const into = merged.get(font) ?? new Map();
      merged.set(font, into);
      const chars = text.split('\0');
      ids.forEach((id, i) => {
        if (!into.has(id)) into.set(id, { codePoints: [...chars[i]].map((c) => c.codePointAt(0)!) });
      });
    }
  }
  return merged;
}

function toUnicodeCMap(glyphs: Map<number, { codePoints: number[] }>): Buffer {
  const hex4 = (n: number) => n.toString(16).padStart(4, '0');
  const utf16 = (cps: number[]) =>
    cps
      .map((cp) => (cp > 0xffff ? hex4(0xd800 + ((cp - 0x10000) >> 10)) + hex4(0xdc00 + ((cp - 0x10000) & 0x3ff)) : hex4(cp)))
      .join('');
  const entries = [...glyphs.entries()].filter(([, g]) => g.codePoints.length > 0).sort((a, b) => a[0] - b[0]);
  const blocks: string[] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    blocks.push(`${chunk.length} beginbfchar\n${chunk.map(([id, g]) => `<${hex4(id)}> <${utf16(g.codePoints)}>`).join('\n')}\nendbfchar`);
  }
  return Buffer.from(
    `/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n${blocks.join('\n')}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n`,
    'latin1',
  );
}

function embedFont(w: Writer, fontSet: FontSet, fontId: string, glyphs: GlyphMap): number {
  const font = fontSet.byId(fontId);
  const kit = font.pdfkit;
  const ids = [...glyphs.keys()].sort((a, b) => a - b);
  // The subset tag is derived from the glyphs it holds: same glyphs, same name, same bytes.
  const digest = createHash('sha256').update(ids.join(',')).digest();
  const tag = Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
  const baseName = `${tag}+${String(kit.font.postscriptName).replace(/ /g, '_')}`;
  const fontFile = w.add({ Filter: name('FlateDecode') }, deflateSync(subsetKeepingGlyphIds(font.bytes, ids)));
  const bbox = kit.font.bbox;
  const descriptor = w.add({
    Type: name('FontDescriptor'),
    FontName: name(baseName),
    Flags: 4,
    FontBBox: [bbox.minX * kit.scale, bbox.minY * kit.scale, bbox.maxX * kit.scale, bbox.maxY * kit.scale],
    ItalicAngle: kit.font.italicAngle,
    Ascent: kit.ascender,
    Descent: kit.descender,
    CapHeight: (kit.font.capHeight || kit.font.ascent) * kit.scale,
    XHeight: (kit.font.xHeight || 0) * kit.scale,
    StemV: 0,
    FontFile2: ref(fontFile),
  });
  const widths: unknown[] = [];
  for (const id of ids) widths.push(id, [kit.font.getGlyph(id).advanceWidth * kit.scale]);
  const cidFont = w.add({
    Type: name('Font'),
    Subtype: name('CIDFontType2'),
    BaseFont: name(baseName),
    CIDSystemInfo: { Registry: new Raw('(Adobe)'), Ordering: new Raw('(Identity)'), Supplement: 0 },
    FontDescriptor: ref(descriptor),
    W: widths,
    CIDToGIDMap: name('Identity'),
  });
  const toUnicode = w.add({ Filter: name('FlateDecode') }, deflateSync(toUnicodeCMap(glyphs)));
  return w.add({
    Type: name('Font'),
    Subtype: name('Type0'),
    BaseFont: name(baseName),
    Encoding: name('Identity-H'),
    DescendantFonts: [ref(cidFont)],
    ToUnicode: ref(toUnicode),
  });
}

/** The page number, centred at the foot, as a tiny content stream in the shared font. */
/** One line of text drawn with the page-number font: `align` places it centred at the foot or at the top outer corner. */
function marginText(text: string, align: 'foot' | 'outer-top', page: RenderedPage, spec: PdfSpec, fontSet: FontSet, shiftX: number, odd: boolean) {
  const font = fontSet.byId(spec.pageNumber.font).pdfkit;
  const { glyphs } = font.layout(text);
  let width = 0;
  const used = new Map<number, { codePoints: number[] }>();
  for (const g of glyphs) {
    width += g.advanceWidth * font.scale;
    used.set(g.id, { codePoints: g.codePoints });
  }
  const size = spec.pageNumber.fontSize;
  const textWidth = (width * size) / 1000;
  const edge = spec.pageNumber.bottom + size; // as far from the paper's edge as the page number
  const x = align === 'foot' ? (page.width - textWidth) / 2 + shiftX : odd ? page.width - edge - textWidth + shiftX : edge + shiftX;
  const y = align === 'foot' ? spec.pageNumber.bottom : page.height - edge;
  const hex = glyphs.map((g: any) => g.id.toString(16).padStart(4, '0')).join('');
  const ops = `BT\n/${spec.pageNumber.font} ${pdfNumber(size)} Tf\n${pdfNumber(x)} ${pdfNumber(y)} Td\n<${hex}> Tj\nET\n`;
  return { ops, used };
}

function writeOutline(w: Writer, items: OutlineItem[], parent: number, pageIds: number[]): { first: number; last: number; count: number } {
  const ids = items.map(() => w.reserve());
  let count = items.length;
  items.forEach((item, i) => {
    const dict: Record<string, unknown> = {
      Title: item.title,
      Parent: ref(parent),
      Dest: [ref(pageIds[item.page]), name('Fit')],
      Prev: i > 0 ? ref(ids[i - 1]) : undefined,
      Next: i < items.length - 1 ? ref(ids[i + 1]) : undefined,
    };
    if (item.children && item.children.length > 0) {
      const sub = writeOutline(w, item.children, ids[i], pageIds);
      Object.assign(dict, { First: ref(sub.first), Last: ref(sub.last), Count: sub.count });
      count += sub.count;
    }
    w.set(ids[i], dict);
  });
  return { first: ids[0], last: ids[ids.length - 1], count };
}

export function writePdf(spec: PdfSpec, fontSet: FontSet): Buffer {
  const w = new Writer();
  const catalog = w.reserve();
  const pagesRoot = w.reserve();
  const info = w.add({
    Title: spec.info.title,
    Author: spec.info.author,
    Subject: spec.info.subject,
    Keywords: spec.info.keywords,
    Creator: 'sheetbook',
    Producer: 'sheetbook (pdfmake, pdfkit)',
    CreationDate: new Raw(`(${pdfDate(spec.creationDate)})`),
    ModDate: new Raw(`(${pdfDate(spec.creationDate)})`),
  });

  // Page numbers first: their glyphs belong in the font subsets.
  const glyphTables = [...spec.glyphs];
  const feet = spec.pages.map((placed) => {
    const texts = [
      ...(placed.label ? [marginText(placed.label, 'foot', placed.page, spec, fontSet, placed.shiftX ?? 0, false)] : []),
      // The side of the sheet away from the binding: a label's page number tells right-hand (odd) pages.
      ...(placed.mark ? [marginText(placed.mark, 'outer-top', placed.page, spec, fontSet, placed.shiftX ?? 0, Number(placed.label ?? 1) % 2 === 1)] : []),
    ];
    if (texts.length === 0) return undefined;
    for (const t of texts) glyphTables.push(glyphTable({ [spec.pageNumber.font]: t.used }));
    return texts.map((t) => t.ops).join('');
  });
  const glyphs = mergeGlyphs(glyphTables);
  const fontRefs: Record<string, number> = {};
  for (const fontId of [...glyphs.keys()].sort()) fontRefs[fontId] = embedFont(w, fontSet, fontId, glyphs.get(fontId)!);

  const shifts = new Map<number, number>();
  const shiftStream = (dx: number) => {
    if (!shifts.has(dx)) shifts.set(dx, w.add({}, Buffer.from(`q 1 0 0 1 ${pdfNumber(dx)} 0 cm\n`, 'latin1')));
    return shifts.get(dx)!;
  };
  const restore = w.add({}, Buffer.from('\nQ\n', 'latin1'));
  const pageIds: number[] = [];
  for (let i = 0; i < spec.pages.length; i++) {
    const { page, shiftX = 0 } = spec.pages[i];
    const content = w.add({ Filter: name('FlateDecode') }, page.content);
    const contents = [ref(shiftStream(shiftX)), ref(content), ref(restore)];
    if (feet[i]) contents.push(ref(w.add({}, Buffer.from(feet[i]!, 'latin1'))));
    const fonts = new Set([...page.fonts, ...(feet[i] ? [spec.pageNumber.font] : [])]);
    const extGStates = Object.fromEntries(
      Object.entries(page.extGStates).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([a, b]) => [a, typeof b === 'string' ? name(b) : b]))]),
    );
    pageIds.push(
      w.add({
        Type: name('Page'),
        Parent: ref(pagesRoot),
        MediaBox: [0, 0, page.width, page.height],
        Resources: {
          ProcSet: [name('PDF'), name('Text')],
          Font: Object.fromEntries([...fonts].sort().map((f) => [f, ref(fontRefs[f])])),
          ExtGState: Object.keys(extGStates).length > 0 ? extGStates : undefined,
        },
        Contents: contents,
      }),
    );
  }
  w.set(pagesRoot, { Type: name('Pages'), Kids: pageIds.map(ref), Count: pageIds.length });

  let outlines: number | undefined;
  if (spec.outline && spec.outline.length > 0) {
    outlines = w.reserve();
    const tree = writeOutline(w, spec.outline, outlines, pageIds);
    w.set(outlines, { Type: name('Outlines'), First: ref(tree.first), Last: ref(tree.last), Count: tree.count });
  }
  w.set(catalog, {
    Type: name('Catalog'),
    Pages: ref(pagesRoot),
    Lang: new Raw(`(${spec.lang})`),
    Outlines: outlines ? ref(outlines) : undefined,
    PageMode: outlines ? name('UseOutlines') : undefined,
    ViewerPreferences: { DisplayDocTitle: true },
  });
  return w.finish(catalog, info);
}
