// The one PDF object reader (src/interchange/pdf-objects.ts), on files written by hand: read `exact` (as the
// tests read sheetbook's own files) it refuses each kind of damage that it mends for `import`, so a check made
// through it can fail; read as `import` reads, it mends them.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { nameOf, operators, PdfObjects, PdfString, Ref, Stream } from '../src/interchange/pdf-objects';
import { pdfFile, stream } from './helpers/hand-made-pdf';

const CONTENT = 'BT /F1 12 Tf 10 10 Td (a) Tj ET\nBI /W 2 /H 1 /BPC 8 /CS /G ID \x28\x2f EI\n0 0 m 10 0 l S';

/** A one-page file; `page` and `content` may be replaced to break it. */
function onePage(parts: { catalog?: string; content?: string | Buffer; offsetsOff?: boolean } = {}): Buffer {
  return pdfFile(
    [
      parts.catalog ?? '<</Type /Catalog /Pages 2 0 R /Lang (ja)>>',
      '<</Type /Pages /Kids [3 0 R] /Count 1>>',
      '<</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R>>',
      parts.content ?? stream('', CONTENT, true),
    ],
    '/Root 1 0 R',
    parts.offsetsOff,
  );
}

describe('the PDF object reader', () => {
  it('reads a well-formed file the same either way: objects by reference, pages, content as operators', () => {
    for (const pdf of [new PdfObjects(onePage(), { exact: true }), new PdfObjects(onePage())]) {
      expect(pdf.revisions).toBe(1);
      expect(pdf.numbers()).toEqual([1, 2, 3, 4]);
      expect(pdf.header.startsWith('%PDF-1.7')).toBe(true);
      expect((pdf.at(pdf.catalog(), 'Lang') as PdfString).text()).toBe('ja');
      const pages = pdf.pages();
      expect(pages.map((p) => p.num)).toEqual([3]);
      expect(pages[0].dict.get('Contents')).toEqual(new Ref(4, 0));
      expect(pdf.decode(pdf.object(4) as Stream).toString('latin1')).toBe(CONTENT);
      const ops = operators(pdf.content(pages[0].dict));
      // The inline image is one operator, its data skipped (it holds `(` and `/`).
      expect(ops.map((o) => o.op)).toEqual(['BT', 'Tf', 'Td', 'Tj', 'ET', 'BI', 'm', 'l', 'S']);
      expect(nameOf(ops[1].args[0])).toBe('F1');
      expect(ops[5].args[0]).toEqual(new Map([['W', 2], ['H', 1], ['BPC', 8], ['CS', expect.anything()]]));
    }
  });

  const damaged: [string, () => Buffer, RegExp][] = [
    ['cross-reference offsets 3 bytes off', () => onePage({ offsetsOff: true }), /no object at/],
    ['a startxref that points at no cross-reference data', () => Buffer.from(onePage().toString('latin1').replace(/startxref\n\d+/, 'startxref\n5'), 'latin1'), /./],
    ['no %%EOF after startxref', () => Buffer.from(onePage().toString('latin1').replace(/%%EOF\n$/, ''), 'latin1'), /%%EOF/],
    ['junk where a dictionary key should be', () => onePage({ catalog: '<</Type /Catalog 5 /Pages 2 0 R /Lang (ja)>>' }), /dictionary key expected/],
    ['a stream whose /Length is wrong', () => onePage({ content: Buffer.from(stream('', CONTENT).toString('latin1').replace(/\/Length \d+/, '/Length 7'), 'latin1') }), /Length/],
    ['a Flate stream cut short', () => {
      const whole = deflateSync(Buffer.from(CONTENT, 'latin1'));
      const cut = whole.subarray(0, whole.length - 4); // without its checksum
      return onePage({ content: Buffer.concat([Buffer.from(`<</Length ${cut.length} /Filter /FlateDecode>>\nstream\n`, 'latin1'), cut, Buffer.from('\nendstream', 'latin1')]) });
    }, /./],
  ];

  it.each(damaged)('exact: refuses %s; as import reads: mends it', (_, file, error) => {
    const read = (pdf: PdfObjects) => pdf.pages().map((p) => pdf.content(p.dict).toString('latin1'));
    expect(() => read(new PdfObjects(file(), { exact: true }))).toThrow(error);
    expect(read(new PdfObjects(file()))).toEqual([`${CONTENT}\n`]);
  });
});
