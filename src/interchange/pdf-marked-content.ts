// The marked-content sequences of a PDF page as its content streams declare them (ISO 32000-1 14.6): for each
// BMC or BDC, in the order a reader meets it — the page's content, and a Form XObject's where it is painted —
// its tag, its MCID and its ActualText. pdf.js reports the sequences in that same order, but not their
// properties; this supplies them, from any writer's file (pdf-objects.ts reads it). Whatever cannot be read
// (an encrypted file, an unknown filter, a damaged file) throws, and the caller reads the page without
// ActualText, as before.
import { Name, nameOf, operators, PdfString, Ref, Stream, type Dict, type PdfObjects } from './pdf-objects';

/** One marked-content sequence: `tag` null when the operator's tag is not a name (pdf.js reports it so). */
export interface MarkedContent {
  tag: string | null;
  mcid?: number;
  actualText?: string;
}

/**
 * The marked-content sequences of the page that is object `num`, in the order they begin; undefined when
 * none of them can have ActualText (the content names none, and paints no Form XObject).
 */
export function markedContent(pdf: PdfObjects, num: number): MarkedContent[] | undefined {
  const page = pdf.dict(new Ref(num));
  if (!page) throw new Error(`no page object ${num}`);
  const resources = pdf.resources(page);
  const data = pdf.content(page);
  if (data.indexOf('ActualText') < 0 && !resources?.has('Properties') && !/\bDo\b/.test(data.toString('latin1'))) return undefined;
  const out: MarkedContent[] = [];
  scan(pdf, data, resources, out, new Set());
  return out;
}

function scan(pdf: PdfObjects, content: Buffer, resources: Dict | undefined, out: MarkedContent[], painting: Set<number>): void {
  for (const { op, args } of operators(content)) {
    const last = args[args.length - 1];
    if (op === 'BMC' && args.length >= 1) out.push({ tag: nameOf(last) ?? null });
    else if (op === 'BDC' && args.length >= 2) {
      const tag = args[args.length - 2];
      // Properties inline, or by name from the resources' /Properties.
      const props = last instanceof Name ? pdf.dict(pdf.dict(resources?.get('Properties'))?.get(last.name)) : last instanceof Map ? last : undefined;
      const mark: MarkedContent = { tag: nameOf(tag) ?? null };
      // pdf.js reports an MCID only from properties written inline.
      const mcid = last instanceof Map ? last.get('MCID') : undefined;
      if (typeof mcid === 'number' && Number.isInteger(mcid)) mark.mcid = mcid;
      const actual = pdf.get(props?.get('ActualText'));
      if (actual instanceof PdfString) mark.actualText = actual.text();
      out.push(mark);
    } else if (op === 'Do' && last instanceof Name) {
      const ref = pdf.dict(resources?.get('XObject'))?.get(last.name);
      const xobject = pdf.get(ref);
      const key = ref instanceof Ref ? ref.num : -1;
      if (xobject instanceof Stream && nameOf(pdf.get(xobject.dict.get('Subtype'))) === 'Form' && !painting.has(key)) {
        painting.add(key);
        scan(pdf, pdf.decode(xobject), pdf.dict(xobject.dict.get('Resources')) ?? resources, out, painting);
        painting.delete(key);
      }
    }
  }
}
