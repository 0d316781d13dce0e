// PDF files written by hand, byte for byte, for tests that feed a reader exactly the syntax they mean.
import { deflateSync } from 'node:zlib';

/** A PDF file from object bodies (object n is bodies[n - 1]), with a cross-reference table. */
export function pdfFile(bodies: (string | Buffer)[], trailer = '/Root 1 0 R', damage = false): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let at = parts[0].length;
  const offsets: number[] = [];
  bodies.forEach((body, i) => {
    const bytes = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), Buffer.from('\nendobj\n', 'latin1')]);
    offsets.push(at);
    parts.push(bytes);
    at += bytes.length;
  });
  const xref = `xref\n0 ${bodies.length + 1}\n0000000000 65535 f\r\n${offsets.map((o) => `${String(damage ? o + 3 : o).padStart(10, '0')} 00000 n\r\n`).join('')}`;
  parts.push(Buffer.from(`${xref}trailer\n<</Size ${bodies.length + 1} ${trailer}>>\nstartxref\n${at}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** A stream object's body: the dictionary's other entries, and the data (Flate-compressed if asked). */
export const stream = (dict: string, data: Buffer | string, compress = false) => {
  const raw = Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1');
  const body = compress ? deflateSync(raw) : raw;
  return Buffer.concat([Buffer.from(`<<${dict} /Length ${body.length}${compress ? ' /Filter /FlateDecode' : ''}>>\nstream\n`, 'latin1'), body, Buffer.from('\nendstream', 'latin1')]);
};
