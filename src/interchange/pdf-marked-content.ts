// The marked-content sequences of a PDF page as its content streams declare them (ISO 32000-1 14.6): for each
// BMC or BDC, in the order a reader meets it — the page's content, and a Form XObject's where it is painted —
// its tag, its MCID and its ActualText. pdf.js reports the sequences in that same order, but not their
// properties; this supplies them. Enough of the file format (7.2–7.5, 7.8) to read them from any writer's
// file: cross-reference tables and streams, incremental updates, object streams, the common filters. Whatever it
// cannot read (an encrypted file, an unknown filter, a damaged file) throws, and the caller reads the page
// without ActualText, as before.
import { inflateSync, constants } from 'node:zlib';

class Name {
  constructor(readonly name: string) {}
}
class Ref {
  constructor(readonly num: number) {}
}
class PdfString {
  constructor(readonly bytes: Buffer) {}
}
class Op {
  constructor(readonly op: string) {}
}
type Value = number | boolean | null | Name | Ref | PdfString | Value[] | Dict | Stream;
type Dict = Map<string, Value>;
class Stream {
  constructor(
    readonly dict: Dict,
    readonly raw: Buffer,
  ) {}
}

/** One marked-content sequence: `tag` null when the operator's tag is not a name (pdf.js reports it so). */
export interface MarkedContent {
  tag: string | null;
  mcid?: number;
  actualText?: string;
}

const WHITE = new Set([0, 9, 10, 12, 13, 32]);
const DELIMITER = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const ESCAPES: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 102: 12, 40: 40, 41: 41, 92: 92 };

/** Values and operators of PDF syntax. References (`n g R`) only in the file's objects, not in content streams. */
class Lexer {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
    private readonly references = false,
  ) {}

  skipSpace(): void {
    const b = this.buf;
    while (this.pos < b.length) {
      if (WHITE.has(b[this.pos])) this.pos++;
      else if (b[this.pos] === 0x25) while (this.pos < b.length && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
      else break;
    }
  }

  /** The next value or operator; undefined at the end. */
  next(): Value | Op | undefined {
    this.skipSpace();
    const b = this.buf;
    if (this.pos >= b.length) return undefined;
    const c = b[this.pos];
    if (c === 0x2f) return this.name();
    if (c === 0x28) return this.literal();
    if (c === 0x3c && b[this.pos + 1] === 0x3c) return this.dict();
    if (c === 0x3c) return this.hex();
    if (c === 0x5b) {
      this.pos++;
      const list: Value[] = [];
      for (;;) {
        this.skipSpace();
        if (this.pos >= b.length) throw new Error('unterminated array');
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return list;
        }
        const v = this.next();
        if (!(v instanceof Op)) list.push(v as Value);
      }
    }
    let end = this.pos;
    while (end < b.length && !WHITE.has(b[end]) && !DELIMITER.has(b[end])) end++;
    if (end === this.pos) {
      // A stray delimiter (`)`, `>`, `{`, `}`, `]`): skip it.
      this.pos++;
      return new Op(String.fromCharCode(c));
    }
    const word = b.toString('latin1', this.pos, end);
    this.pos = end;
    if (NUMBER.test(word)) {
      if (this.references && /^\d+$/.test(word)) {
        const m = /^\s+\d+\s+R(?=[\s/<>[\]()%]|$)/.exec(b.toString('latin1', this.pos, this.pos + 32));
        if (m) {
          this.pos += m[0].length;
          return new Ref(Number(word));
        }
      }
      return Number(word);
    }
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    return new Op(word);
  }

  private name(): Name {
    const b = this.buf;
    let end = ++this.pos;
    while (end < b.length && !WHITE.has(b[end]) && !DELIMITER.has(b[end])) end++;
    // Byte by byte, as pdf.js reads names (a tag is compared with what pdf.js reports).
    const name = b.toString('latin1', this.pos, end).replace(/#([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    this.pos = end;
    return new Name(name);
  }

  private dict(): Dict {
    const b = this.buf;
    this.pos += 2;
    const dict: Dict = new Map();
    for (;;) {
      this.skipSpace();
      if (this.pos >= b.length) throw new Error('unterminated dictionary');
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return dict;
      }
      const key = this.next();
      if (!(key instanceof Name)) continue; // tolerate junk where a key should be
      this.skipSpace();
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) continue; // a key without a value
      const value = this.next();
      if (!(value instanceof Op)) dict.set(key.name, value as Value);
    }
  }

  private hex(): PdfString {
    const end = this.buf.indexOf(0x3e, this.pos);
    if (end < 0) throw new Error('unterminated hex string');
    const hex = this.buf.toString('latin1', this.pos + 1, end).replace(/[^0-9a-fA-F]/g, '');
    this.pos = end + 1;
    return new PdfString(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
  }

  private literal(): PdfString {
    const b = this.buf;
    const out: number[] = [];
    let depth = 1;
    this.pos++;
    while (this.pos < b.length) {
      const c = b[this.pos++];
      if (c === 0x5c) {
        const e = b[this.pos++];
        if (e in ESCAPES) out.push(ESCAPES[e]);
        else if (e >= 0x30 && e <= 0x37) {
          let octal = e - 0x30;
          for (let k = 0; k < 2 && b[this.pos] >= 0x30 && b[this.pos] <= 0x37; k++) octal = octal * 8 + (b[this.pos++] - 0x30);
          out.push(octal & 0xff);
        } else if (e === 13) {
          if (b[this.pos] === 10) this.pos++;
        } else if (e !== 10 && e !== undefined) out.push(e);
      } else if (c === 0x28) {
        depth++;
        out.push(c);
      } else if (c === 0x29) {
        if (--depth === 0) return new PdfString(Buffer.from(out));
        out.push(c);
      } else out.push(c);
    }
    throw new Error('unterminated string');
  }
}

// PDFDocEncoding where it differs from Latin-1 (ISO 32000-1 Annex D.2).
const PDF_DOC: Record<number, number> = {
  0x18: 0x2d8, 0x19: 0x2c7, 0x1a: 0x2c6, 0x1b: 0x2d9, 0x1c: 0x2dd, 0x1d: 0x2db, 0x1e: 0x2da, 0x1f: 0x2dc,
  0x80: 0x2022, 0x81: 0x2020, 0x82: 0x2021, 0x83: 0x2026, 0x84: 0x2014, 0x85: 0x2013, 0x86: 0x192, 0x87: 0x2044,
  0x88: 0x2039, 0x89: 0x203a, 0x8a: 0x2212, 0x8b: 0x2030, 0x8c: 0x201e, 0x8d: 0x201c, 0x8e: 0x201d, 0x8f: 0x2018,
  0x90: 0x2019, 0x91: 0x201a, 0x92: 0x2122, 0x93: 0xfb01, 0x94: 0xfb02, 0x95: 0x141, 0x96: 0x152, 0x97: 0x160,
  0x98: 0x178, 0x99: 0x17d, 0x9a: 0x131, 0x9b: 0x142, 0x9c: 0x153, 0x9d: 0x161, 0x9e: 0x17e, 0xa0: 0x20ac,
};

/** A text string (7.9.2.2): UTF-16BE or UTF-8 with their byte order marks, else PDFDocEncoding. */
export function textString(bytes: Buffer): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    let s = '';
    for (let i = 2; i + 1 < bytes.length; i += 2) s += String.fromCharCode(bytes.readUInt16BE(i));
    // A language escape (U+001B, language code, U+001B) is not text.
    return s.replace(/\x1b[^\x1b]*\x1b/g, '');
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8').replace(/\x1b[^\x1b]*\x1b/g, '');
  return String.fromCharCode(...[...bytes].map((b) => PDF_DOC[b] ?? b));
}

function unpredict(data: Buffer, parms: Dict | undefined): Buffer {
  const predictor = (parms?.get('Predictor') as number | undefined) ?? 1;
  if (predictor < 2) return data;
  const colors = (parms?.get('Colors') as number | undefined) ?? 1;
  const bits = (parms?.get('BitsPerComponent') as number | undefined) ?? 8;
  const columns = (parms?.get('Columns') as number | undefined) ?? 1;
  const pixel = Math.max(1, Math.ceil((colors * bits) / 8));
  const row = Math.ceil((colors * bits * columns) / 8);
  if (predictor === 2) {
    if (bits !== 8) throw new Error('TIFF predictor with other than 8 bits');
    const out = Buffer.from(data);
    for (let r = 0; r + row <= out.length; r += row) for (let i = pixel; i < row; i++) out[r + i] = (out[r + i] + out[r + i - pixel]) & 0xff;
    return out;
  }
  // PNG predictors (10–15): each row starts with its own filter type.
  const out = Buffer.alloc(Math.floor(data.length / (row + 1)) * row);
  const previous = Buffer.alloc(row);
  for (let r = 0, o = 0; r + row + 1 <= data.length; r += row + 1, o += row) {
    const type = data[r];
    for (let i = 0; i < row; i++) {
      const x = data[r + 1 + i];
      const a = i >= pixel ? out[o + i - pixel] : 0;
      const b = previous[i];
      const c = i >= pixel ? previous[i - pixel] : 0;
      let v: number;
      if (type === 0) v = x;
      else if (type === 1) v = x + a;
      else if (type === 2) v = x + b;
      else if (type === 3) v = x + ((a + b) >> 1);
      else if (type === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      } else throw new Error(`PNG predictor ${type}`);
      out[o + i] = v & 0xff;
    }
    out.copy(previous, 0, o, o + row);
  }
  return out;
}

function asciiHex(data: Buffer): Buffer {
  const text = data.toString('latin1');
  const end = text.indexOf('>');
  const hex = (end >= 0 ? text.slice(0, end) : text).replace(/[^0-9a-fA-F]/g, '');
  return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
}

function ascii85(data: Buffer): Buffer {
  const text = data.toString('latin1').replace(/^\s*<~/, '');
  const end = text.indexOf('~>');
  const body = (end >= 0 ? text.slice(0, end) : text).replace(/\s+/g, '');
  const out: number[] = [];
  let group: number[] = [];
  const flush = (n: number) => {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 85 + (group[i] ?? 84);
    for (let i = 0; i < n - 1; i++) out.push((value >>> (24 - 8 * i)) & 0xff);
  };
  for (const ch of body) {
    if (ch === 'z' && group.length === 0) {
      out.push(0, 0, 0, 0);
      continue;
    }
    const d = ch.charCodeAt(0) - 33;
    if (d < 0 || d > 84) throw new Error('bad ASCII85 data');
    group.push(d);
    if (group.length === 5) {
      flush(5);
      group = [];
    }
  }
  if (group.length > 1) flush(group.length);
  return Buffer.from(out);
}

/** A stream's data with its filters undone: Flate (with predictors), ASCIIHex and ASCII85; any other throws. */
function decode(stream: Stream, resolve: (v: Value | undefined) => Value | undefined): Buffer {
  const filter = resolve(stream.dict.get('Filter'));
  const filters = (Array.isArray(filter) ? filter : filter ? [filter] : []).map((f) => resolve(f));
  const parmsValue = resolve(stream.dict.get('DecodeParms'));
  const parms = (Array.isArray(parmsValue) ? parmsValue : [parmsValue]).map((p) => resolve(p));
  let data = stream.raw;
  filters.forEach((f, k) => {
    const name = f instanceof Name ? f.name : '';
    const p = parms[k] instanceof Map ? (parms[k] as Dict) : undefined;
    if (name === 'FlateDecode' || name === 'Fl') {
      let inflated: Buffer;
      try {
        inflated = inflateSync(data);
      } catch {
        // Many writers end the data without the checksum, or short: take what inflates.
        inflated = inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
      }
      data = unpredict(inflated, p);
    } else if (name === 'ASCIIHexDecode' || name === 'AHx') data = asciiHex(data);
    else if (name === 'ASCII85Decode' || name === 'A85') data = ascii85(data);
    else throw new Error(`filter ${name || '?'} not supported`);
  });
  return data;
}

type Location = { offset: number } | { stream: number; index: number } | null;

/** A PDF file's objects, read through its cross-reference data (or, where that fails, by scanning the file). */
export class PdfObjects {
  private readonly xref = new Map<number, Location>();
  private readonly cache = new Map<number, Value>();
  private readonly packed = new Map<number, Map<number, Value>>();
  private scanned?: Map<number, number>;
  readonly trailer: Dict = new Map();
  /**
   * How many revisions the file has: its cross-reference sections, the original's and one per incremental update
   * (ISO 32000-1 7.5.6). 0 when they could not be read and the objects were found by scanning the file.
   */
  revisions = 0;

  constructor(readonly bytes: Buffer) {
    try {
      const tail = bytes.toString('latin1', Math.max(0, bytes.length - 1024));
      const at = /startxref\s+(\d+)\s*(%%EOF)?\s*$/.exec(tail.slice(tail.lastIndexOf('startxref')));
      if (!at) throw new Error('no startxref');
      const seen = new Set<number>();
      for (let offset: number | undefined = Number(at[1]); offset !== undefined && !seen.has(offset); ) {
        seen.add(offset);
        const trailer = this.readSection(offset);
        this.revisions++;
        for (const [k, v] of trailer) if (!this.trailer.has(k)) this.trailer.set(k, v);
        const stm = trailer.get('XRefStm');
        if (typeof stm === 'number' && !seen.has(stm)) {
          seen.add(stm);
          this.readSection(stm);
        }
        const prev = trailer.get('Prev');
        offset = typeof prev === 'number' ? prev : undefined;
      }
    } catch {
      this.revisions = 0;
      this.reconstruct();
    }
    if (this.trailer.has('Encrypt')) throw new Error('encrypted');
  }

  /** A text entry of the document information dictionary (`Producer`, `Creator`…), if the file has it. */
  info(key: string): string | undefined {
    const value = this.get(this.dict(this.trailer.get('Info'))?.get(key));
    return value instanceof PdfString ? textString(value.bytes) : undefined;
  }

  /** One cross-reference section (a table or a stream) at `offset`; its trailer dictionary. Earlier entries win. */
  private readSection(offset: number): Dict {
    const lexer = new Lexer(this.bytes, offset, true);
    lexer.skipSpace();
    if (this.bytes.toString('latin1', lexer.pos, lexer.pos + 4) === 'xref') {
      lexer.pos += 4;
      for (;;) {
        const first = lexer.next();
        if (first instanceof Op && first.op === 'trailer') return lexer.next() as Dict;
        const count = lexer.next();
        if (typeof first !== 'number' || typeof count !== 'number') throw new Error('bad xref table');
        for (let i = 0; i < count; i++) {
          const at = lexer.next();
          lexer.next();
          const kind = lexer.next();
          const num = first + i;
          if (!this.xref.has(num)) this.xref.set(num, kind instanceof Op && kind.op === 'n' && typeof at === 'number' ? { offset: at } : null);
        }
      }
    }
    const stream = this.readObjectAt(offset);
    if (!(stream instanceof Stream)) throw new Error('cross-reference stream expected');
    const data = decode(stream, (v) => v);
    const w = (stream.dict.get('W') as number[]).map(Number);
    const size = stream.dict.get('Size') as number;
    const index = (stream.dict.get('Index') as number[] | undefined) ?? [0, size];
    const field = (at: number, n: number) => {
      let v = 0;
      for (let i = 0; i < n; i++) v = v * 256 + data[at + i];
      return v;
    };
    let at = 0;
    for (let s = 0; s + 1 < index.length; s += 2) {
      for (let k = 0; k < index[s + 1] && at < data.length; k++) {
        const num = index[s] + k;
        const type = w[0] === 0 ? 1 : field(at, w[0]);
        const a = field(at + w[0], w[1]);
        const b = field(at + w[0] + w[1], w[2]);
        at += w[0] + w[1] + w[2];
        if (this.xref.has(num)) continue;
        this.xref.set(num, type === 1 ? { offset: a } : type === 2 ? { stream: a, index: b } : null);
      }
    }
    return stream.dict;
  }

  /** Without usable cross-reference data: every `n g obj` in the file (the last one of a number wins). */
  private reconstruct(): void {
    this.xref.clear();
    this.scanned = new Map();
    const text = this.bytes.toString('latin1');
    for (const m of text.matchAll(/(?<![0-9])(\d+)\s+\d+\s+obj\b/g)) this.scanned.set(Number(m[1]), m.index!);
    for (const [num, offset] of this.scanned) this.xref.set(num, { offset });
    for (const m of text.matchAll(/trailer\s*<</g)) {
      const trailer = new Lexer(this.bytes, m.index! + 7, true).next();
      if (trailer instanceof Map) for (const [k, v] of trailer) this.trailer.set(k, v);
    }
    // Objects packed in object streams.
    for (const num of this.scanned.keys()) {
      const value = this.object(num);
      if (value instanceof Stream && (value.dict.get('Type') as Name | undefined)?.name === 'ObjStm') {
        for (const inner of this.objectStream(num).keys()) if (!this.xref.has(inner)) this.xref.set(inner, { stream: num, index: -1 });
      }
      if (!this.trailer.has('Root') && value instanceof Stream && (value.dict.get('Type') as Name | undefined)?.name === 'XRef') {
        for (const [k, v] of value.dict) if (!this.trailer.has(k)) this.trailer.set(k, v);
      }
    }
  }

  private readObjectAt(offset: number): Value {
    const lexer = new Lexer(this.bytes, offset, true);
    lexer.next(); // number
    lexer.next(); // generation
    const keyword = lexer.next();
    if (!(keyword instanceof Op) || keyword.op !== 'obj') throw new Error(`no object at ${offset}`);
    const value = lexer.next() as Value;
    lexer.skipSpace();
    if (value instanceof Map && this.bytes.toString('latin1', lexer.pos, lexer.pos + 6) === 'stream') {
      let start = lexer.pos + 6;
      if (this.bytes[start] === 13) start++;
      if (this.bytes[start] === 10) start++;
      let length = value.get('Length');
      if (length instanceof Ref) length = this.object(length.num);
      let end = typeof length === 'number' ? start + length : -1;
      // A wrong /Length: the data ends where `endstream` is.
      if (end < start || end > this.bytes.length || !/^\s*endstream/.test(this.bytes.toString('latin1', end, end + 16))) {
        end = this.bytes.indexOf('endstream', start, 'latin1');
        if (end < 0) throw new Error('unterminated stream');
        while (end > start && (this.bytes[end - 1] === 10 || this.bytes[end - 1] === 13)) end--;
      }
      return new Stream(value, this.bytes.subarray(start, end));
    }
    return value;
  }

  /** Object number `num` (null when the file has none). */
  object(num: number): Value {
    if (this.cache.has(num)) return this.cache.get(num)!;
    this.cache.set(num, null); // against reference loops
    const where = this.xref.get(num);
    let value: Value = null;
    if (where && 'offset' in where) {
      try {
        value = this.readObjectAt(where.offset);
      } catch (error) {
        // A wrong offset: look for the object where it really is.
        this.scanned ??= this.scan();
        const offset = this.scanned.get(num);
        if (offset === undefined || offset === where.offset) throw error;
        value = this.readObjectAt(offset);
      }
    } else if (where) value = this.objectStream(where.stream).get(num) ?? null;
    this.cache.set(num, value);
    return value;
  }

  private scan(): Map<number, number> {
    const found = new Map<number, number>();
    for (const m of this.bytes.toString('latin1').matchAll(/(?<![0-9])(\d+)\s+\d+\s+obj\b/g)) found.set(Number(m[1]), m.index!);
    return found;
  }

  private objectStream(num: number): Map<number, Value> {
    let known = this.packed.get(num);
    if (known) return known;
    known = new Map();
    this.packed.set(num, known);
    const stream = this.object(num);
    if (!(stream instanceof Stream)) return known;
    const data = decode(stream, (v) => this.get(v));
    const n = this.get(stream.dict.get('N')) as number;
    const first = this.get(stream.dict.get('First')) as number;
    const head = new Lexer(data, 0, true);
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) pairs.push([head.next() as number, head.next() as number]);
    for (const [obj, offset] of pairs) known.set(obj, new Lexer(data, first + offset, true).next() as Value);
    return known;
  }

  /** A value with a reference resolved. */
  get(value: Value | undefined): Value | undefined {
    return value instanceof Ref ? this.object(value.num) : value;
  }

  dict(value: Value | undefined): Dict | undefined {
    const v = this.get(value);
    return v instanceof Map ? v : v instanceof Stream ? v.dict : undefined;
  }

  /**
   * The marked-content sequences of the page that is object `num`, in the order they begin; undefined when
   * none of them can have ActualText (the content names none, and paints no Form XObject).
   */
  markedContent(num: number): MarkedContent[] | undefined {
    const page = this.dict(new Ref(num));
    if (!page) throw new Error(`no page object ${num}`);
    // Resources are inherited through the page tree (7.7.3.4).
    let resources: Dict | undefined;
    for (let node: Dict | undefined = page, depth = 0; node && !resources && depth < 64; node = this.dict(node.get('Parent')), depth++) {
      resources = this.dict(node.get('Resources'));
    }
    const contents = this.get(page.get('Contents'));
    const streams = Array.isArray(contents) ? contents.map((c) => this.get(c)) : [contents];
    const data = Buffer.concat(streams.filter((s): s is Stream => s instanceof Stream).flatMap((s) => [decode(s, (v) => this.get(v)), Buffer.from('\n')]));
    if (data.indexOf('ActualText') < 0 && !resources?.has('Properties') && !/\bDo\b/.test(data.toString('latin1'))) return undefined;
    const out: MarkedContent[] = [];
    this.scanContent(data, resources, out, new Set());
    return out;
  }

  private scanContent(content: Buffer, resources: Dict | undefined, out: MarkedContent[], painting: Set<number>): void {
    const lexer = new Lexer(content);
    let operands: Value[] = [];
    for (;;) {
      const v = lexer.next();
      if (v === undefined) break;
      if (!(v instanceof Op)) {
        operands.push(v);
        continue;
      }
      const last = operands[operands.length - 1];
      if (v.op === 'BMC' && operands.length >= 1) out.push({ tag: last instanceof Name ? last.name : null });
      else if (v.op === 'BDC' && operands.length >= 2) {
        const tag = operands[operands.length - 2];
        // Properties inline, or by name from the resources' /Properties.
        const props = last instanceof Name ? this.dict(this.dict(resources?.get('Properties'))?.get(last.name)) : last instanceof Map ? last : undefined;
        const mark: MarkedContent = { tag: tag instanceof Name ? tag.name : null };
        // pdf.js reports an MCID only from properties written inline.
        const mcid = last instanceof Map ? last.get('MCID') : undefined;
        if (typeof mcid === 'number' && Number.isInteger(mcid)) mark.mcid = mcid;
        const actual = this.get(props?.get('ActualText'));
        if (actual instanceof PdfString) mark.actualText = textString(actual.bytes);
        out.push(mark);
      } else if (v.op === 'BI') this.skipInlineImage(lexer);
      else if (v.op === 'Do' && last instanceof Name) {
        const ref = this.dict(resources?.get('XObject'))?.get(last.name);
        const xobject = this.get(ref);
        const key = ref instanceof Ref ? ref.num : -1;
        if (xobject instanceof Stream && (this.get(xobject.dict.get('Subtype')) as Name | undefined)?.name === 'Form' && !painting.has(key)) {
          painting.add(key);
          this.scanContent(decode(xobject, (x) => this.get(x)), this.dict(xobject.dict.get('Resources')) ?? resources, out, painting);
          painting.delete(key);
        }
      }
      operands = [];
    }
  }

  /** Past an inline image (BI … ID data EI): its data is binary, not syntax. */
  private skipInlineImage(lexer: Lexer): void {
    const dict: Dict = new Map();
    for (;;) {
      const key = lexer.next();
      if (key === undefined) return;
      if (key instanceof Op && key.op === 'ID') break;
      if (key instanceof Name) dict.set(key.name, lexer.next() as Value);
    }
    const b = lexer.buf;
    const start = lexer.pos + 1; // one white-space character after ID
    const length = dict.get('L') ?? dict.get('Length');
    if (typeof length === 'number' && /^\s*EI(\s|$)/.test(b.toString('latin1', start + length, start + length + 8))) {
      lexer.pos = b.indexOf('EI', start + length, 'latin1') + 2;
      return;
    }
    // `EI` between white space, as the end of the data.
    for (let at = b.indexOf('EI', start, 'latin1'); at >= 0; at = b.indexOf('EI', at + 1, 'latin1')) {
      if (WHITE.has(b[at - 1]) && (at + 2 >= b.length || WHITE.has(b[at + 2]))) {
        lexer.pos = at + 2;
        return;
      }
    }
    lexer.pos = b.length;
  }
}
