// A PDF file's objects (ISO 32000-1 7.2–7.5, 7.7.3, 7.8): values, indirect objects by reference, streams with
// their filters undone, the page tree, and a content stream as operators. Cross-reference tables and streams,
// incremental updates and object streams are read. `import` reads other tools' files with it, and forgives damage
// (a broken cross-reference table is rebuilt by scanning the file, an object at a wrong offset is looked for,
// junk where a dictionary key should be is skipped, a wrong /Length or a Flate stream cut short is mended). The
// tests read sheetbook's own files with it `exact`: then each of those mends is an error instead, so a check sees
// the file as written. An encrypted file throws either way (its strings and streams cannot be read).
import { undoFilters, type FilterParms } from './pdf-filters';

export class Name {
  constructor(readonly name: string) {}
}
/** An indirect reference, `num gen R`. */
export class Ref {
  constructor(
    readonly num: number,
    readonly gen = 0,
  ) {}
}
export class PdfString {
  constructor(readonly bytes: Buffer) {}
  /** The string read as a text string (7.9.2.2). */
  text(): string {
    return textString(this.bytes);
  }
}
export class Stream {
  constructor(
    readonly dict: Dict,
    /** The data as stored, filters not undone. */
    readonly raw: Buffer,
  ) {}
}
export type Value = number | boolean | null | Name | Ref | PdfString | Value[] | Dict | Stream;
export type Dict = Map<string, Value>;

/** A bare word: an operator in a content stream, a keyword (`obj`, `R`, `trailer`) elsewhere. */
class Op {
  constructor(readonly op: string) {}
}

export const nameOf = (v: Value | undefined): string | undefined => (v instanceof Name ? v.name : undefined);

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
    private readonly exact = false,
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
        else if (this.exact) throw new Error(`"${v.op}" in an array at ${this.pos}`);
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
        const m = /^\s+(\d+)\s+R(?=[\s/<>[\]()%]|$)/.exec(b.toString('latin1', this.pos, this.pos + 32));
        if (m) {
          this.pos += m[0].length;
          return new Ref(Number(word), Number(m[1]));
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
      const at = this.pos;
      const key = this.next();
      if (!(key instanceof Name)) {
        if (this.exact) throw new Error(`dictionary key expected at ${at}`);
        continue; // tolerate junk where a key should be
      }
      this.skipSpace();
      const value = b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e ? undefined : this.next();
      if (value !== undefined && !(value instanceof Op)) dict.set(key.name, value);
      else if (this.exact) throw new Error(`no value for /${key.name} at ${at}`);
    }
  }

  private hex(): PdfString {
    const end = this.buf.indexOf(0x3e, this.pos);
    if (end < 0) throw new Error('unterminated hex string');
    const text = this.buf.toString('latin1', this.pos + 1, end);
    if (this.exact && /[^0-9a-fA-F\s]/.test(text)) throw new Error(`not a hex digit in a hex string at ${this.pos}`);
    const hex = text.replace(/[^0-9a-fA-F]/g, '');
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

/** One operator of a content stream with its operands. An inline image is one `BI`, its parameters the operand. */
export interface Operation {
  op: string;
  args: Value[];
}

/** A content stream (7.8.2) as its operators, in order. */
export function operators(content: Buffer): Operation[] {
  const lexer = new Lexer(content);
  const out: Operation[] = [];
  let args: Value[] = [];
  for (;;) {
    const v = lexer.next();
    if (v === undefined) break;
    if (!(v instanceof Op)) {
      args.push(v);
      continue;
    }
    out.push(v.op === 'BI' ? { op: 'BI', args: [skipInlineImage(lexer)] } : { op: v.op, args });
    args = [];
  }
  return out;
}

/** Past an inline image (BI … ID data EI), whose data is binary, not syntax; its parameters. */
function skipInlineImage(lexer: Lexer): Dict {
  const dict: Dict = new Map();
  for (;;) {
    const key = lexer.next();
    if (key === undefined) return dict;
    if (key instanceof Op && key.op === 'ID') break;
    if (key instanceof Name) dict.set(key.name, lexer.next() as Value);
  }
  const b = lexer.buf;
  const start = lexer.pos + 1; // one white-space character after ID
  const length = dict.get('L') ?? dict.get('Length');
  if (typeof length === 'number' && /^\s*EI(\s|$)/.test(b.toString('latin1', start + length, start + length + 8))) {
    lexer.pos = b.indexOf('EI', start + length, 'latin1') + 2;
    return dict;
  }
  // `EI` between white space, as the end of the data.
  for (let at = b.indexOf('EI', start, 'latin1'); at >= 0; at = b.indexOf('EI', at + 1, 'latin1')) {
    if (WHITE.has(b[at - 1]) && (at + 2 >= b.length || WHITE.has(b[at + 2]))) {
      lexer.pos = at + 2;
      return dict;
    }
  }
  lexer.pos = b.length;
  return dict;
}

type Location = { offset: number } | { stream: number; index: number } | null;

export interface ReadOptions {
  /** Read the file only as written: what `import` would mend is an error (see the top of this file). */
  exact?: boolean;
}

/** A PDF file's objects, read through its cross-reference data (or, where that fails, by scanning the file). */
export class PdfObjects {
  private readonly xref = new Map<number, Location>();
  private readonly cache = new Map<number, Value>();
  private readonly packed = new Map<number, Map<number, Value>>();
  private readonly exact: boolean;
  private scanned?: Map<number, number>;
  /** The trailer: the newest revision's entries, and the older ones' it does not repeat. */
  readonly trailer: Dict = new Map();
  /**
   * How many revisions the file has: its cross-reference sections, the original's and one per incremental update
   * (ISO 32000-1 7.5.6). 0 when they could not be read and the objects were found by scanning the file.
   */
  revisions = 0;

  constructor(
    readonly bytes: Buffer,
    options: ReadOptions = {},
  ) {
    this.exact = options.exact ?? false;
    try {
      const tail = bytes.toString('latin1', Math.max(0, bytes.length - 1024));
      const at = /startxref\s+(\d+)\s*(%%EOF)?\s*$/.exec(tail.slice(tail.lastIndexOf('startxref')));
      if (!at) throw new Error('no startxref');
      if (this.exact && !at[2]) throw new Error('no %%EOF after startxref');
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
    } catch (error) {
      if (this.exact) throw error;
      this.revisions = 0;
      this.reconstruct();
    }
    if (this.trailer.has('Encrypt')) throw new Error('encrypted');
  }

  /** The file's first line and a little more (`%PDF-1.7`…). */
  get header(): string {
    return this.bytes.toString('latin1', 0, 32);
  }

  /** A text entry of the document information dictionary (`Producer`, `Creator`…), if the file has it. */
  info(key: string): string | undefined {
    const value = this.get(this.dict(this.trailer.get('Info'))?.get(key));
    return value instanceof PdfString ? value.text() : undefined;
  }

  private lexer(buf: Buffer, pos: number): Lexer {
    return new Lexer(buf, pos, true, this.exact);
  }

  /** One cross-reference section (a table or a stream) at `offset`; its trailer dictionary. Earlier entries win. */
  private readSection(offset: number): Dict {
    const lexer = this.lexer(this.bytes, offset);
    lexer.skipSpace();
    if (this.bytes.toString('latin1', lexer.pos, lexer.pos + 4) === 'xref') {
      lexer.pos += 4;
      for (;;) {
        const first = lexer.next();
        if (first instanceof Op && first.op === 'trailer') {
          const trailer = lexer.next();
          if (!(trailer instanceof Map)) throw new Error('no trailer dictionary');
          return trailer;
        }
        const count = lexer.next();
        if (typeof first !== 'number' || typeof count !== 'number') throw new Error('bad xref table');
        for (let i = 0; i < count; i++) {
          const at = lexer.next();
          lexer.next();
          const kind = lexer.next();
          const num = first + i;
          if (this.exact && !(typeof at === 'number' && kind instanceof Op && (kind.op === 'n' || kind.op === 'f'))) throw new Error(`bad xref entry for object ${num}`);
          if (!this.xref.has(num)) this.xref.set(num, kind instanceof Op && kind.op === 'n' && typeof at === 'number' ? { offset: at } : null);
        }
      }
    }
    const stream = this.readObjectAt(offset);
    if (!(stream instanceof Stream)) throw new Error('cross-reference stream expected');
    if (this.exact && nameOf(stream.dict.get('Type')) !== 'XRef') throw new Error('cross-reference stream is not /Type /XRef');
    const data = this.decodeWith(stream, (v) => v);
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
      const trailer = this.lexer(this.bytes, m.index! + 7).next();
      if (trailer instanceof Map) for (const [k, v] of trailer) this.trailer.set(k, v);
    }
    // Objects packed in object streams.
    for (const num of this.scanned.keys()) {
      const value = this.object(num);
      if (value instanceof Stream && nameOf(value.dict.get('Type')) === 'ObjStm') {
        for (const inner of this.objectStream(num).keys()) if (!this.xref.has(inner)) this.xref.set(inner, { stream: num, index: -1 });
      }
      if (!this.trailer.has('Root') && value instanceof Stream && nameOf(value.dict.get('Type')) === 'XRef') {
        for (const [k, v] of value.dict) if (!this.trailer.has(k)) this.trailer.set(k, v);
      }
    }
  }

  private readObjectAt(offset: number): Value {
    const lexer = this.lexer(this.bytes, offset);
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
      if (end < start || end > this.bytes.length || !/^\s*endstream/.test(this.bytes.toString('latin1', end, end + 16))) {
        if (this.exact) throw new Error(`the stream at ${offset} does not end where its /Length says`);
        // A wrong /Length: the data ends where `endstream` is.
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
        if (this.exact) throw error;
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

  /** The numbers of the objects the file has, in order. */
  numbers(): number[] {
    return [...this.xref].filter(([, where]) => where !== null).map(([num]) => num).sort((a, b) => a - b);
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
    if (!(stream instanceof Stream)) {
      if (this.exact) throw new Error(`object stream ${num} is not a stream`);
      return known;
    }
    const data = this.decode(stream);
    const n = this.get(stream.dict.get('N')) as number;
    const first = this.get(stream.dict.get('First')) as number;
    const head = this.lexer(data, 0);
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) pairs.push([head.next() as number, head.next() as number]);
    for (const [obj, offset] of pairs) known.set(obj, this.lexer(data, first + offset).next() as Value);
    return known;
  }

  /** A value with a reference resolved. */
  get(value: Value): Value;
  get(value: Value | undefined): Value | undefined;
  get(value: Value | undefined): Value | undefined {
    return value instanceof Ref ? this.object(value.num) : value;
  }

  /** A dictionary, or a stream's dictionary, reference resolved. */
  dict(value: Value | undefined): Dict | undefined {
    const v = this.get(value);
    return v instanceof Map ? v : v instanceof Stream ? v.dict : undefined;
  }

  /** dict[key], reference resolved. */
  at(dict: Dict | undefined, key: string): Value | undefined {
    return this.get(dict?.get(key));
  }

  /** A stream's data with its filters undone. */
  decode(stream: Stream): Buffer {
    return this.decodeWith(stream, (v) => this.get(v));
  }

  private decodeWith(stream: Stream, resolve: (v: Value | undefined) => Value | undefined): Buffer {
    const filter = resolve(stream.dict.get('Filter'));
    const filters = (Array.isArray(filter) ? filter : filter ? [filter] : []).map((f) => nameOf(resolve(f)) ?? '');
    const parmsValue = resolve(stream.dict.get('DecodeParms'));
    const parms = (Array.isArray(parmsValue) ? parmsValue : [parmsValue]).map((p): FilterParms => {
      const d = resolve(p);
      return d instanceof Map ? d : undefined;
    });
    return undoFilters(stream.raw, filters, parms, this.exact);
  }

  catalog(): Dict {
    const catalog = this.dict(this.trailer.get('Root'));
    if (!catalog) throw new Error('no document catalog');
    return catalog;
  }

  /** The page objects in order (7.7.3), with their object numbers. */
  pages(): { num: number; dict: Dict }[] {
    const out: { num: number; dict: Dict }[] = [];
    const visiting = new Set<number>();
    const walk = (ref: Value | undefined) => {
      const node = this.dict(ref);
      if (!(ref instanceof Ref) || !node || visiting.has(ref.num)) throw new Error('broken page tree');
      if (nameOf(node.get('Type')) === 'Pages') {
        visiting.add(ref.num);
        const kids = this.get(node.get('Kids'));
        for (const kid of Array.isArray(kids) ? kids : []) walk(kid);
        visiting.delete(ref.num);
      } else out.push({ num: ref.num, dict: node });
    };
    walk(this.catalog().get('Pages'));
    return out;
  }

  /** A page's resources, inherited through the page tree (7.7.3.4). */
  resources(page: Dict): Dict | undefined {
    let resources: Dict | undefined;
    for (let node: Dict | undefined = page, depth = 0; node && !resources && depth < 64; node = this.dict(node.get('Parent')), depth++) {
      resources = this.dict(node.get('Resources'));
    }
    return resources;
  }

  /** A page's content: its streams decoded and joined, each followed by a line break (7.8.2). */
  content(page: Dict): Buffer {
    const contents = this.get(page.get('Contents'));
    const streams = Array.isArray(contents) ? contents.map((c) => this.get(c)) : contents === undefined ? [] : [contents];
    if (this.exact && streams.some((s) => !(s instanceof Stream))) throw new Error('page content that is not a stream');
    return Buffer.concat(streams.filter((s): s is Stream => s instanceof Stream).flatMap((s) => [this.decode(s), Buffer.from('\n')]));
  }
}
