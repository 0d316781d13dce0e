// Assemble rendered pages into one PDF file: shared fonts (one subset each), page numbers stamped at the foot,
// bookmarks, metadata. Written object by object in a fixed order, so the same pages give the same bytes.
// Every file claims PDF/A-2a (ISO 19005-2) and PDF/UA-1 (ISO 14289-1): XMP metadata, an sRGB output intent, and a
// structure tree built here from the pages' marked content and their documents' structure (pdf/structure.ts).
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { FontSet } from './fontset';
import type { GlyphText } from './glyph-text';
import { CREATOR, PRODUCER } from './identity';
import { glyphTable, type GlyphTable, type RenderedPage } from './pages';
import { pdfkitSrgbProfile } from './pdfmake';
import type { StructNode } from './structure';
import { subsetKeepingGlyphIds } from './truetype-subset';

export interface PlacedPage {
  page: RenderedPage;
  /** Text at the foot of the page (its number), or none. */
  label?: string;
  /** Horizontal shift in points: mirrored margins for binding move right-hand pages out and left-hand pages in. */
  shiftX?: number;
  /** A small note in the top margin, on the outer side (a replacement page's 「…差し替え」). */
  mark?: string;
  /** Which of `structures` the page's marked content belongs to (required when the page has any). */
  part?: number;
  /** The page's label in a viewer (`/PageLabels`): its printed number, or a word for an unnumbered page. */
  pageLabel?: { number: number } | { prefix: string };
}

/** A link annotation (a contents entry): where it lies, the page it opens, and the `Link` element it belongs to. */
export interface LinkSpec {
  page: number;
  rect: [number, number, number, number];
  target: number;
  part: number;
  node: number;
  contents: string;
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
  /** The documents' date (the year's 発行日); none yet: the file carries no date (ISO 32000-1 14.3.3, all optional). */
  creationDate?: Date;
  outline?: OutlineItem[];
  pageNumber: { font: string; fontSize: number; bottom: number };
  /** The structure of each document placed (a sheet, the cover, the contents), in reading order. */
  structures: StructNode[][];
  links?: LinkSpec[];
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

const NO_PIECES: Buffer[] = [];
const END_STREAM = Buffer.from('\nendstream\nendobj\n', 'latin1');
/** Objects per object stream. */
const PACKED_PER_STREAM = 200;

/**
 * Small objects (structure elements) for object streams: a booklet holds hundreds of thousands. Their text is
 * copied into large shared buffers as it is made, so that it dies young instead of filling the heap as strings.
 */
class PackedObjects {
  private readonly blocks: Buffer[] = [];
  private block = Buffer.allocUnsafe(0);
  private used = 0;
  // By object number: which block, where in it, how long (0 = no packed object of that number).
  private where = new Uint32Array(1024);
  private length = new Uint32Array(1024);
  private inBlock = new Uint16Array(1024);

  // The object being written piece by piece (begin → ascii/int → end), or -1.
  private open = -1;
  private start = 0;

  set(id: number, text: string): void {
    this.begin(id);
    this.ascii(text);
    this.end();
  }

  /** Start writing object `id`; its text follows in pieces (ASCII only: PDF syntax, text strings as hex). */
  begin(id: number): void {
    if (id >= this.where.length) this.grow(id);
    this.open = id;
    this.start = this.used;
  }

  ascii(text: string): void {
    this.room(text.length);
    if (text.length > 32) {
      this.used += this.block.write(text, this.used, text.length, 'latin1');
      return;
    }
    // Most pieces are a few bytes: copied here rather than by a call into node for each.
    for (let i = 0; i < text.length; i++) this.block[this.used++] = text.charCodeAt(i);
  }

  /** A non-negative integer, written without making a string of it. */
  int(n: number): void {
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    this.room(digits);
    for (let i = digits - 1, rest = n; i >= 0; i--, rest = Math.floor(rest / 10)) this.block[this.used + i] = 48 + (rest % 10);
    this.used += digits;
  }

  end(): void {
    this.where[this.open] = this.start;
    this.length[this.open] = this.used - this.start;
    this.inBlock[this.open] = this.blocks.length - 1;
    this.open = -1;
  }

  /** Room for `size` more bytes of the open object in one block (what it has so far moves along if need be). */
  private room(size: number): void {
    if (this.used + size <= this.block.length) return;
    const sofar = this.used - this.start;
    const block = Buffer.allocUnsafe(Math.max(1 << 20, 2 * (sofar + size)));
    this.block.copy(block, 0, this.start, this.used);
    this.blocks.push((this.block = block));
    this.start = 0;
    this.used = sofar;
  }

  private grow(id: number): void {
    const size = Math.max(id + 1, this.where.length * 2);
    const widen = <T extends Uint32Array | Uint16Array>(a: T, made: T): T => (made.set(a), made);
    this.where = widen(this.where, new Uint32Array(size));
    this.length = widen(this.length, new Uint32Array(size));
    this.inBlock = widen(this.inBlock, new Uint16Array(size));
  }

  /** The numbers of the packed objects, in order. */
  ids(): number[] {
    const ids: number[] = [];
    for (let id = 0; id < this.length.length; id++) if (this.length[id] > 0) ids.push(id);
    return ids;
  }

  size(id: number): number {
    return this.length[id];
  }

  copy(id: number, target: Buffer, at: number): number {
    return this.blocks[this.inBlock[id]].copy(target, at, this.where[id], this.where[id] + this.length[id]);
  }
}

class Writer {
  // Each object as its pieces (a stream's data is not copied until the file is put together).
  private readonly objects: Buffer[][] = [];
  private readonly packed = new PackedObjects();

  reserve(): number {
    this.objects.push(NO_PIECES);
    return this.objects.length;
  }

  /** Set an object that goes into an object stream (never a stream itself). */
  setPacked(id: number, dict: unknown): void {
    this.packed.set(id, serialize(dict));
  }

  /** The same, already written as PDF syntax (ASCII). */
  setPackedText(id: number, text: string): void {
    this.packed.set(id, text);
  }

  /** The same, written piece by piece (for the hundreds of thousands of structure elements of a booklet). */
  packedObject(id: number): PackedObjects {
    this.packed.begin(id);
    return this.packed;
  }

  set(id: number, dict: unknown, stream?: Buffer): void {
    if (stream) {
      const head = serialize({ ...(dict as object), Length: stream.length });
      this.objects[id - 1] = [Buffer.from(`${id} 0 obj\n${head}\nstream\n`, 'latin1'), stream, END_STREAM];
    } else {
      this.objects[id - 1] = [Buffer.from(`${id} 0 obj\n${serialize(dict)}\nendobj\n`, 'latin1')];
    }
  }

  add(dict: unknown, stream?: Buffer): number {
    const id = this.reserve();
    this.set(id, dict, stream);
    return id;
  }

  /** The file: objects, object streams, and a cross-reference stream (which object streams need). */
  finish(root: number, info: number): Buffer {
    const header = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
    const packedIds = this.packed.ids();
    // Where each packed object lies: its object stream and its index there (the cross-reference stream's type 2).
    const inStream = new Uint32Array(this.objects.length + Math.ceil(packedIds.length / PACKED_PER_STREAM) + 2);
    const atIndex = new Uint16Array(inStream.length);
    let scratch = Buffer.allocUnsafe(0);
    for (let i = 0; i < packedIds.length; i += PACKED_PER_STREAM) {
      const chunk = packedIds.slice(i, i + PACKED_PER_STREAM);
      const head: string[] = [];
      let offset = 0;
      for (const id of chunk) {
        head.push(`${id} ${offset}`);
        offset += this.packed.size(id) + 1;
      }
      const first = `${head.join(' ')}\n`;
      // One scratch buffer for every object stream's text (deflated at once, so it is free again).
      if (scratch.length < first.length + offset) scratch = Buffer.allocUnsafe(2 * (first.length + offset));
      const data = scratch.subarray(0, first.length + offset);
      let at = data.write(first, 0, 'latin1');
      for (const id of chunk) {
        at += this.packed.copy(id, data, at);
        data[at++] = 0x0a;
      }
      const stream = this.add({ Type: name('ObjStm'), N: chunk.length, First: first.length, Filter: name('FlateDecode') }, deflateSync(data, { level: 1 }));
      chunk.forEach((id, j) => {
        inStream[id] = stream;
        atIndex[id] = j;
      });
    }
    const offsets: number[] = [];
    let at = header.length;
    for (const pieces of this.objects) {
      offsets.push(at);
      for (const piece of pieces) at += piece.length;
    }
    const md5 = createHash('md5').update(header);
    for (const pieces of this.objects) for (const piece of pieces) md5.update(piece);
    const id = md5.digest('hex');
    const xrefId = this.objects.length + 1;
    const size = xrefId + 1;
    const entries = Buffer.alloc(size * 7);
    entries.writeUInt8(0, 0);
    entries.writeUInt16BE(0xffff, 5);
    for (let n = 1; n < size; n++) {
      const e = n * 7;
      if (inStream[n]) {
        entries.writeUInt8(2, e);
        entries.writeUInt32BE(inStream[n], e + 1);
        entries.writeUInt16BE(atIndex[n], e + 5);
      } else {
        entries.writeUInt8(1, e);
        entries.writeUInt32BE(n === xrefId ? at : offsets[n - 1], e + 1);
      }
    }
    const xrefData = deflateSync(entries);
    const xrefDict = serialize({
      Type: name('XRef'),
      Size: size,
      W: [1, 4, 2],
      Root: ref(root),
      Info: ref(info),
      ID: [new Raw(`<${id}>`), new Raw(`<${id}>`)],
      Filter: name('FlateDecode'),
      Length: xrefData.length,
    });
    return Buffer.concat([
      header,
      ...this.objects.flat(),
      Buffer.from(`${xrefId} 0 obj\n${xrefDict}\nstream\n`, 'latin1'),
      xrefData,
      Buffer.from(`\nendstream\nendobj\nstartxref\n${at}\n%%EOF\n`, 'latin1'),
    ]);
  }
}

/** The glyphs of every page placed, by font: the subset each font embeds, and the codes its ToUnicode map covers. */
function mergeGlyphs(tables: GlyphTable[]): Map<string, Set<number>> {
  const merged = new Map<string, Set<number>>();
  for (const table of tables) {
    for (const [font, ids] of Object.entries(table)) {
      const into = merged.get(font) ?? new Set();
      merged.set(font, into);
      for (const id of ids) into.add(id);
    }
  }
  return merged;
}

/**
 * The ToUnicode map (ISO 32000-1 9.10.3) of a subset: every glyph shown gets an entry, with the characters the font
 * says it stands for (glyph-text.ts), whatever page it came from and however that page was drawn. A glyph that
 * stands for nothing of its own maps to U+FFFD (its run carries ActualText): no shown code is left unmapped.
 */
function toUnicodeCMap(ids: number[], text: GlyphText): Buffer {
  const hex4 = (n: number) => n.toString(16).padStart(4, '0');
  const utf16 = (chars: string) => {
    let hex = '';
    for (let i = 0; i < chars.length; i++) hex += hex4(chars.charCodeAt(i));
    return hex;
  };
  const blocks: string[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    blocks.push(`${chunk.length} beginbfchar\n${chunk.map((id) => `<${hex4(id)}> <${utf16(text.charactersOf(id) || '\ufffd')}>`).join('\n')}\nendbfchar`);
  }
  return Buffer.from(
    `/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n${blocks.join('\n')}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n`,
    'latin1',
  );
}

// The font programs of the last few sheet-sized subsets, deflated, by font and glyphs. Saving a sheet again
// (`sheetbook watch`) mostly keeps its glyphs, and subsetting and deflating the fonts is most of the time it takes
// to write its file. Same glyphs, same bytes, whether kept or made.
const KEPT_PROGRAMS = 4;
const KEPT_GLYPHS_AT_MOST = 2000;
const keptPrograms = new WeakMap<Buffer, { key: string; program: Buffer }[]>();

function fontProgram(fontBytes: Buffer, ids: number[], key: string): Buffer {
  if (ids.length > KEPT_GLYPHS_AT_MOST) return deflateSync(subsetKeepingGlyphIds(fontBytes, ids));
  let kept = keptPrograms.get(fontBytes);
  if (!kept) keptPrograms.set(fontBytes, (kept = []));
  const hit = kept.find((k) => k.key === key);
  if (hit) return hit.program;
  // The fastest level: a sheet's subset keeps every glyph id, so most of it is empty entries that any level packs
  // alike (about 6 % larger than the default level, in half the time; rebuilding one sheet waits for this).
  const program = deflateSync(subsetKeepingGlyphIds(fontBytes, ids), { level: 1 });
  kept.unshift({ key, program });
  kept.length = Math.min(kept.length, KEPT_PROGRAMS);
  return program;
}

function embedFont(w: Writer, fontSet: FontSet, fontId: string, glyphs: Set<number>): number {
  const font = fontSet.byId(fontId);
  const metrics = font.pdfkit.descriptor();
  const ids = [...glyphs].sort((a, b) => a - b);
  // The subset tag is derived from the glyphs it holds: same glyphs, same name, same bytes.
  const digest = createHash('sha256').update(ids.join(',')).digest();
  const tag = Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
  const baseName = `${tag}+${metrics.postscriptName.replace(/ /g, '_')}`;
  const fontFile = w.add({ Filter: name('FlateDecode') }, fontProgram(font.bytes, ids, digest.toString('hex')));
  const descriptor = w.add({
    Type: name('FontDescriptor'),
    FontName: name(baseName),
    Flags: 4,
    FontBBox: metrics.bbox,
    ItalicAngle: metrics.italicAngle,
    Ascent: metrics.ascent,
    Descent: metrics.descent,
    CapHeight: metrics.capHeight,
    XHeight: metrics.xHeight,
    StemV: 0,
    FontFile2: ref(fontFile),
  });
  // Read from the font's metrics, not from fontkit glyph objects: one made here would stand for no characters.
  const advances = font.pdfkit.advances(ids);
  const widths: unknown[] = [];
  ids.forEach((id, i) => widths.push(id, [advances[i]]));
  const cidFont = w.add({
    Type: name('Font'),
    Subtype: name('CIDFontType2'),
    BaseFont: name(baseName),
    CIDSystemInfo: { Registry: new Raw('(Adobe)'), Ordering: new Raw('(Identity)'), Supplement: 0 },
    FontDescriptor: ref(descriptor),
    W: widths,
    CIDToGIDMap: name('Identity'),
  });
  const toUnicode = w.add({ Filter: name('FlateDecode') }, deflateSync(toUnicodeCMap(ids, font.text)));
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
  const { ids, width } = fontSet.byId(spec.pageNumber.font).pdfkit.glyphRun(text);
  const used = new Set(ids);
  const size = spec.pageNumber.fontSize;
  const textWidth = (width * size) / 1000;
  const edge = spec.pageNumber.bottom + size; // as far from the paper's edge as the page number
  const x = align === 'foot' ? (page.width - textWidth) / 2 + shiftX : odd ? page.width - edge - textWidth + shiftX : edge + shiftX;
  const y = align === 'foot' ? spec.pageNumber.bottom : page.height - edge;
  const hex = ids.map((id) => id.toString(16).padStart(4, '0')).join('');
  // Page numbers are pagination artifacts (ISO 14289-1 7.8): the structure does not read them.
  const ops = `/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nBT\n/${spec.pageNumber.font} ${pdfNumber(size)} Tf\n${pdfNumber(x)} ${pdfNumber(y)} Td\n<${hex}> Tj\nET\nEMC\n`;
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

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The date as XMP writes it: the same instant as the Info dictionary's (ISO 19005-2 6.6.3). */
function xmpDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The XMP metadata (ISO 19005-2 6.6): the Info dictionary's entries again, the PDF/A and PDF/UA claims, and the
 * `pdfuaid` schema declared as a PDF/A extension schema (6.6.2.3.3).
 */
export function xmpMetadata(spec: PdfSpec, producer: string): Buffer {
  const date = spec.creationDate && xmpDate(spec.creationDate);
  const lines = [
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about=""',
    '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
    '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"',
    '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
    '    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"',
    '    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"',
    '    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"',
    '    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">',
    '   <dc:format>application/pdf</dc:format>',
    `   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xml(spec.info.title)}</rdf:li></rdf:Alt></dc:title>`,
    `   <dc:creator><rdf:Seq><rdf:li>${xml(spec.info.author)}</rdf:li></rdf:Seq></dc:creator>`,
    `   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xml(spec.info.subject)}</rdf:li></rdf:Alt></dc:description>`,
    `   <dc:language><rdf:Bag><rdf:li>${xml(spec.lang)}</rdf:li></rdf:Bag></dc:language>`,
    ...(spec.info.keywords !== undefined ? [`   <pdf:Keywords>${xml(spec.info.keywords)}</pdf:Keywords>`] : []),
    `   <pdf:Producer>${xml(producer)}</pdf:Producer>`,
    `   <xmp:CreatorTool>${xml(CREATOR)}</xmp:CreatorTool>`,
    ...(date ? [`   <xmp:CreateDate>${date}</xmp:CreateDate>`, `   <xmp:ModifyDate>${date}</xmp:ModifyDate>`, `   <xmp:MetadataDate>${date}</xmp:MetadataDate>`] : []),
    '   <pdfaid:part>2</pdfaid:part>',
    '   <pdfaid:conformance>A</pdfaid:conformance>',
    '   <pdfuaid:part>1</pdfuaid:part>',
    '   <pdfaExtension:schemas>',
    '    <rdf:Bag>',
    '     <rdf:li rdf:parseType="Resource">',
    '      <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>',
    '      <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>',
    '      <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>',
    '      <pdfaSchema:property>',
    '       <rdf:Seq>',
    '        <rdf:li rdf:parseType="Resource">',
    '         <pdfaProperty:name>part</pdfaProperty:name>',
    '         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>',
    '         <pdfaProperty:category>internal</pdfaProperty:category>',
    '         <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>',
    '        </rdf:li>',
    '       </rdf:Seq>',
    '      </pdfaSchema:property>',
    '     </rdf:li>',
    '    </rdf:Bag>',
    '   </pdfaExtension:schemas>',
    '  </rdf:Description>',
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="r"?>',
  ];
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

let iccProfile: Buffer | undefined;
/** The sRGB profile pdfkit ships (its PDF/A support uses it too); read once, at run time. */
function srgbProfile(): Buffer {
  iccProfile ??= pdfkitSrgbProfile();
  return iccProfile;
}

/** `/PageLabels` (ISO 32000-1 12.4.2): a new range where a page does not continue the one before it. */
function pageLabels(pages: PlacedPage[]): unknown[] | undefined {
  if (!pages.some((p) => p.pageLabel)) return undefined;
  const nums: unknown[] = [];
  let previous: PlacedPage['pageLabel'];
  pages.forEach((page, i) => {
    const label = page.pageLabel ?? { prefix: '' };
    const continues = previous && 'number' in label && 'number' in previous && label.number === previous.number + 1;
    if (!continues) nums.push(i, 'number' in label ? { S: name('D'), St: label.number } : { P: label.prefix });
    previous = label;
  });
  return nums;
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
    Creator: CREATOR,
    Producer: PRODUCER,
    CreationDate: spec.creationDate && new Raw(`(${pdfDate(spec.creationDate)})`),
    ModDate: spec.creationDate && new Raw(`(${pdfDate(spec.creationDate)})`),
  });
  // Not compressed, so that any reader finds it (ISO 19005-2 6.6.2.1).
  const metadata = w.add({ Type: name('Metadata'), Subtype: name('XML') }, xmpMetadata(spec, PRODUCER));
  const profile = w.add({ N: 3, Filter: name('FlateDecode') }, deflateSync(srgbProfile()));
  const outputIntent = w.add({
    Type: name('OutputIntent'),
    S: name('GTS_PDFA1'),
    OutputConditionIdentifier: new Raw('(sRGB IEC61966-2.1)'),
    Info: new Raw('(sRGB IEC61966-2.1)'),
    DestOutputProfile: ref(profile),
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
  const pageIds = spec.pages.map(() => w.reserve());
  const links = spec.links ?? [];
  const annots = links.map(() => w.reserve());

  // The structure tree (ISO 32000-1 14.7, ISO 14289-1 7.1): Document › each part's elements. Elements that hold
  // nothing are left out, except table rows and cells, which keep a table regular.
  const structTreeRoot = w.reserve();
  const documentElement = w.reserve();
  // A booklet holds hundreds of thousands of elements: they are written as strings, not through `serialize`.
  // Per part, each element's marked content in page order: its first (page, MCID) in typed arrays — most elements
  // have exactly one — and any further pairs in a map. An array per element was a booklet's worth of garbage.
  const firstPage = spec.structures.map((nodes) => new Int32Array(nodes.length).fill(-1));
  const firstMcid = spec.structures.map((nodes) => new Int32Array(nodes.length));
  const furtherMarks = spec.structures.map(() => new Map<number, number[]>());
  spec.pages.forEach((placed, i) => {
    const marks = placed.page.marks ?? [];
    if (marks.length === 0) return;
    if (placed.part === undefined) throw new Error(`page ${i + 1} has marked content but no structure`);
    const pages = firstPage[placed.part];
    marks.forEach((node, mcid) => {
      if (pages[node] < 0) {
        pages[node] = i;
        firstMcid[placed.part!][node] = mcid;
        return;
      }
      const further = furtherMarks[placed.part!];
      const list = further.get(node);
      if (list) list.push(i, mcid);
      else further.set(node, [i, mcid]);
    });
  });
  const none: number[] = [];
  // (part, node) → link indices, keyed by number: one string per element would be a booklet's worth of garbage.
  const objrKey = (part: number, node: number) => part * 0x100000 + node;
  const objrs = new Map<number, number[]>();
  links.forEach((link, k) => objrs.set(objrKey(link.part, link.node), [...(objrs.get(objrKey(link.part, link.node)) ?? []), k]));
  const pageRef = pageIds.map((id) => `${id} 0 R`);
  const elementIds = spec.structures.map((nodes, part) => {
    const n = nodes.length;
    const firstChild = new Int32Array(n).fill(-1);
    const lastChild = new Int32Array(n).fill(-1);
    const nextSibling = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const p = nodes[i].p;
      if (p < 0) continue;
      if (firstChild[p] < 0) firstChild[p] = i;
      else nextSibling[lastChild[p]] = i;
      lastChild[p] = i;
    }
    const keep = new Uint8Array(n);
    for (let i = n - 1; i >= 0; i--) {
      const type = nodes[i].s;
      let kept = i === 0 || type === 'Table' || type === 'TR' || type === 'TH' || type === 'TD' || firstPage[part][i] >= 0 || objrs.has(objrKey(part, i));
      for (let c = firstChild[i]; !kept && c >= 0; c = nextSibling[c]) kept = keep[c] === 1;
      keep[i] = kept ? 1 : 0;
    }
    const ids = nodes.map((_, i) => (keep[i] ? w.reserve() : 0));
    nodes.forEach((node, i) => {
      if (!keep[i]) return;
      const pg = firstPage[part][i];
      const further = furtherMarks[part].get(i) ?? none;
      const linked = objrs.get(objrKey(part, i));
      let kids = (pg >= 0 ? 1 : 0) + further.length / 2 + (linked?.length ?? 0);
      for (let c = firstChild[i]; c >= 0; c = nextSibling[c]) if (keep[c]) kids++;
      // Written straight into the file's bytes: as strings, the elements were most of a booklet's memory.
      const o = w.packedObject(ids[i]);
      o.ascii('<</Type/StructElem/S/');
      o.ascii(node.s);
      o.ascii('/P ');
      o.int(node.p >= 0 ? ids[node.p] : documentElement);
      o.ascii(' 0 R');
      if (node.t) o.ascii(`/T ${serialize(node.t)}`);
      if (node.alt) o.ascii(`/Alt ${serialize(node.alt)}`);
      if (pg >= 0) {
        o.ascii('/Pg ');
        o.ascii(pageRef[pg]);
      }
      if (node.a) {
        o.ascii('/A<</O/Table');
        for (const a in node.a) o.ascii(typeof node.a[a] === 'string' ? `/${a} /${node.a[a]}` : `/${a} ${node.a[a]}`);
        o.ascii('>>');
      }
      if (kids > 0) {
        o.ascii(kids === 1 ? '/K ' : '/K[');
        let written = 0; // kids so far: a space before each but the first
        for (let c = firstChild[i]; c >= 0; c = nextSibling[c]) {
          if (!keep[c]) continue;
          if (written++ > 0) o.ascii(' ');
          o.int(ids[c]);
          o.ascii(' 0 R');
        }
        if (pg >= 0) {
          if (written++ > 0) o.ascii(' ');
          o.int(firstMcid[part][i]);
        }
        for (let j = 0; j < further.length; j += 2) {
          if (written++ > 0) o.ascii(' ');
          if (further[j] === pg) o.int(further[j + 1]);
          else o.ascii(`<</Type/MCR/Pg ${pageRef[further[j]]}/MCID ${further[j + 1]}>>`);
        }
        for (const l of linked ?? none) {
          if (written++ > 0) o.ascii(' ');
          o.ascii(`<</Type/OBJR/Obj ${annots[l]} 0 R/Pg ${pageRef[links[l].page]}>>`);
        }
        if (kids > 1) o.ascii(']');
      }
      o.ascii('>>');
      o.end();
    });
    return ids;
  });
  w.setPacked(documentElement, { Type: name('StructElem'), S: name('Document'), P: ref(structTreeRoot), K: elementIds.map((ids) => ref(ids[0])) });
  // The ParentTree: page i (its StructParents is i) → the element of each MCID; annotation k → its Link element.
  const parentTree: string[] = [];
  spec.pages.forEach((placed, i) => {
    const ids = placed.part === undefined ? [] : elementIds[placed.part];
    parentTree.push(`${i}[${(placed.page.marks ?? []).map((node) => `${ids[node]} 0 R`).join(' ')}]`);
  });
  links.forEach((link, k) => parentTree.push(`${spec.pages.length + k} ${elementIds[link.part][link.node]} 0 R`));
  const parentTreeId = w.reserve();
  w.setPackedText(parentTreeId, `<</Nums[${parentTree.join(' ')}]>>`);
  w.setPacked(structTreeRoot, {
    Type: name('StructTreeRoot'),
    K: ref(documentElement),
    ParentTree: ref(parentTreeId),
    ParentTreeNextKey: spec.pages.length + links.length,
  });

  links.forEach((link, k) => {
    const dx = spec.pages[link.page].shiftX ?? 0;
    const [x1, y1, x2, y2] = link.rect;
    w.set(annots[k], {
      Type: name('Annot'),
      Subtype: name('Link'),
      Rect: [x1 + dx, y1, x2 + dx, y2],
      Border: [0, 0, 0],
      F: 4, // Print (ISO 19005-2 6.3.2)
      Contents: link.contents, // its description (ISO 14289-1 7.18.5)
      StructParent: spec.pages.length + k,
      Dest: [ref(pageIds[link.target]), name('Fit')],
    });
  });

  const linksOnPage = new Map<number, number[]>();
  links.forEach((link, k) => linksOnPage.set(link.page, [...(linksOnPage.get(link.page) ?? []), k]));
  for (let i = 0; i < spec.pages.length; i++) {
    const { page, shiftX = 0 } = spec.pages[i];
    const content = w.add({ Filter: name('FlateDecode') }, page.content);
    const contents = [ref(shiftStream(shiftX)), ref(content), ref(restore)];
    if (feet[i]) contents.push(ref(w.add({}, Buffer.from(feet[i]!, 'latin1'))));
    const fonts = new Set([...page.fonts, ...(feet[i] ? [spec.pageNumber.font] : [])]);
    const extGStates = Object.fromEntries(
      Object.entries(page.extGStates).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([a, b]) => [a, typeof b === 'string' ? name(b) : b]))]),
    );
    const pageAnnots = (linksOnPage.get(i) ?? []).map((k) => ref(annots[k]));
    w.set(pageIds[i], {
      Type: name('Page'),
      Parent: ref(pagesRoot),
      MediaBox: [0, 0, page.width, page.height],
      Resources: {
        ProcSet: [name('PDF'), name('Text')],
        Font: Object.fromEntries([...fonts].sort().map((f) => [f, ref(fontRefs[f])])),
        ExtGState: Object.keys(extGStates).length > 0 ? extGStates : undefined,
      },
      Contents: contents,
      Annots: pageAnnots.length > 0 ? pageAnnots : undefined,
      StructParents: i,
      Tabs: name('S'), // annotations in structure order (ISO 14289-1 7.18.3)
    });
  }
  w.set(pagesRoot, { Type: name('Pages'), Kids: pageIds.map(ref), Count: pageIds.length });

  let outlines: number | undefined;
  if (spec.outline && spec.outline.length > 0) {
    outlines = w.reserve();
    const tree = writeOutline(w, spec.outline, outlines, pageIds);
    w.set(outlines, { Type: name('Outlines'), First: ref(tree.first), Last: ref(tree.last), Count: tree.count });
  }
  const labels = pageLabels(spec.pages);
  w.set(catalog, {
    Type: name('Catalog'),
    Pages: ref(pagesRoot),
    Lang: new Raw(`(${spec.lang})`),
    Metadata: ref(metadata),
    OutputIntents: [ref(outputIntent)],
    MarkInfo: { Marked: true },
    StructTreeRoot: ref(structTreeRoot),
    PageLabels: labels ? { Nums: labels } : undefined,
    Outlines: outlines ? ref(outlines) : undefined,
    PageMode: outlines ? name('UseOutlines') : undefined,
    ViewerPreferences: { DisplayDocTitle: true },
  });
  return w.finish(catalog, info);
}
