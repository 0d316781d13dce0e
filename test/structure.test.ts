// Issue 11: the structure tree reads like the form (pdf.js's own reading of it), and the embedded font subsets
// draw exactly the glyphs of the original fonts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBooklet } from '../src/commands/booklet.runner';
import { runBuild } from '../src/commands/build.runner';
import { loadFontFaces } from '../src/pdf/fonts';
import { subsetKeepingGlyphIds } from '../src/pdf/truetype-subset';
import { bundledSheet, makeDataDir } from './helpers/data';
import { readingOrder } from './helpers/expected';
import { firstOutOfOrder, squash } from './helpers/pdf';
import { nameOf, PdfObjects, Ref, type Dict, type Stream } from '../src/interchange/pdf-objects';

const NUMBERS = ['087', '088', '089', '090', '091'];
const quiet = () => {};
const files = new Map<string, Buffer>();

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'sheetbook-structure-'));
  await runBuild({ numbers: [], dataDir: 'data', outDir: out }, quiet);
  for (const n of NUMBERS) files.set(n, readFileSync(join(out, '2021', `${n}.pdf`)));
  const dataDir = makeDataDir(Object.fromEntries(NUMBERS.map((n) => [`${n}.yaml`, bundledSheet(n)])));
  const booklet = await runBooklet({ dataDir, outDir: out, selection: { only: [], departments: [] } }, quiet);
  files.set('booklet', readFileSync(booklet.file!));
});

interface TreeNode {
  role?: string;
  type?: string;
  id?: string;
  children?: TreeNode[];
}

/** The structure tree as pdf.js reads it, page by page, with the text of each marked-content sequence. */
async function structTree(bytes: Buffer): Promise<{ roles: string[]; text: string[] }[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: { roles: string[]; text: string[] }[] = [];
  try {
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const tree = (await page.getStructTree()) as TreeNode;
      const content = await page.getTextContent({ includeMarkedContent: true });
      const byId = new Map<string, string>();
      const open: string[] = [];
      for (const item of content.items as any[]) {
        if (item.type === 'beginMarkedContentProps' || item.type === 'beginMarkedContent') open.push(item.id ?? '');
        else if (item.type === 'endMarkedContent') open.pop();
        else if (typeof item.str === 'string') {
          const id = [...open].reverse().find((i) => i);
          if (id) byId.set(id, (byId.get(id) ?? '') + item.str);
        }
      }
      const roles: string[] = [];
      const text: string[] = [];
      const walk = (node: TreeNode) => {
        if (node.role) roles.push(node.role);
        if (node.type === 'content' && node.id) text.push(byId.get(node.id) ?? '');
        for (const child of node.children ?? []) walk(child);
      };
      walk(tree);
      pages.push({ roles, text });
    }
  } finally {
    await doc.destroy();
  }
  return pages;
}

describe.each(NUMBERS)('sheet %s, read through its structure tree (pdf.js getStructTree)', (n) => {
  it('gives every label and value of the YAML in the order of the form, and no page numbers', async () => {
    const pages = await structTree(files.get(n)!);
    const text = pages.flatMap((p) => p.text).join('\n');
    const expected = readingOrder(parse(readFileSync(`data/2021/${n}.yaml`, 'utf8'))).filter((s) => !/^\d \/ \d$/.test(s));
    expect(firstOutOfOrder(text, expected)).toBeUndefined();
    expect(squash(text)).not.toContain('1/2');
    // Nothing in the tree that the form does not print: the tree's text is the page's text less the page numbers.
    expect(squash(text).length).toBeGreaterThan(squash(expected.join('')).length * 0.9);
  });

  it('is a Document › Sect with an H1, the eight sections as H2 each with its table of TH and TD', async () => {
    const pages = await structTree(files.get(n)!);
    const roles = pages.flatMap((p) => p.roles);
    expect(roles[0]).toBe('Root');
    expect(roles.slice(1, 4)).toEqual(['Document', 'Sect', 'H1']);
    const sections = pages.map((p) => p.roles.filter((r) => r === 'H2').length);
    expect(sections).toEqual([4, 4]);
    for (const role of ['Table', 'TR', 'TH', 'TD']) expect(roles).toContain(role);
  });
});

describe('the booklet through its structure tree', () => {
  it('reads cover, contents as TOC › TOCI › Link, then each sheet in number order', async () => {
    const pages = await structTree(files.get('booklet')!);
    const text = pages.flatMap((p) => p.text).join('\n');
    const names = NUMBERS.map((n) => bundledSheet(n).name);
    expect(firstOutOfOrder(text, ['令和 3年度 事務事業マネジメントシート', 'つくば市', '目次', '政策イノベーション部', '情報政策課', ...NUMBERS.flatMap((n, k) => [n, names[k], String(7 + 2 * k)]), '令和 3年度 評価結果一覧', ...NUMBERS.map((n, k) => `${n} ${names[k]}`)])).toBeUndefined();
    expect(pages[2].roles).toEqual(expect.arrayContaining(['TOC', 'TOCI', 'Link']));
    // Blank pages and page numbers are artifacts: nothing of theirs in the tree.
    expect(pages[1].text).toEqual([]);
    expect(text).not.toContain('白紙');
  });

  it('links each contents entry to its sheet, and labels the pages as they are printed', () => {
    const pdf = new PdfObjects(files.get('booklet')!, { exact: true });
    const pages = pdf.pages();
    const annots = (pdf.get(pages[2].dict.get('Annots')!) as Ref[]).map((a) => pdf.get(a) as Dict);
    const targets = annots.map((a) => pages.findIndex((p) => p.num === ((a.get('Dest') as Ref[])[0] as Ref).num) + 1);
    expect(targets).toEqual([7, 9, 11, 13, 15]); // after the 評価結果一覧 (pages 5–6)
    const labels = pdf.get(pdf.dict(pdf.catalog().get('PageLabels'))!.get('Nums')!) as unknown[];
    const describe = (d: Dict) => (d.has('S') ? `${nameOf(d.get('S'))}${d.get('St')}` : `P${(d.get('P') as any).text()}`);
    const ranges = [];
    for (let i = 0; i < labels.length; i += 2) ranges.push(`${labels[i]}:${describe(pdf.get(labels[i + 1] as any) as Dict)}`);
    expect(ranges).toEqual(['0:P表紙', '1:P白紙', '2:D3', '3:P白紙', '4:D5']);
  });
});

/** fontkit, as pdfkit loads it. */
const fontkit = require(require.resolve('fontkit', { paths: [dirname(require.resolve('pdfkit'))] }));

/** Glyphs whose outline or advance width differ between a subset and its original font. */
function differences(subset: Buffer, original: Buffer, ids: number[]): number[] {
  const a = fontkit.create(subset);
  const b = fontkit.create(original);
  return ids.filter((id) => {
    const [ga, gb] = [a.getGlyph(id), b.getGlyph(id)];
    return ga.path.toSVG() !== gb.path.toSVG() || ga.advanceWidth !== gb.advanceWidth;
  });
}

/** Each embedded subset of a file, with the glyph ids its text uses (the codes of its ToUnicode map). */
function subsets(bytes: Buffer): { name: string; program: Buffer; ids: number[] }[] {
  const pdf = new PdfObjects(bytes, { exact: true });
  return pdf.numbers().flatMap((n) => {
    const font = pdf.object(n);
    if (!(font instanceof Map) || nameOf(font.get('Subtype')) !== 'Type0') return [];
    const cid = pdf.dict((pdf.get(font.get('DescendantFonts')!) as Ref[])[0])!;
    const program = pdf.decode(pdf.get(pdf.dict(cid.get('FontDescriptor'))!.get('FontFile2')!) as Stream);
    const cmap = pdf.decode(pdf.get(font.get('ToUnicode')!) as Stream).toString('latin1');
    const ids = [...cmap.matchAll(/^<([0-9a-f]{4})> </gm)].map((m) => parseInt(m[1], 16));
    return [{ name: String(nameOf(font.get('BaseFont'))).replace(/^[A-Z]{6}\+/, ''), program, ids }];
  });
}

describe('the embedded font subsets', () => {
  const originals = new Map(loadFontFaces().map((f) => [fontkit.create(f.bytes).postscriptName as string, f.bytes]));

  it.each([...NUMBERS, 'booklet'])('%s: every glyph used has the outline and advance width of the original font', (name) => {
    const found = subsets(files.get(name)!);
    expect(found.length).toBeGreaterThan(0);
    for (const { name: font, program, ids } of found) {
      expect(ids.length).toBeGreaterThan(10);
      expect(differences(program, originals.get(font)!, ids)).toEqual([]);
    }
  });

  it('would notice a subset that lost a glyph', () => {
    const { name, program, ids } = subsets(files.get('087')!)[0];
    const original = originals.get(name)!;
    const withOutline = ids.filter((id) => fontkit.create(original).getGlyph(id).path.commands.length > 0);
    const broken = subsetKeepingGlyphIds(original, ids.filter((id) => id !== withOutline[3]));
    expect(differences(broken, original, ids)).toEqual([withOutline[3]]);
    expect(differences(program, original, ids)).toEqual([]);
  });
});
