// Reading a PDF's text with its ActualText (import): the marked-content reader on files written by hand, and the
// page text against pdf-parse's, which import used before (the same lines wherever a PDF has no ActualText).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { runBuild } from '../src/commands/build.runner';
import { markedContent } from '../src/interchange/pdf-marked-content';
import { PdfObjects, textString } from '../src/interchange/pdf-objects';
import { pdfPageLines } from '../src/interchange/pdf-text';
import { bundledSheet, makeDataDir } from './helpers/data';
import { pdfFile, stream } from './helpers/hand-made-pdf';

// A page whose content has every kind of syntax that could hide an operator: strings with escapes and
// parentheses, hex strings, nested dictionaries, comments, an inline image whose data holds `(` and `/X BMC`.
const CONTENT = Buffer.concat([
  Buffer.from(
    [
      '/P <</MCID 0 /Nested <</A [1 (x) <41>]>>>> BDC',
      'BT /F1 12 Tf 10 10 Td (a \\) BDC \\( EMC (nested) \\\\) Tj ET',
      'EMC',
      '/Span <</ActualText (\\376\\377\\060\\000)>> BDC EMC % a comment /X BMC',
      '/Span /Pr1 BDC EMC',
      '/#E8#A6#8B <</MCID 1>> BDC EMC',
      'BI /W 4 /H 1 /BPC 8 /CS /G ID ',
    ].join('\n'),
    'latin1',
  ),
  Buffer.from([0x00, 0x28, 0x0a, 0x2f, 0x58, 0x20, 0x42, 0x4d, 0x43, 0xff]), // \0(\n/X BMC\xff
  Buffer.from(
    [
      ' EI',
      '/Artifact BMC EMC',
      '/Fm1 Do /Im1 Do',
      '/Tag <</ActualText <FEFF 3000 0041>>> BDC EMC',
      '(not a name) <</Odd 1>> BDC EMC',
      // One operand short: pdf.js skips it, and so does the reader.
      '<</Odd 1>> BDC',
    ].join('\n'),
    'latin1',
  ),
]);

const FORM = '/Span <</ActualText (x)>> BDC /Fm1 Do EMC';

function handMade(content: Buffer = CONTENT, options: { compress?: boolean; damage?: boolean; filter?: string } = {}): Buffer {
  return pdfFile(
    [
      '<</Type /Catalog /Pages 2 0 R>>',
      // Resources inherited from the page tree.
      '<</Type /Pages /Kids [3 0 R] /Count 1 /Resources <</Properties <</Pr1 5 0 R>> /XObject <</Fm1 6 0 R /Im1 7 0 R>>>>>>',
      '<</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents [4 0 R 8 0 R]>>',
      options.filter ? stream(` /Filter /${options.filter}`, content) : stream('', content, options.compress),
      // Named properties: pdf.js reports no MCID from them, and neither does the reader.
      '<</ActualText <FEFF0041> /MCID 7>>',
      // A form that paints itself: read once, as pdf.js does.
      stream(' /Type /XObject /Subtype /Form /BBox [0 0 10 10]', FORM, options.compress),
      stream(' /Type /XObject /Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8 /ColorSpace /DeviceGray', Buffer.from([0])),
      stream('', '/Last BMC EMC', options.compress),
    ],
    '/Root 1 0 R',
    options.damage,
  );
}

const EXPECTED = [
  { tag: 'P', mcid: 0 },
  { tag: 'Span', actualText: '\u3000' },
  { tag: 'Span', actualText: 'A' },
  { tag: '\xe8\xa6\x8b', mcid: 1 },
  { tag: 'Artifact' },
  { tag: 'Span', actualText: 'x' },
  { tag: 'Tag', actualText: '\u3000A' },
  { tag: null },
  { tag: 'Last' },
];

describe('the marked content of a page, from its content streams', () => {
  it('finds every sequence in order, with its tag, MCID and ActualText, past strings, comments and inline images', () => {
    expect(markedContent(new PdfObjects(handMade()), 3)).toEqual(EXPECTED);
  });

  it('sees the sequences pdf.js sees, in the same order', async () => {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(handMade()), verbosity: pdfjs.VerbosityLevel.ERRORS }).promise;
    try {
      const page = await doc.getPage(1);
      const items = (await page.getTextContent({ includeMarkedContent: true })).items as { type?: string; tag?: string; id?: string | null }[];
      const begins = items.filter((i) => i.type?.startsWith('begin')).map((i) => ({ tag: i.tag ?? null, mcid: i.id ? Number(/_mc(\d+)$/.exec(i.id)![1]) : undefined }));
      expect(begins).toEqual(EXPECTED.map(({ tag, mcid }: { tag: string | null; mcid?: number }) => ({ tag, mcid })));
    } finally {
      await doc.destroy();
    }
  });

  it('reads compressed streams, and a file whose cross-reference offsets are wrong', () => {
    expect(markedContent(new PdfObjects(handMade(CONTENT, { compress: true })), 3)).toEqual(EXPECTED);
    expect(markedContent(new PdfObjects(handMade(CONTENT, { damage: true })), 3)).toEqual(EXPECTED);
  });

  it('says nothing for a page that cannot have ActualText, and gives up on what it cannot read', () => {
    // Named properties may hold ActualText: the page is read.
    expect(markedContent(new PdfObjects(handMade(Buffer.from('/P <</MCID 0>> BDC EMC'))), 3)).toEqual([{ tag: 'P', mcid: 0 }, { tag: 'Last' }]);
    const plain = pdfFile(['<</Type /Catalog /Pages 2 0 R>>', '<</Type /Pages /Kids [3 0 R] /Count 1>>', '<</Type /Page /Parent 2 0 R /Contents 4 0 R>>', stream('', '/P <</MCID 0>> BDC EMC')]);
    expect(markedContent(new PdfObjects(plain), 3)).toBeUndefined();
    expect(() => markedContent(new PdfObjects(handMade(CONTENT, { filter: 'LZWDecode' })), 3)).toThrow(/LZWDecode/);
    expect(() => new PdfObjects(pdfFile(['<</Type /Catalog>>', '<</Filter /Standard>>'], '/Root 1 0 R /Encrypt 2 0 R'))).toThrow(/encrypted/);
  });

  it('decodes text strings: UTF-16BE (with a language escape), UTF-8, PDFDocEncoding', () => {
    expect(textString(Buffer.from('feff001b6a61001b3000d842dfb7', 'hex'))).toBe('\u3000𠮷');
    expect(textString(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('全角\u3000', 'utf8')]))).toBe('全角\u3000');
    expect(textString(Buffer.from([0x93, 0x41, 0x84, 0xe9]))).toBe('ﬁA—é');
  });
});

async function pdfParseLines(bytes: Buffer): Promise<string[][]> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText({ disableNormalization: true })).pages.map((p) => p.text.split('\n'));
  } finally {
    await parser.destroy();
  }
}

describe('the text of a PDF page', () => {
  it('is pdf-parse’s, line for line, where the PDF has no ActualText; where it has, only white space differs', async () => {
    const spaced = bundledSheet('088');
    spaced.number = 92;
    spaced.name = '全角　スペース';
    spaced.overview.purpose = `　${spaced.overview.purpose}`;
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-pdf-text-'));
    const built = await runBuild({ numbers: [], dataDir: makeDataDir({ '087.yaml': bundledSheet('087'), '089.yaml': bundledSheet('089'), '092.yaml': spaced }), outDir: out }, () => {});
    expect(built.built).toHaveLength(3);
    for (const file of built.built) {
      const bytes = readFileSync(file);
      const ours = (await pdfPageLines(new Uint8Array(bytes))).map((page) => page.map((l) => l.text));
      const theirs = await pdfParseLines(bytes);
      if (!file.endsWith('092.pdf')) {
        // The same, but for the line breaks the PDF states at the end of a line (the SDGs box puts a goal a line).
        expect(ours.flat().filter((l) => l.includes('\n')).every((l) => /^[^\n]*[0-9]{2}[^\n]+\n$/.test(l)), file).toBe(true);
        expect(ours.map((page) => page.map((l) => l.replace(/\n$/, ''))), file).toEqual(theirs);
        continue;
      }
      // The same lines (so every place a message names stays right), with the full-width spaces the PDF states.
      const squash = (pages: string[][]) => pages.map((page) => page.map((l) => l.replace(/\s/g, '')));
      expect(squash(ours)).toEqual(squash(theirs));
      expect(ours.flat().filter((l) => l.includes('\u3000'))).toEqual([expect.stringMatching(/^事務事業名[ \t]092 全角\u3000スペース$/), expect.stringMatching(/^目的[ \t]+\u3000/)]);
    }
  });

  it('takes the text a PDF written by hand states: in place of the glyphs, and inside a Form XObject', async () => {
    const content = [
      // Glyphs that differ from the stated text only in white space: the stated text, item by item.
      'BT /F1 12 Tf 20 150 Td /Span <</ActualText <FEFF00480069300000570065>>> BDC (Hi We) Tj EMC ET',
      // Other text than the glyphs show: the stated text as a whole, after the gap from the label.
      'BT /F1 12 Tf 20 120 Td (Label) Tj 60 0 Td /Span <</ActualText (ABC)>> BDC (X) Tj EMC ET',
      '/Fm1 Do',
    ].join('\n');
    const form = 'BT /F1 12 Tf 20 90 Td /P <</MCID 3 /ActualText <FEFF30000046006F0072006D>>> BDC (Form) Tj EMC ET';
    const pdf = pdfFile([
      '<</Type /Catalog /Pages 2 0 R>>',
      '<</Type /Pages /Kids [3 0 R] /Count 1>>',
      '<</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources <</Font <</F1 5 0 R>> /XObject <</Fm1 6 0 R>>>> /Contents 4 0 R>>',
      stream('', content),
      '<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding>>',
      stream(' /Type /XObject /Subtype /Form /BBox [0 0 200 200] /Resources <</Font <</F1 5 0 R>>>>', form),
    ]);
    expect(await pdfPageLines(new Uint8Array(pdf))).toEqual([
      [
        { text: 'Hi\u3000We', stated: ['Hi\u3000We'], y: 50, size: 12 },
        { text: expect.stringMatching(/^Label[ \t]ABC$/), stated: ['ABC'], y: 80, size: 12 },
        { text: '\u3000Form', stated: ['\u3000Form'], y: 110, size: 12 },
      ],
    ]);
  });

  it('reads a PDF it cannot read the marked content of as before (without ActualText)', async () => {
    const bytes = handMade(CONTENT, { filter: 'LZWDecode' });
    await expect(pdfPageLines(new Uint8Array(bytes))).resolves.toHaveLength(1);
  });
});
