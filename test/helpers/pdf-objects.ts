// A small PDF object reader for the conformance checks: enough of ISO 32000-1 (7.2–7.5) to read what sheetbook
// writes — indirect objects, object streams, cross-reference streams or tables — and content streams as operators.
// Independent of src/pdf/writer.ts on purpose: it reads the bytes, not what the writer meant to write. And apart
// from src/interchange/pdf-marked-content.ts (import's reader), whose lexer it resembles: that one forgives damage
// (it rebuilds a broken cross-reference table, skips junk in a dictionary) to read other tools' files, where a
// conformance check must see the file exactly as written and fail on what that reader would mend.
import { inflateSync } from 'node:zlib';

export class Name {
  constructor(readonly name: string) {}
}
export class Ref {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}
export class Str {
  constructor(readonly bytes: Buffer) {}
  /** A text string (UTF-16BE with BOM, or PDFDocEncoding read as Latin-1). */
  text(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      let s = '';
      for (let i = 2; i + 1 < b.length; i += 2) s += String.fromCharCode(b.readUInt16BE(i));
      return s;
    }
    return b.toString('latin1');
  }
}
export class Op {
  constructor(readonly op: string) {}
}
export type Value = number | boolean | null | Name | Ref | Str | Value[] | Dict | Stream;
export type Dict = Map<string, Value>;
export class Stream {
  constructor(
    readonly dict: Dict,
    readonly raw: Buffer,
  ) {}
}

const WHITE = new Set([0, 9, 10, 12, 13, 32]);
const DELIM = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));

/** Tokens and values of PDF syntax, from a buffer. */
export class Lexer {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}

  skip(): void {
    const b = this.buf;
    while (this.pos < b.length) {
      if (WHITE.has(b[this.pos])) this.pos++;
      else if (b[this.pos] === 0x25) while (this.pos < b.length && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
      else break;
    }
  }

  /** The next value; in content streams, bare words come back as operators. */
  value(): Value | Op | undefined {
    this.skip();
    const b = this.buf;
    if (this.pos >= b.length) return undefined;
    const c = b[this.pos];
    if (c === 0x2f) {
      let end = ++this.pos;
      while (end < b.length && !WHITE.has(b[end]) && !DELIM.has(b[end])) end++;
      const raw = b.toString('latin1', this.pos, end).replace(/#([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
      this.pos = end;
      return new Name(raw);
    }
    if (c === 0x28) return this.literal();
    if (c === 0x3c && b[this.pos + 1] === 0x3c) {
      this.pos += 2;
      const dict: Dict = new Map();
      for (;;) {
        this.skip();
        if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
          this.pos += 2;
          break;
        }
        const key = this.value();
        if (!(key instanceof Name)) throw new Error(`dictionary key expected at ${this.pos}`);
        dict.set(key.name, this.value() as Value);
      }
      return dict;
    }
    if (c === 0x3c) {
      const end = b.indexOf(0x3e, this.pos);
      const hex = b.toString('latin1', this.pos + 1, end).replace(/\s+/g, '');
      this.pos = end + 1;
      return new Str(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
    }
    if (c === 0x5b) {
      this.pos++;
      const list: Value[] = [];
      for (;;) {
        this.skip();
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return list;
        }
        list.push(this.value() as Value);
      }
    }
    let end = this.pos;
    while (end < b.length && !WHITE.has(b[end]) && !DELIM.has(b[end])) end++;
    if (end === this.pos) {
      this.pos++;
      return new Op(String.fromCharCode(c));
    }
    const word = b.toString('latin1', this.pos, end);
    this.pos = end;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) {
      const n = Number(word);
      // `n g R`: a reference, when two integers and R follow.
      if (Number.isInteger(n) && !word.includes('.')) {
        const m = /^\s+(\d+)\s+R(?=[\s/<>[\]()%]|$)/.exec(b.toString('latin1', this.pos, this.pos + 24));
        if (m) {
          this.pos += m[0].length;
          return new Ref(n, Number(m[1]));
        }
      }
      return n;
    }
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    return new Op(word);
  }

  private literal(): Str {
    const b = this.buf;
    const out: number[] = [];
    let depth = 1;
    this.pos++;
    while (this.pos < b.length) {
      const c = b[this.pos++];
      if (c === 0x5c) {
        const e = b[this.pos++];
        const map: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 102: 12, 40: 40, 41: 41, 92: 92 };
        if (e in map) out.push(map[e]);
        else if (e >= 0x30 && e <= 0x37) {
          let oct = e - 0x30;
          for (let k = 0; k < 2 && b[this.pos] >= 0x30 && b[this.pos] <= 0x37; k++) oct = oct * 8 + (b[this.pos++] - 0x30);
          out.push(oct & 0xff);
        } else if (e === 13 || e === 10) {
          if (e === 13 && b[this.pos] === 10) this.pos++;
        } else out.push(e);
      } else if (c === 0x28) {
        depth++;
        out.push(c);
      } else if (c === 0x29) {
        if (--depth === 0) break;
        out.push(c);
      } else out.push(c);
    }
    return new Str(Buffer.from(out));
  }
}

export function decodeStream(stream: Stream): Buffer {
  const filter = stream.dict.get('Filter');
  const filters = Array.isArray(filter) ? filter : filter ? [filter] : [];
  let data = stream.raw;
  for (const f of filters) {
    if (!(f instanceof Name) || f.name !== 'FlateDecode') throw new Error(`filter ${String(f)} not supported`);
    data = inflateSync(data);
  }
  return data;
}

/** A whole file: its objects by number, read through the cross-reference data the file itself gives. */
export class PdfFile {
  readonly trailer: Dict;
  readonly header: string;
  /** Object number → where it is: a byte offset, or [object stream, index]. */
  readonly xref = new Map<number, number | [number, number]>();
  private readonly cache = new Map<number, Value>();
  private readonly packed = new Map<number, Map<number, Value>>();
  /** Objects replaced after reading (to build deliberately broken files for the checker's own tests). */
  readonly overrides = new Map<number, Value>();

  constructor(readonly bytes: Buffer) {
    this.header = bytes.toString('latin1', 0, 32);
    const tail = bytes.toString('latin1', Math.max(0, bytes.length - 64));
    const at = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
    if (!at) throw new Error('no startxref');
    this.trailer = this.readXref(Number(at[1]));
  }

  private readXref(offset: number): Dict {
    if (this.bytes.toString('latin1', offset, offset + 4) === 'xref') {
      const lexer = new Lexer(this.bytes, offset + 4);
      for (;;) {
        lexer.skip();
        if (this.bytes.toString('latin1', lexer.pos, lexer.pos + 7) === 'trailer') {
          lexer.pos += 7;
          return lexer.value() as Dict;
        }
        const first = lexer.value() as number;
        const count = lexer.value() as number;
        lexer.skip();
        for (let i = 0; i < count; i++) {
          const line = this.bytes.toString('latin1', lexer.pos, lexer.pos + 20);
          if (line[17] === 'n') this.xref.set(first + i, Number(line.slice(0, 10)));
          lexer.pos += 20;
        }
      }
    }
    const { value } = this.readObjectAt(offset);
    if (!(value instanceof Stream) || (value.dict.get('Type') as Name)?.name !== 'XRef') throw new Error('cross-reference stream expected');
    const data = decodeStream(value);
    const w = (value.dict.get('W') as number[]).map(Number);
    const size = value.dict.get('Size') as number;
    const index = (value.dict.get('Index') as number[] | undefined) ?? [0, size];
    const field = (at: number, n: number) => {
      let v = 0;
      for (let i = 0; i < n; i++) v = v * 256 + data[at + i];
      return v;
    };
    let at = 0;
    for (let s = 0; s < index.length; s += 2) {
      for (let k = 0; k < index[s + 1]; k++) {
        const num = index[s] + k;
        const type = w[0] === 0 ? 1 : field(at, w[0]);
        const a = field(at + w[0], w[1]);
        const b = field(at + w[0] + w[1], w[2]);
        at += w[0] + w[1] + w[2];
        if (type === 1) this.xref.set(num, a);
        else if (type === 2) this.xref.set(num, [a, b]);
      }
    }
    return value.dict;
  }

  private readObjectAt(offset: number): { num: number; value: Value } {
    const lexer = new Lexer(this.bytes, offset);
    const num = lexer.value() as number;
    lexer.value(); // generation
    const keyword = lexer.value();
    if (!(keyword instanceof Op) || keyword.op !== 'obj') throw new Error(`object expected at ${offset}`);
    const value = lexer.value() as Value;
    lexer.skip();
    if (value instanceof Map && this.bytes.toString('latin1', lexer.pos, lexer.pos + 6) === 'stream') {
      let start = lexer.pos + 6;
      if (this.bytes[start] === 13) start++;
      if (this.bytes[start] === 10) start++;
      let length = value.get('Length');
      if (length instanceof Ref) length = this.object(length.num) as number;
      return { num, value: new Stream(value, this.bytes.subarray(start, start + (length as number))) };
    }
    return { num, value };
  }

  /** A reference resolved (any other value as it is). */
  get(value: Value): Value {
    return value instanceof Ref ? this.object(value.num) : value;
  }

  /** Object number `num`. */
  object(num: number): Value {
    if (this.overrides.has(num)) return this.overrides.get(num)!;
    if (this.cache.has(num)) return this.cache.get(num)!;
    const where = this.xref.get(num);
    let value: Value = null;
    if (typeof where === 'number') value = this.readObjectAt(where).value;
    else if (where) value = this.objectStream(where[0]).get(num) ?? null;
    this.cache.set(num, value);
    return value;
  }

  private objectStream(num: number): Map<number, Value> {
    let known = this.packed.get(num);
    if (known) return known;
    const stream = this.object(num) as Stream;
    const data = decodeStream(stream);
    const n = stream.dict.get('N') as number;
    const first = stream.dict.get('First') as number;
    const head = new Lexer(data);
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) pairs.push([head.value() as number, head.value() as number]);
    known = new Map();
    for (const [obj, off] of pairs) known.set(obj, new Lexer(data, first + off).value() as Value);
    this.packed.set(num, known);
    return known;
  }

  /** Every object number in the file. */
  numbers(): number[] {
    return [...this.xref.keys()].sort((a, b) => a - b);
  }

  dict(value: Value | undefined): Dict | undefined {
    const v = value === undefined ? undefined : this.get(value);
    return v instanceof Map ? v : v instanceof Stream ? v.dict : undefined;
  }

  /** dict[key], with references resolved. */
  at(dict: Dict | undefined, key: string): Value | undefined {
    const v = dict?.get(key);
    return v === undefined ? undefined : this.get(v);
  }

  catalog(): Dict {
    return this.dict(this.trailer.get('Root'))!;
  }

  /** The page objects in order, with their object numbers. */
  pages(): { num: number; dict: Dict }[] {
    const out: { num: number; dict: Dict }[] = [];
    const walk = (ref: Value) => {
      const node = this.dict(ref)!;
      if ((node.get('Type') as Name).name === 'Pages') for (const kid of node.get('Kids') as Value[]) walk(kid);
      else out.push({ num: (ref as Ref).num, dict: node });
    };
    walk(this.catalog().get('Pages')!);
    return out;
  }

  /** A page's content, all its streams decoded and joined (ISO 32000-1 7.8.2). */
  content(page: Dict): Buffer {
    const contents = this.get(page.get('Contents')!);
    const list = Array.isArray(contents) ? contents : [page.get('Contents')!];
    return Buffer.concat(list.map((c) => Buffer.concat([decodeStream(this.get(c) as Stream), Buffer.from('\n')])));
  }
}

/** A content stream as operators with their operands. */
export function operators(content: Buffer): { op: string; args: Value[] }[] {
  const lexer = new Lexer(content);
  const out: { op: string; args: Value[] }[] = [];
  let args: Value[] = [];
  for (;;) {
    const v = lexer.value();
    if (v === undefined) break;
    if (v instanceof Op) {
      out.push({ op: v.op, args });
      args = [];
    } else args.push(v);
  }
  return out;
}

export const nameOf = (v: Value | undefined): string | undefined => (v instanceof Name ? v.name : undefined);
