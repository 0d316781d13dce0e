// Issue 11: every sheet PDF, booklet and council selection claims PDF/A-2a and PDF/UA-1; the checks of
// helpers/conformance.ts hold on all of them, and each check can fail.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBooklet } from '../src/commands/booklet.runner';
import { runBuild } from '../src/commands/build.runner';
import { checkSheet, openWorkspace, renderSheet, sheetPdf, type Workspace } from '../src/pipeline/sheet';
import { checkConformance, type Violation } from './helpers/conformance';
import { bundledSheet, makeDataDir } from './helpers/data';
import { generateSheet, getPath, setPath } from './helpers/generate';
import { Name, PdfObjects, PdfString, Ref, Stream, type Dict, type Value } from '../src/interchange/pdf-objects';

const NUMBERS = ['087', '088', '089', '090', '091'];
const quiet = () => {};
const files = new Map<string, Buffer>();

const rules = (violations: Violation[]) => violations.map((v) => `${v.rule}: ${v.message}`);

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'sheetbook-conformance-'));
  const summary = await runBuild({ numbers: [], dataDir: 'data', outDir: out }, quiet);
  expect(summary.failed).toEqual([]);
  for (const n of NUMBERS) files.set(`${n}.pdf`, readFileSync(join(out, '2021', `${n}.pdf`)));
  const dataDir = makeDataDir(Object.fromEntries(NUMBERS.map((n) => [`${n}.yaml`, bundledSheet(n)])));
  const booklet = await runBooklet({ dataDir, outDir: out, selection: { only: [], departments: [] } }, quiet);
  files.set('booklet.pdf', readFileSync(booklet.file!));
  const selection = await runBooklet({ dataDir, outDir: out, selection: { only: [87, 89], departments: [] } }, quiet);
  files.set('booklet-087-089.pdf', readFileSync(selection.file!));
});

describe.each([...NUMBERS.map((n) => `${n}.pdf`), 'booklet.pdf', 'booklet-087-089.pdf'])('%s', (name) => {
  it('meets every checked rule of PDF/A-2a and PDF/UA-1', () => {
    expect(rules(checkConformance(files.get(name)!).violations)).toEqual([]);
  });
});

describe('generated sheets with long texts and full-width spaces', () => {
  let workspace: Workspace;
  beforeAll(() => {
    workspace = openWorkspace(join(__dirname, '../data'));
  });
  const OVERFLOW = /^枠に収まりません（約([0-9]+)文字超過）$/;

  it.each([2001, 2002, 2003, 2004])('seed %i', (seed) => {
    const sheet = generateSheet(seed, 0.3);
    const dir = makeDataDir({ '087.yaml': { ...sheet, number: 87 } });
    const file = join(dir, '2021/087.yaml');
    let checked = checkSheet(file, workspace);
    for (let round = 0; round < 3 && !checked.view; round++) {
      for (const finding of checked.findings.filter((f) => f.severity === 'error')) {
        const excess = Number(OVERFLOW.exec(finding.message)?.[1]);
        const text = [...getPath(sheet, finding.path)];
        setPath(sheet, finding.path, text.slice(0, text.length - excess).join(''));
      }
      checked = checkSheet(join(makeDataDir({ '087.yaml': { ...sheet, number: 87 } }), '2021/087.yaml'), workspace);
    }
    const report = checkConformance(sheetPdf(workspace, renderSheet(workspace, checked.view!), 2021));
    expect(rules(report.violations)).toEqual([]);
    // Every run holding a full-width space says so in ActualText (a viewer extracts U+3000, not a space).
    const spaced = JSON.stringify(sheet).includes('\u3000');
    if (spaced) expect(report.actualTexts.some((t) => t.includes('\u3000'))).toBe(true);
  });
});

/** A file read as written, with objects replaced after reading (deliberately broken files for the checker). */
class EditedPdf extends PdfObjects {
  readonly overrides = new Map<number, Value>();
  override object(num: number): Value {
    return this.overrides.has(num) ? this.overrides.get(num)! : super.object(num);
  }
}

/** The file with object `num` replaced (the checker's own tests: each check must be able to fail). */
function broken(name: string, change: (pdf: EditedPdf) => void): Violation[] {
  const pdf = new EditedPdf(files.get(name)!, { exact: true });
  change(pdf);
  return checkConformance(pdf).violations;
}
const catalogRef = (pdf: EditedPdf) => (pdf.trailer.get('Root') as Ref).num;
const withCatalog = (pdf: EditedPdf, edit: (d: Dict) => void) => {
  const copy = new Map(pdf.catalog());
  edit(copy);
  pdf.overrides.set(catalogRef(pdf), copy);
};
/** Replace a page's content with `edit(content)` (one uncompressed stream). */
const withContent = (pdf: EditedPdf, page: number, edit: (content: string) => string) => {
  const { num, dict } = pdf.pages()[page];
  const content = Buffer.from(edit(pdf.content(dict).toString('latin1')), 'latin1');
  const stream = 900000;
  pdf.overrides.set(stream, new Stream(new Map([['Length', content.length]]), content));
  pdf.overrides.set(num, new Map([...dict, ['Contents', new Ref(stream, 0)]]));
};
const has = (violations: Violation[], rule: string) => violations.some((v) => v.rule.startsWith(rule));

describe('the checker fails files that break a rule', () => {
  it('the unchanged file passes (the baseline of the cases below)', () => {
    expect(broken('087.pdf', () => {})).toEqual([]);
  });

  it('content without MCIDs (one page stripped of its tags): 01-005 and the ParentTree', () => {
    const violations = broken('087.pdf', (pdf) => withContent(pdf, 0, (c) => c.replace(/\/\w+ <<\/MCID \d+>> BDC/g, '/Span BMC')));
    expect(has(violations, '01-005')).toBe(true);
    expect(has(violations, 'ISO 32000-1 14.7.4.4')).toBe(true);
  });

  it('a text object outside any marked content: 01-005', () => {
    expect(has(broken('087.pdf', (pdf) => withContent(pdf, 1, (c) => `${c}\nBT /F1 9 Tf 10 10 Td <0230> Tj ET\n`)), '01-005')).toBe(true);
  });

  it('an artifact nested in tagged content: 01-003', () => {
    const violations = broken('087.pdf', (pdf) => withContent(pdf, 0, (c) => c.replace(/(<<\/MCID 0>> BDC\n)/, '$1/Artifact BMC\nEMC\n')));
    expect(has(violations, '01-003')).toBe(true);
  });

  it('a TH without Scope: 15-003', () => {
    const violations = broken('087.pdf', (pdf) => {
      const th = pdf.numbers().find((n) => (pdf.object(n) as Dict)?.get?.('S') instanceof Name && ((pdf.object(n) as Dict).get('S') as Name).name === 'TH')!;
      const copy = new Map(pdf.object(th) as Dict);
      copy.delete('A');
      pdf.overrides.set(th, copy);
    });
    expect(has(violations, '15-003')).toBe(true);
  });

  it('an irregular table (a ColSpan too many): table regularity', () => {
    const violations = broken('087.pdf', (pdf) => {
      const td = pdf.numbers().find((n) => ((pdf.object(n) as Dict)?.get?.('A') as Dict | undefined)?.get?.('ColSpan') === 3)!;
      const copy = new Map(pdf.object(td) as Dict);
      copy.set('A', new Map([...(copy.get('A') as Dict), ['ColSpan', 4]]));
      pdf.overrides.set(td, copy);
    });
    expect(has(violations, 'ISO 14289-1 7.2 (table regularity)')).toBe(true);
  });

  it('no PDF/UA identifier, no extension schema, no dc:title in the XMP: 06-002, 6.6.2.3.3, 06-003', () => {
    const violations = broken('087.pdf', (pdf) => {
      const ref = pdf.catalog().get('Metadata') as Ref;
      const xmp = (pdf.object(ref.num) as Stream).raw.toString('utf8');
      const edited = xmp.replace('<pdfuaid:part>1</pdfuaid:part>', '<pdfuaid:part>2</pdfuaid:part>').replace(/<pdfaSchema:prefix>pdfuaid</, '<pdfaSchema:prefix>other<').replace(/<dc:title>[\s\S]*?<\/dc:title>/, '');
      pdf.overrides.set(ref.num, new Stream((pdf.object(ref.num) as Stream).dict, Buffer.from(edited, 'utf8')));
    });
    expect(has(violations, '06-002')).toBe(true);
    expect(has(violations, 'ISO 19005-2 6.6.2.3.3')).toBe(true);
    expect(has(violations, '06-003')).toBe(true);
  });

  it('XMP dates that differ from the Info dates: 6.6.3', () => {
    const violations = broken('087.pdf', (pdf) => {
      const ref = pdf.catalog().get('Metadata') as Ref;
      const xmp = (pdf.object(ref.num) as Stream).raw.toString('utf8').replace(/<xmp:CreateDate>[^<]+</, '<xmp:CreateDate>2001-01-01T00:00:00Z<');
      pdf.overrides.set(ref.num, new Stream((pdf.object(ref.num) as Stream).dict, Buffer.from(xmp, 'utf8')));
    });
    expect(has(violations, 'ISO 19005-2 6.6.3')).toBe(true);
  });

  it('no output intent, no DisplayDocTitle, not Marked, no Lang: 6.2.3, 07-001, 7.1, 11-001', () => {
    const violations = broken('087.pdf', (pdf) =>
      withCatalog(pdf, (c) => {
        c.delete('OutputIntents');
        c.delete('ViewerPreferences');
        c.delete('MarkInfo');
        c.set('Lang', new PdfString(Buffer.alloc(0)));
      }),
    );
    for (const rule of ['ISO 19005-2 6.2.3', '07-001', 'ISO 14289-1 7.1; ISO 19005-2 6.7.2.2', '11-001', 'ISO 19005-2 6.2.4.3']) expect(has(violations, rule)).toBe(true);
  });

  it('a ToUnicode that maps a code to U+FEFF or misses one: 31-029, 31-027', () => {
    const violations = broken('087.pdf', (pdf) => {
      const font = pdf.numbers().find((n) => (pdf.object(n) as Dict)?.get?.('ToUnicode'))!;
      const toUnicode = pdf.object(((pdf.object(font) as Dict).get('ToUnicode') as Ref).num) as Stream;
      const { inflateSync } = require('node:zlib');
      const text = inflateSync(toUnicode.raw).toString('latin1').replace(/beginbfchar\n<(\w{4})> <\w+>/, 'beginbfchar\n<$1> <feff>').replace(/\n<(\w{4})> <(\w+)>\nendbfchar/, '\nendbfchar');
      pdf.overrides.set(((pdf.object(font) as Dict).get('ToUnicode') as Ref).num, new Stream(new Map([['Length', text.length]]), Buffer.from(text, 'latin1')));
    });
    expect(has(violations, '31-029')).toBe(true);
    expect(has(violations, '31-027')).toBe(true);
  });

  it('.notdef shown, a width that disagrees with the font program: 31-030, 31-016', () => {
    const violations = broken('087.pdf', (pdf) => {
      withContent(pdf, 0, (c) => c.replace(/\[<([0-9a-f]{4})/, '[<0000$1'));
      const cid = pdf.numbers().find((n) => ((pdf.object(n) as Dict)?.get?.('Subtype') as Name | undefined)?.name === 'CIDFontType2')!;
      const copy = new Map(pdf.object(cid) as Dict);
      const w = [...(copy.get('W') as any[])];
      w[1] = [(w[1] as number[])[0] + 50];
      copy.set('W', w);
      pdf.overrides.set(cid, copy);
    });
    expect(has(violations, '31-030')).toBe(true);
    expect(has(violations, '31-016')).toBe(true);
  });

  it('a contents link outside a Link element, without Contents, on a page without Tabs: 28-011, 28-012, 28-008', () => {
    const violations = broken('booklet.pdf', (pdf) => {
      const page = pdf.pages()[2];
      const annot = (pdf.get(page.dict.get('Annots')!) as Ref[])[0];
      const copy = new Map(pdf.object(annot.num) as Dict);
      copy.delete('Contents');
      copy.set('StructParent', 0);
      pdf.overrides.set(annot.num, copy);
      const pageCopy = new Map(page.dict);
      pageCopy.delete('Tabs');
      pdf.overrides.set(page.num, pageCopy);
    });
    expect(has(violations, '28-011')).toBe(true);
    expect(has(violations, '28-012')).toBe(true);
    expect(has(violations, '28-008')).toBe(true);
  });

  it('headings out of order and a structure not rooted at Document: 14-002, Document root', () => {
    const violations = broken('087.pdf', (pdf) => {
      const h1 = pdf.numbers().find((n) => ((pdf.object(n) as Dict)?.get?.('S') as Name | undefined)?.name === 'H1')!;
      pdf.overrides.set(h1, new Map([...(pdf.object(h1) as Dict), ['S', new Name('H3')]]));
      const root = pdf.catalog().get('StructTreeRoot') as Ref;
      const doc = (pdf.object(root.num) as Dict).get('K') as Ref;
      pdf.overrides.set(doc.num, new Map([...(pdf.object(doc.num) as Dict), ['S', new Name('Part')]]));
    });
    expect(has(violations, '14-002')).toBe(true);
    expect(has(violations, 'sheetbook: Document root')).toBe(true);
  });
});
