// A TrueType subset that keeps every glyph's id: outlines of unused glyphs are emptied, nothing is renumbered.
// Pages encoded once with the font's own glyph ids can then share one embedded subset in any document.

const KEEP = ['head', 'hhea', 'maxp', 'hmtx', 'cvt ', 'fpgm', 'prep'];

interface Table {
  tag: string;
  offset: number;
  length: number;
}

function readTables(font: Buffer): Map<string, Table> {
  const count = font.readUInt16BE(4);
  const tables = new Map<string, Table>();
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    const tag = font.toString('latin1', at, at + 4);
    tables.set(tag, { tag, offset: font.readUInt32BE(at + 8), length: font.readUInt32BE(at + 12) });
  }
  return tables;
}

function checksum(data: Buffer): number {
  let sum = 0;
  const padded = data.length % 4 === 0 ? data : Buffer.concat([data, Buffer.alloc(4 - (data.length % 4))]);
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

/** Components a composite glyph is built from (they must be kept too). */
function components(glyph: Buffer): number[] {
  if (glyph.length < 10 || glyph.readInt16BE(0) >= 0) return [];
  const ids: number[] = [];
  let at = 10;
  for (;;) {
    const flags = glyph.readUInt16BE(at);
    ids.push(glyph.readUInt16BE(at + 2));
    at += 4 + (flags & 0x0001 ? 4 : 2);
    if (flags & 0x0008) at += 2;
    else if (flags & 0x0040) at += 4;
    else if (flags & 0x0080) at += 8;
    if (!(flags & 0x0020)) break;
  }
  return ids;
}

export function subsetKeepingGlyphIds(font: Buffer, used: Iterable<number>): Buffer {
  const tables = readTables(font);
  const table = (tag: string) => {
    const t = tables.get(tag);
    if (!t) throw new Error(`TrueType table ${tag} missing`);
    return font.subarray(t.offset, t.offset + t.length);
  };
  const head = Buffer.from(table('head'));
  const glyphCount = table('maxp').readUInt16BE(4);
  const shortLoca = head.readInt16BE(50) === 0;
  const loca = table('loca');
  const glyf = table('glyf');
  const offsetOf = (id: number) => (shortLoca ? loca.readUInt16BE(id * 2) * 2 : loca.readUInt32BE(id * 4));
  const glyphData = (id: number) => glyf.subarray(offsetOf(id), offsetOf(id + 1));

  const keep = new Set<number>([0]);
  const pending = [...used];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (id >= glyphCount || keep.has(id)) continue;
    keep.add(id);
    pending.push(...components(glyphData(id)));
  }

  const newLoca = Buffer.alloc((glyphCount + 1) * 4);
  const parts: Buffer[] = [];
  let offset = 0;
  for (let id = 0; id < glyphCount; id++) {
    newLoca.writeUInt32BE(offset, id * 4);
    if (keep.has(id)) {
      const data = glyphData(id);
      const padded = data.length % 4 === 0 ? data : Buffer.concat([data, Buffer.alloc(4 - (data.length % 4))]);
      parts.push(padded);
      offset += padded.length;
    }
  }
  newLoca.writeUInt32BE(offset, glyphCount * 4);
  head.writeInt16BE(1, 50); // long loca offsets
  head.writeUInt32BE(0, 8); // checkSumAdjustment, set below

  const out = new Map<string, Buffer>();
  for (const tag of KEEP) if (tables.has(tag)) out.set(tag, tag === 'head' ? head : Buffer.from(table(tag)));
  out.set('loca', newLoca);
  out.set('glyf', Buffer.concat(parts));

  const tags = [...out.keys()].sort();
  const numTables = tags.length;
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  const header = Buffer.alloc(12 + numTables * 16);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(numTables, 4);
  header.writeUInt16BE(searchRange, 6);
  header.writeUInt16BE(entrySelector, 8);
  header.writeUInt16BE(numTables * 16 - searchRange, 10);
  const bodies: Buffer[] = [];
  let at = header.length;
  tags.forEach((tag, i) => {
    const data = out.get(tag)!;
    const padded = data.length % 4 === 0 ? data : Buffer.concat([data, Buffer.alloc(4 - (data.length % 4))]);
    const entry = 12 + i * 16;
    header.write(tag, entry, 'latin1');
    header.writeUInt32BE(checksum(data), entry + 4);
    header.writeUInt32BE(at, entry + 8);
    header.writeUInt32BE(data.length, entry + 12);
    bodies.push(padded);
    at += padded.length;
  });
  const file = Buffer.concat([header, ...bodies]);
  const headAt = header.readUInt32BE(12 + tags.indexOf('head') * 16 + 8);
  file.writeUInt32BE((0xb1b0afba - checksum(file)) >>> 0, headAt + 8);
  return file;
}
