// A PDF stream's filters undone (ISO 32000-1 7.4): Flate (with the TIFF and PNG predictors), ASCIIHex and ASCII85,
// the ones writers use for content, fonts and object streams. Any other filter throws.
import { inflateSync, constants } from 'node:zlib';

/** A filter's /DecodeParms, as far as this module reads them. */
export type FilterParms = ReadonlyMap<string, unknown> | undefined;

/**
 * `data` with the named filters undone, in order. `exact`: a Flate stream must be whole; otherwise, as many
 * writers end the data short or without its checksum, what inflates is taken.
 */
export function undoFilters(data: Buffer, filters: readonly string[], parms: readonly FilterParms[], exact: boolean): Buffer {
  filters.forEach((name, k) => {
    if (name === 'FlateDecode' || name === 'Fl') data = unpredict(inflate(data, exact), parms[k]);
    else if (name === 'ASCIIHexDecode' || name === 'AHx') data = asciiHex(data);
    else if (name === 'ASCII85Decode' || name === 'A85') data = ascii85(data);
    else throw new Error(`filter ${name || '?'} not supported`);
  });
  return data;
}

function inflate(data: Buffer, exact: boolean): Buffer {
  if (exact) return inflateSync(data);
  try {
    return inflateSync(data);
  } catch {
    return inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
  }
}

function unpredict(data: Buffer, parms: FilterParms): Buffer {
  const parm = (key: string, otherwise: number) => (typeof parms?.get(key) === 'number' ? (parms.get(key) as number) : otherwise);
  const predictor = parm('Predictor', 1);
  if (predictor < 2) return data;
  const colors = parm('Colors', 1);
  const bits = parm('BitsPerComponent', 8);
  const columns = parm('Columns', 1);
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
