// Changing a PDF the way other tools do: an incremental update (ISO 32000-1 7.5.6) appended to the file, with a
// cross-reference table whose /Prev points at the file's own cross-reference data. For tests that need a PDF as
// another tool would write it: without ActualText, or with the page content inside a Form XObject.
import { deflateSync } from 'node:zlib';
import { Name, PdfObjects, Ref, PdfString, Stream, type Dict, type Value } from '../../src/interchange/pdf-objects';

/** PDF syntax for a value (streams are written as objects of their own, not here). */
export function serialize(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(6).replace(/\.?0+$/, '');
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Name) return `/${value.name.replace(/[^!-~]|[#()<>[\]{}/%]/g, (c) => `#${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}`;
  if (value instanceof Ref) return `${value.num} ${value.gen} R`;
  if (value instanceof PdfString) return `<${value.bytes.toString('hex')}>`;
  if (Array.isArray(value)) return `[${value.map(serialize).join(' ')}]`;
  if (value instanceof Stream) throw new Error('a stream is an object of its own');
  return `<<${[...value].map(([k, v]) => `${serialize(new Name(k))} ${serialize(v)}`).join(' ')}>>`;
}

/** An object to write: a dictionary or other value, or a stream (its dictionary and its decoded data). */
export type NewObject = Value | { dict: Dict; data: Buffer };

/** `bytes` with the objects replaced or added, as one incremental update. */
export function appendRevision(bytes: Buffer, objects: Map<number, NewObject>): Buffer {
  const pdf = new PdfObjects(bytes, { exact: true });
  const start = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(bytes.toString('latin1', Math.max(0, bytes.length - 64)))![1]);
  const parts: Buffer[] = [bytes, Buffer.from('\n', 'latin1')];
  let at = bytes.length + 1;
  const offsets = new Map<number, number>();
  for (const [num, object] of [...objects].sort(([a], [b]) => a - b)) {
    offsets.set(num, at);
    let text: Buffer;
    if (object && typeof object === 'object' && 'data' in object && Buffer.isBuffer(object.data)) {
      const data = deflateSync(object.data);
      const dict = new Map(object.dict);
      dict.set('Length', data.length);
      dict.set('Filter', new Name('FlateDecode'));
      dict.delete('DecodeParms');
      text = Buffer.concat([Buffer.from(`${num} 0 obj\n${serialize(dict)}\nstream\n`, 'latin1'), data, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
    } else text = Buffer.from(`${num} 0 obj\n${serialize(object as Value)}\nendobj\n`, 'latin1');
    parts.push(text);
    at += text.length;
  }
  const size = Math.max(pdf.trailer.get('Size') as number, ...[...objects.keys()].map((n) => n + 1));
  let xref = 'xref\n';
  for (const [num, offset] of [...offsets].sort(([a], [b]) => a - b)) xref += `${num} 1\n${String(offset).padStart(10, '0')} 00000 n\r\n`;
  const trailer: Dict = new Map<string, Value>([['Size', size], ['Prev', start]]);
  for (const key of ['Root', 'Info', 'ID']) if (pdf.trailer.has(key)) trailer.set(key, pdf.trailer.get(key)!);
  parts.push(Buffer.from(`${xref}trailer\n${serialize(trailer)}\nstartxref\n${at}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** The content streams of each page, by object number, decoded. */
function pageContents(pdf: PdfObjects): { page: { num: number; dict: Dict }; streams: { num: number; data: Buffer }[] }[] {
  return pdf.pages().map((page) => {
    const contents = page.dict.get('Contents')!;
    const refs = (Array.isArray(contents) ? contents : pdf.get(contents) instanceof Stream ? [contents] : (pdf.get(contents) as Value[])) as Ref[];
    return { page, streams: refs.map((ref) => ({ num: ref.num, data: pdf.decode(pdf.object(ref.num) as Stream) })) };
  });
}

/** The PDF as a tool that does not write ActualText would have written it: each `/Span <</ActualText …>> BDC` becomes `/Span BMC`. */
export function withoutActualText(bytes: Buffer): Buffer {
  const pdf = new PdfObjects(bytes, { exact: true });
  const objects = new Map<number, NewObject>();
  for (const { streams } of pageContents(pdf)) {
    for (const { num, data } of streams) {
      const text = data.toString('latin1');
      const plain = text.replace(/\/Span <<\/ActualText <[0-9a-fA-F]*>>> BDC/g, '/Span BMC');
      if (plain !== text) objects.set(num, { dict: new Map(), data: Buffer.from(plain, 'latin1') });
    }
  }
  return appendRevision(bytes, objects);
}

/** The PDF with each page's content moved into a Form XObject that the page paints (`/SbPage Do`). */
export function contentInForms(bytes: Buffer): Buffer {
  const pdf = new PdfObjects(bytes, { exact: true });
  const objects = new Map<number, NewObject>();
  let next = pdf.trailer.get('Size') as number;
  for (const { page, streams } of pageContents(pdf)) {
    const resources = pdf.dict(page.dict.get('Resources'))!;
    const form = next++;
    const content = next++;
    objects.set(form, {
      dict: new Map<string, Value>([
        ['Type', new Name('XObject')],
        ['Subtype', new Name('Form')],
        ['BBox', pdf.get(page.dict.get('MediaBox')!)],
        ['Resources', page.dict.get('Resources')!],
      ]),
      data: Buffer.concat(streams.flatMap(({ data }) => [data, Buffer.from('\n')])),
    });
    objects.set(content, { dict: new Map(), data: Buffer.from('q /SbPage Do Q\n', 'latin1') });
    const xobjects = new Map(pdf.dict(resources.get('XObject')) ?? []);
    xobjects.set('SbPage', new Ref(form, 0));
    const dict = new Map(page.dict);
    dict.set('Resources', new Map([...resources, ['XObject', xobjects]]));
    dict.set('Contents', new Ref(content, 0));
    objects.set(page.num, dict);
  }
  return appendRevision(bytes, objects);
}
