// The machine-checkable rules of PDF/UA-1 (ISO 14289-1, with the Matterhorn Protocol 1.1 failure conditions) and
// PDF/A-2 (ISO 19005-2) that sheetbook's writer could break, checked on the file's bytes. veraPDF is not available
// here; this is not a full validator (see README, "Standards"). Each check names the rule it stands for.
import { nameOf, Name, operators, PdfObjects, Ref, PdfString, Stream, type Dict, type Value } from '../../src/interchange/pdf-objects';

export interface Violation {
  rule: string;
  message: string;
}

/** Standard structure types (ISO 32000-1 14.8.4, Tables 333–338). */
const STANDARD_TYPES = new Set(
  (
    'Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private H H1 H2 H3 H4 H5 H6 P L LI Lbl LBody ' +
    'Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form'
  ).split(' '),
);
const TEXT_SHOWING = new Set(['Tj', 'TJ', "'", '"']);
const PAINTING = new Set(['S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'sh', 'Do', 'BI', 'BT']);
/** XMP schemas predefined by ISO 19005-2 (6.6.2.3.2) and the extension schema's own. */
const PREDEFINED_XMP = new Set(['dc', 'xmp', 'pdf', 'pdfaid', 'xmpMM', 'xmpRights', 'xmpTPg', 'xmpBJ', 'xmpDM', 'xmpidq', 'photoshop', 'tiff', 'exif', 'aux', 'crs', 'stRef', 'stEvt', 'stVer', 'stJob', 'stDim', 'pdfaExtension', 'pdfaSchema', 'pdfaProperty', 'pdfaType', 'pdfaField']);

interface Element {
  ref: number;
  type: string;
  parent?: Element;
  dict: Dict;
  children: Element[];
  /** Marked content it owns, in order: [page object number, MCID]. */
  content: [number, number][];
  objrs: number[];
}

export interface ConformanceReport {
  violations: Violation[];
  /** For tests: the structure tree, marked content seen, and ActualText spans. */
  elements: Element[];
  actualTexts: string[];
}

const unxml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function pdfDateMs(s: string): number {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(s);
  if (!m) return NaN;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', tz = 'Z'] = m;
  const zone = tz === 'Z' ? 'Z' : `${tz.slice(0, 3)}:${tz.replace(/'/g, '').slice(3, 5)}`;
  return Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${se}${zone}`);
}

/** A TrueType font program's tables we need: glyph count, units per em, advance widths. */
function trueType(font: Buffer) {
  const tables = new Map<string, number>();
  for (let i = 0; i < font.readUInt16BE(4); i++) tables.set(font.toString('latin1', 12 + i * 16, 16 + i * 16), font.readUInt32BE(20 + i * 16));
  const head = tables.get('head')!;
  const maxp = tables.get('maxp')!;
  const hhea = tables.get('hhea')!;
  const hmtx = tables.get('hmtx')!;
  const glyphs = font.readUInt16BE(maxp + 4);
  const metrics = font.readUInt16BE(hhea + 34);
  return {
    glyphs,
    unitsPerEm: font.readUInt16BE(head + 18),
    advance: (gid: number) => font.readUInt16BE(hmtx + 4 * Math.min(gid, metrics - 1)),
  };
}

/** A ToUnicode CMap: code → Unicode values (UTF-16 code units). */
export function parseToUnicode(cmap: string): Map<number, number[]> {
  const map = new Map<number, number[]>();
  const units = (hex: string) => hex.match(/.{4}/g)!.map((u) => parseInt(u, 16));
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(m[1], 16), units(m[2]));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])/g)) {
      const [lo, hi] = [parseInt(m[1], 16), parseInt(m[2], 16)];
      if (m[3].startsWith('[')) [...m[3].matchAll(/<([0-9a-fA-F]+)>/g)].forEach((d, i) => map.set(lo + i, units(d[1])));
      else {
        const base = units(m[3].slice(1, -1));
        for (let c = lo; c <= hi; c++) map.set(c, [...base.slice(0, -1), base[base.length - 1] + (c - lo)]);
      }
    }
  }
  return map;
}

export function checkConformance(input: Buffer | PdfObjects): ConformanceReport {
  const pdf = input instanceof PdfObjects ? input : new PdfObjects(input, { exact: true });
  const violations: Violation[] = [];
  const fail = (rule: string, message: string) => violations.push({ rule, message });

  // ISO 19005-2 6.1.2: header `%PDF-1.n` (n ≤ 7) and a comment of four bytes above 127.
  if (!/^%PDF-1\.[0-7]/.test(pdf.header)) fail('ISO 19005-2 6.1.2', `header ${JSON.stringify(pdf.header.slice(0, 8))}`);
  const second = pdf.bytes.subarray(pdf.bytes.indexOf(10) + 1, pdf.bytes.indexOf(10) + 6);
  if (second[0] !== 0x25 || [...second.subarray(1, 5)].some((b) => b < 128)) fail('ISO 19005-2 6.1.2', 'no binary comment after the header');
  // ISO 19005-2 6.1.3: a file identifier, and no encryption.
  const id = pdf.trailer.get('ID');
  if (!Array.isArray(id) || id.length !== 2 || !(id[0] instanceof PdfString)) fail('ISO 19005-2 6.1.3', 'trailer has no ID');
  if (pdf.trailer.has('Encrypt')) fail('ISO 19005-2 6.1.3', 'the file is encrypted');

  const catalog = pdf.catalog();
  // Metadata: ISO 19005-2 6.6.2.1 (present, not filtered), Matterhorn 06-001.
  const metadata = pdf.get(catalog.get('Metadata') ?? null);
  let xmp = '';
  if (!(metadata instanceof Stream)) fail('06-001 (ISO 14289-1 7.1); ISO 19005-2 6.6.2.1', 'no XMP metadata stream in the catalog');
  else {
    if (metadata.dict.has('Filter')) fail('ISO 19005-2 6.6.2.1', 'the metadata stream is filtered');
    if (nameOf(metadata.dict.get('Subtype')) !== 'XML' || nameOf(metadata.dict.get('Type')) !== 'Metadata') fail('ISO 19005-2 6.6.2.1', 'metadata stream is not /Type /Metadata /Subtype /XML');
    xmp = metadata.raw.toString('utf8');
  }
  const prop = (qname: string): string | undefined => {
    const m = new RegExp(`<${qname}>([\\s\\S]*?)</${qname}>`).exec(xmp);
    if (!m) return undefined;
    const li = /<rdf:li[^>]*>([\s\S]*?)<\/rdf:li>/.exec(m[1]);
    return unxml((li ? li[1] : m[1]).trim());
  };
  if (xmp) {
    // ISO 19005-2 6.6.2.2: a well-formed packet header.
    if (!/^<\?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"\?>/.test(xmp)) fail('ISO 19005-2 6.6.2.2', 'XMP packet header missing or without the byte-order mark');
    if (/<\?xpacket [^?]*bytes=/.test(xmp)) fail('ISO 19005-2 6.6.2.2', 'XMP packet header has a bytes attribute');
    // ISO 19005-2 6.6.4: the PDF/A identification.
    if (prop('pdfaid:part') !== '2') fail('ISO 19005-2 6.6.4', `pdfaid:part is ${prop('pdfaid:part')}`);
    if (prop('pdfaid:conformance') !== 'A') fail('ISO 19005-2 6.6.4', `pdfaid:conformance is ${prop('pdfaid:conformance')}`);
    // Matterhorn 06-002 (ISO 14289-1 5): the PDF/UA identifier; 06-003: dc:title.
    if (prop('pdfuaid:part') !== '1') fail('06-002 (ISO 14289-1 5)', 'XMP has no pdfuaid:part 1');
    if (!prop('dc:title')) fail('06-003 (ISO 14289-1 7.1)', 'XMP has no dc:title');
    // WCAG PDF16 (our rule): the document language in the metadata as well.
    if (prop('dc:language') !== 'ja') fail('WCAG PDF16 (sheetbook)', `dc:language is ${prop('dc:language')}`);
    // ISO 19005-2 6.6.2.3.3: every property outside the predefined schemas is declared in an extension schema.
    const namespaces = new Map([...xmp.matchAll(/xmlns:([\w-]+)="([^"]+)"/g)].map((m) => [m[1], m[2]]));
    const declared = new Map<string, { uri: string; properties: Set<string> }>();
    for (const schema of xmp.matchAll(/<pdfaSchema:prefix>([^<]+)<\/pdfaSchema:prefix>/g)) {
      const block = xmp.slice(0, schema.index!).lastIndexOf('<rdf:li rdf:parseType="Resource">');
      const end = xmp.indexOf('</pdfaSchema:property>', schema.index!);
      const text = xmp.slice(block, end);
      declared.set(schema[1], {
        uri: /<pdfaSchema:namespaceURI>([^<]+)</.exec(text)?.[1] ?? '',
        properties: new Set([...text.matchAll(/<pdfaProperty:name>([^<]+)</g)].map((m) => m[1])),
      });
    }
    const body = xmp.slice(xmp.indexOf('<rdf:Description'));
    for (const used of new Set([...body.matchAll(/<([\w-]+):([\w-]+)[\s>]/g)].map((m) => `${m[1]}:${m[2]}`))) {
      const [prefix, local] = used.split(':');
      if (['rdf', 'x', 'xml'].includes(prefix) || PREDEFINED_XMP.has(prefix)) continue;
      const schema = declared.get(prefix);
      if (!schema || schema.uri !== namespaces.get(prefix) || !schema.properties.has(local)) fail('ISO 19005-2 6.6.2.3.3', `${used} is not declared in pdfaExtension:schemas`);
    }
    // ISO 19005-2 6.6.3: the Info dictionary and the XMP say the same.
    const info = pdf.dict(pdf.trailer.get('Info'));
    const infoText = (key: string) => {
      const v = pdf.at(info, key);
      return v instanceof PdfString ? v.text() : undefined;
    };
    const pairs: [string, string][] = [['Title', 'dc:title'], ['Author', 'dc:creator'], ['Subject', 'dc:description'], ['Keywords', 'pdf:Keywords'], ['Creator', 'xmp:CreatorTool'], ['Producer', 'pdf:Producer']];
    for (const [key, qname] of pairs) {
      if (infoText(key) !== undefined && infoText(key) !== prop(qname)) fail('ISO 19005-2 6.6.3', `Info ${key} ${JSON.stringify(infoText(key))} ≠ ${qname} ${JSON.stringify(prop(qname))}`);
    }
    for (const [key, qname] of [['CreationDate', 'xmp:CreateDate'], ['ModDate', 'xmp:ModifyDate']]) {
      const v = infoText(key);
      if (v !== undefined && pdfDateMs(v) !== Date.parse(prop(qname) ?? '')) fail('ISO 19005-2 6.6.3', `Info ${key} ${v} ≠ ${qname} ${prop(qname)}`);
    }
  }
  // Matterhorn 07-001/07-002 (ISO 14289-1 7.1): the title is shown, not the file name.
  if (pdf.at(pdf.dict(catalog.get('ViewerPreferences')), 'DisplayDocTitle') !== true) fail('07-001/07-002 (ISO 14289-1 7.1)', 'DisplayDocTitle is not true');
  // ISO 14289-1 7.1 and ISO 19005-2 6.7.2.2: the file says it is tagged; Matterhorn 01-007: and not suspect.
  const markInfo = pdf.dict(catalog.get('MarkInfo'));
  if (pdf.at(markInfo, 'Marked') !== true) fail('ISO 14289-1 7.1; ISO 19005-2 6.7.2.2', 'MarkInfo Marked is not true');
  if (pdf.at(markInfo, 'Suspects') === true) fail('01-007 (ISO 14289-1 7.1)', 'MarkInfo Suspects is true');
  // Matterhorn 11-001 (ISO 14289-1 7.2), ISO 19005-2 6.7.4: the natural language.
  const lang = pdf.at(catalog, 'Lang');
  if (!(lang instanceof PdfString) || lang.text() === '') fail('11-001 (ISO 14289-1 7.2); ISO 19005-2 6.7.4', 'no /Lang in the catalog');

  // ISO 19005-2 6.2.3: an output intent GTS_PDFA1 with an ICC profile (needed for DeviceRGB, 6.2.4.3).
  const intents = (pdf.at(catalog, 'OutputIntents') as Value[] | undefined) ?? [];
  const pdfa = intents.map((i) => pdf.dict(i)!).filter((i) => nameOf(i.get('S')) === 'GTS_PDFA1');
  let profileSpace = '';
  if (pdfa.length !== 1) fail('ISO 19005-2 6.2.3', `${pdfa.length} output intents GTS_PDFA1`);
  else {
    const profile = pdf.get(pdfa[0].get('DestOutputProfile') ?? null);
    if (!(profile instanceof Stream)) fail('ISO 19005-2 6.2.3', 'the output intent has no DestOutputProfile');
    else {
      const icc = pdf.decode(profile);
      profileSpace = icc.toString('latin1', 16, 20);
      if (icc.toString('latin1', 36, 40) !== 'acsp') fail('ISO 19005-2 6.2.3', 'DestOutputProfile is not an ICC profile');
      if (profile.dict.get('N') !== 3 || profileSpace !== 'RGB ') fail('ISO 19005-2 6.2.3', `the profile is ${profileSpace} with N ${profile.dict.get('N')}`);
      if (icc[8] >= 5) fail('ISO 19005-2 6.2.3', `ICC profile version ${icc[8]}`);
    }
  }

  // The structure tree (ISO 32000-1 14.7; ISO 14289-1 7.1; ISO 19005-2 6.7.3).
  const pages = pdf.pages();
  const pageByNum = new Map(pages.map((p, i) => [p.num, i]));
  const treeRoot = pdf.dict(catalog.get('StructTreeRoot'));
  const elements: Element[] = [];
  const owner = new Map<string, Element>(); // `${page}:${mcid}` → element
  const annotOwner = new Map<number, Element>();
  if (!treeRoot || nameOf(treeRoot.get('Type')) !== 'StructTreeRoot') fail('ISO 14289-1 7.1; ISO 19005-2 6.7.3', 'no StructTreeRoot');
  else {
    const roleMap = pdf.dict(treeRoot.get('RoleMap'));
    const standard = (type: string): string | undefined => {
      const seen = new Set<string>();
      while (!STANDARD_TYPES.has(type)) {
        if (seen.has(type)) return undefined; // 02-003: circular
        seen.add(type);
        const next = nameOf(pdf.at(roleMap, type));
        if (!next) return undefined;
        type = next;
      }
      return type;
    };
    if (roleMap) for (const key of roleMap.keys()) if (STANDARD_TYPES.has(key)) fail('02-004 (ISO 14289-1 7.1)', `standard type ${key} is remapped`);
    const visit = (ref: Value, parent: Element | undefined) => {
      const dict = pdf.dict(ref);
      if (!dict || !(ref instanceof Ref)) return;
      const raw = nameOf(dict.get('S')) ?? '';
      const type = standard(raw);
      // Matterhorn 02-001 (ISO 14289-1 7.1): every type is standard or mapped to one.
      if (!type) fail('02-001 (ISO 14289-1 7.1)', `structure type ${raw} is not standard and not role-mapped`);
      const el: Element = { ref: ref.num, type: type ?? raw, parent, dict, children: [], content: [], objrs: [] };
      elements.push(el);
      if (parent && !(dict.get('P') instanceof Ref && (dict.get('P') as Ref).num === parent.ref)) fail('ISO 32000-1 14.7.2', `element ${ref.num} does not name its parent`);
      const pg = dict.get('Pg') instanceof Ref ? (dict.get('Pg') as Ref).num : undefined;
      const k = dict.get('K');
      for (const kid of Array.isArray(k) ? k : k === undefined ? [] : [k]) {
        if (typeof kid === 'number') {
          if (pg === undefined) fail('ISO 32000-1 14.7.2', `element ${ref.num} has an MCID but no /Pg`);
          else el.content.push([pg, kid]);
        } else if (kid instanceof Ref) {
          const d = pdf.dict(kid);
          if (d && nameOf(d.get('Type')) === 'OBJR') el.objrs.push((d.get('Obj') as Ref).num);
          else if (d && nameOf(d.get('Type')) === 'MCR') el.content.push([(d.get('Pg') as Ref).num, d.get('MCID') as number]);
          else {
            const before = elements.length;
            visit(kid, el);
            if (elements.length > before) el.children.push(elements[before]);
          }
        } else if (kid instanceof Map) {
          if (nameOf(kid.get('Type')) === 'MCR') el.content.push([((kid.get('Pg') as Ref) ?? { num: pg }).num, kid.get('MCID') as number]);
          else if (nameOf(kid.get('Type')) === 'OBJR') el.objrs.push((kid.get('Obj') as Ref).num);
        }
      }
      for (const [page, mcid] of el.content) {
        const key = `${page}:${mcid}`;
        if (owner.has(key)) fail('ISO 32000-1 14.7.4', `MCID ${mcid} of page ${pageByNum.get(page)! + 1} belongs to two elements`);
        owner.set(key, el);
      }
      for (const annot of el.objrs) annotOwner.set(annot, el);
    };
    const top = treeRoot.get('K');
    const tops = Array.isArray(top) ? top : top === undefined ? [] : [top];
    // Our rule (poppler warns otherwise; ISO 32000-1 14.8.4.2): one root element, a Document.
    if (tops.length !== 1 || nameOf(pdf.dict(tops[0])?.get('S')) !== 'Document') fail('sheetbook: Document root', 'the structure tree is not rooted at one Document element');
    for (const t of tops) visit(t, undefined);

    // Matterhorn 14-002, 14-003, 14-007 (ISO 14289-1 7.4): headings.
    const headings = elements.filter((e) => /^H\d?$/.test(e.type));
    const numbered = headings.filter((e) => e.type !== 'H');
    if (numbered.length > 0 && numbered[0].type !== 'H1') fail('14-002 (ISO 14289-1 7.4.2)', `the first heading is ${numbered[0].type}`);
    numbered.forEach((h, i) => {
      if (i > 0 && Number(h.type[1]) > Number(numbered[i - 1].type[1]) + 1) fail('14-003 (ISO 14289-1 7.4)', `${h.type} follows ${numbered[i - 1].type}`);
    });
    if (numbered.length > 0 && numbered.length < headings.length) fail('14-007 (ISO 14289-1 7.4.4)', 'both H and H1–H6 are used');

    // Tables: Matterhorn 09-004 (ISO 32000-1 Table 337), 15-003 (ISO 14289-1 7.5), and regular rows.
    const attribute = (el: Element, key: string): Value | undefined => {
      const a = pdf.get(el.dict.get('A') ?? null);
      const list = Array.isArray(a) ? a : a ? [a] : [];
      for (const item of list) {
        const d = pdf.dict(item);
        if (d && nameOf(d.get('O')) === 'Table' && d.has(key)) return pdf.get(d.get(key)!);
      }
      return undefined;
    };
    for (const el of elements) {
      const parentType = el.parent?.type;
      if (el.type === 'TR' && !['Table', 'THead', 'TBody', 'TFoot'].includes(parentType ?? '')) fail('09-004 (ISO 14289-1 7.2)', `TR ${el.ref} inside ${parentType}`);
      if ((el.type === 'TH' || el.type === 'TD') && parentType !== 'TR') fail('09-004 (ISO 14289-1 7.2)', `${el.type} ${el.ref} inside ${parentType}`);
      if (el.type === 'Table') for (const c of el.children) if (!['TR', 'THead', 'TBody', 'TFoot', 'Caption'].includes(c.type)) fail('09-004 (ISO 14289-1 7.2)', `${c.type} inside Table ${el.ref}`);
      if (el.type === 'TH' && !el.dict.has('ID')) {
        const scope = nameOf(attribute(el, 'Scope'));
        if (!['Row', 'Column', 'Both'].includes(scope ?? '')) fail('15-003 (ISO 14289-1 7.5)', `TH ${el.ref} has no Scope`);
      }
      if (el.type === 'Table') {
        // Every row spans the same number of columns once row and column spans are counted (veraPDF's PDF/UA-1
        // rule for ISO 14289-1 7.2, "table rows shall have the same number of columns").
        const rows = el.children.flatMap((c) => (c.type === 'TR' ? [c] : c.children.filter((r) => r.type === 'TR')));
        const widths = rows.map(() => 0);
        rows.forEach((row, r) => {
          for (const cell of row.children) {
            const rowSpan = Number(attribute(cell, 'RowSpan') ?? 1);
            const colSpan = Number(attribute(cell, 'ColSpan') ?? 1);
            for (let dr = 0; dr < rowSpan && r + dr < rows.length; dr++) widths[r + dr] += colSpan;
            if (r + rowSpan > rows.length) fail('ISO 14289-1 7.2 (table regularity)', `a cell of Table ${el.ref} spans past its last row`);
          }
        });
        if (new Set(widths).size > 1) fail('ISO 14289-1 7.2 (table regularity)', `rows of Table ${el.ref} span ${widths.join(', ')} columns`);
      }
      // Matterhorn 09-006 (ISO 32000-1 Table 333): TOCI inside TOC; a TOC holds TOC and TOCI.
      if (el.type === 'TOCI' && parentType !== 'TOC') fail('09-006 (ISO 14289-1 7.2)', `TOCI ${el.ref} inside ${parentType}`);
      if (el.type === 'TOC') for (const c of el.children) if (!['TOC', 'TOCI', 'Caption'].includes(c.type)) fail('09-006 (ISO 14289-1 7.2)', `${c.type} inside TOC ${el.ref}`);
    }
  }

  // The ParentTree (ISO 32000-1 14.7.4.4): key → array of elements by MCID, or one element for an annotation.
  const parentTree = new Map<number, Value>();
  const readNumberTree = (node: Value | undefined) => {
    const d = pdf.dict(node);
    if (!d) return;
    const nums = pdf.get(d.get('Nums') ?? null);
    if (Array.isArray(nums)) {
      for (let i = 0; i + 1 < nums.length; i += 2) {
        const value = pdf.get(nums[i + 1]);
        parentTree.set(nums[i] as number, Array.isArray(value) ? value : nums[i + 1]);
      }
    }
    const kids = pdf.get(d.get('Kids') ?? null);
    if (Array.isArray(kids)) kids.forEach(readNumberTree);
  };
  readNumberTree(treeRoot?.get('ParentTree'));
  const elementByRef = new Map(elements.map((e) => [e.ref, e]));

  // Fonts used, and the codes each shows.
  const usedCodes = new Map<number, Set<number>>(); // font object number → codes
  const actualTexts: string[] = [];
  let usesRgb = false;

  pages.forEach(({ num, dict: page }, p) => {
    const where = `page ${p + 1}`;
    const fonts = pdf.dict(pdf.dict(page.get('Resources'))?.get('Font'));
    const ops = operators(pdf.content(page));
    const stack: ('artifact' | 'tagged' | 'other')[] = [];
    const mcids = new Set<number>();
    let font: number | undefined;
    let twoByte = false;
    // At most five reports of one rule per page.
    const reported = new Map<string, number>();
    const report = (rule: string, message: string) => {
      const n = reported.get(rule) ?? 0;
      reported.set(rule, n + 1);
      if (n < 5) fail(rule, `${where}: ${message}`);
    };
    for (const { op, args } of ops) {
      if (op === 'BDC' || op === 'BMC') {
        const tag = nameOf(args[0]);
        const props = op === 'BDC' ? (args[1] instanceof Name ? pdf.dict(pdf.dict(pdf.dict(page.get('Resources'))?.get('Properties'))?.get(args[1].name)) : (args[1] as Dict)) : undefined;
        const mcid = props?.get('MCID');
        const inTagged = stack.includes('tagged');
        const inArtifact = stack.includes('artifact');
        if (tag === 'Artifact') {
          // Matterhorn 01-003 (ISO 14289-1 7.1): no artifact inside tagged content.
          if (inTagged) report('01-003 (ISO 14289-1 7.1)', 'an Artifact inside tagged content');
          stack.push('artifact');
        } else if (typeof mcid === 'number') {
          // Matterhorn 01-004 (ISO 14289-1 7.1): no tagged content inside an artifact.
          if (inArtifact) report('01-004 (ISO 14289-1 7.1)', `MCID ${mcid} inside an Artifact`);
          if (inTagged) report('ISO 32000-1 14.7.4.2', `MCID ${mcid} nested inside another MCID`);
          if (mcids.has(mcid)) report('ISO 32000-1 14.7.4.2', `MCID ${mcid} used twice`);
          mcids.add(mcid);
          stack.push('tagged');
        } else {
          const actual = props?.get('ActualText');
          if (actual instanceof PdfString) actualTexts.push(actual.text());
          stack.push('other');
        }
      } else if (op === 'EMC') {
        if (stack.length === 0) report('ISO 32000-1 14.6', 'EMC without BMC/BDC');
        stack.pop();
      } else if (PAINTING.has(op) || TEXT_SHOWING.has(op)) {
        // Matterhorn 01-005 (ISO 14289-1 7.1): all content is tagged or an artifact.
        if (!stack.includes('tagged') && !stack.includes('artifact')) report('01-005 (ISO 14289-1 7.1)', `${op} outside tagged content and artifacts`);
      }
      if (op === 'rg' || op === 'RG' || ((op === 'cs' || op === 'CS') && nameOf(args[0]) === 'DeviceRGB')) usesRgb = true;
      if (op === 'Tf') {
        const ref = fonts?.get(nameOf(args[0]) ?? '');
        font = ref instanceof Ref ? ref.num : undefined;
        twoByte = nameOf(pdf.at(pdf.dict(ref), 'Subtype')) === 'Type0';
      }
      if (TEXT_SHOWING.has(op) && font !== undefined) {
        const strings = args.flatMap((a) => (Array.isArray(a) ? a : [a])).filter((a): a is PdfString => a instanceof PdfString);
        const codes = usedCodes.get(font) ?? new Set();
        usedCodes.set(font, codes);
        for (const s of strings) {
          for (let i = 0; i < s.bytes.length; i += twoByte ? 2 : 1) {
            const code = twoByte ? s.bytes.readUInt16BE(i) : s.bytes[i];
            codes.add(code);
          }
        }
      }
    }
    if (stack.length > 0) report('ISO 32000-1 14.6', 'a marked-content sequence is not closed at the end of the page');

    // ISO 32000-1 14.7.4.4, Matterhorn 01-005: a page with marked content has StructParents, and the ParentTree
    // maps each of its MCIDs to the element that owns it — and owns nothing the page does not have.
    const key = page.get('StructParents');
    const entry = typeof key === 'number' ? parentTree.get(key) : undefined;
    if (mcids.size > 0 && typeof key !== 'number') report('ISO 14289-1 7.1 (StructParents)', 'marked content but no StructParents');
    for (const mcid of mcids) {
      const el = owner.get(`${num}:${mcid}`);
      if (!el) report('01-005 (ISO 14289-1 7.1)', `MCID ${mcid} belongs to no structure element`);
      const mapped = Array.isArray(entry) ? entry[mcid] : undefined;
      if (!(mapped instanceof Ref) || !el || mapped.num !== el.ref) report('ISO 32000-1 14.7.4.4 (ParentTree)', `MCID ${mcid} is not mapped to its element in the ParentTree`);
    }
    if (Array.isArray(entry) && entry.length > mcids.size) report('ISO 32000-1 14.7.4.4 (ParentTree)', `the ParentTree lists ${entry.length} MCIDs, the page has ${mcids.size}`);

    // Annotations: ISO 19005-2 6.3.2 (printable, not hidden); Matterhorn 28-008/28-009, 28-011, 28-012.
    const annots = (pdf.at(page, 'Annots') as Value[] | undefined) ?? [];
    if (annots.length > 0 && nameOf(page.get('Tabs')) !== 'S') report('28-008/28-009 (ISO 14289-1 7.18.3)', 'annotations but Tabs is not S');
    for (const a of annots) {
      const annot = pdf.dict(a)!;
      const flags = (annot.get('F') as number | undefined) ?? 0;
      if (!(flags & 4) || flags & (1 | 2 | 32)) report('ISO 19005-2 6.3.2', `annotation flags ${flags}`);
      if (nameOf(annot.get('Subtype')) === 'Link') {
        const el = a instanceof Ref ? annotOwner.get(a.num) : undefined;
        const sp = annot.get('StructParent');
        const mapped = typeof sp === 'number' ? parentTree.get(sp) : undefined;
        if (!el || el.type !== 'Link' || !(mapped instanceof Ref) || elementByRef.get(mapped.num) !== el) {
          report('28-011 (ISO 14289-1 7.18.5)', 'a link annotation is not in a Link element (OBJR and ParentTree)');
        }
        const contents = annot.get('Contents');
        if (!(contents instanceof PdfString) || contents.text().trim() === '') report('28-012 (ISO 14289-1 7.18.5)', 'a link annotation has no Contents');
      }
    }
  });
  // Every element's marked content is on the page it names.
  const seen = new Set<string>();
  pages.forEach(({ num, dict: page }) => {
    const key = page.get('StructParents');
    const entry = typeof key === 'number' ? parentTree.get(key) : undefined;
    if (Array.isArray(entry)) entry.forEach((_, mcid) => seen.add(`${num}:${mcid}`));
  });
  for (const k of owner.keys()) if (!seen.has(k)) fail('ISO 32000-1 14.7.4.4 (ParentTree)', `an element owns MCID ${k.split(':')[1]} that its page's ParentTree entry does not list`);
  if (usesRgb && profileSpace !== 'RGB ') fail('ISO 19005-2 6.2.4.3', 'DeviceRGB is used without an RGB output intent');

  // Fonts (ISO 14289-1 7.21; ISO 19005-2 6.2.11).
  for (const [fontNum, codes] of usedCodes) {
    const font = pdf.dict(new Ref(fontNum, 0))!;
    const base = nameOf(font.get('BaseFont'));
    const descendant = nameOf(font.get('Subtype')) === 'Type0' ? pdf.dict((pdf.at(font, 'DescendantFonts') as Value[])[0])! : font;
    const descriptor = pdf.dict(descendant.get('FontDescriptor'));
    const program = pdf.get(descriptor?.get('FontFile2') ?? descriptor?.get('FontFile') ?? descriptor?.get('FontFile3') ?? null);
    // Matterhorn 31-009; ISO 19005-2 6.2.11.4.1: embedded.
    if (!(program instanceof Stream)) {
      fail('31-009 (ISO 14289-1 7.21.4.1); ISO 19005-2 6.2.11.4.1', `${base} is not embedded`);
      continue;
    }
    // Matterhorn 31-004/31-005: a CIDFontType2 says how CIDs map to glyphs.
    const identity = nameOf(descendant.get('CIDToGIDMap')) === 'Identity';
    if (nameOf(descendant.get('Subtype')) === 'CIDFontType2' && !identity && !(pdf.get(descendant.get('CIDToGIDMap') ?? null) instanceof Stream)) fail('31-004/31-005 (ISO 14289-1 7.21.3.2)', `${base} has no CIDToGIDMap`);
    // Matterhorn 31-030; ISO 19005-2 6.2.11.8: no .notdef (code 0 is CID 0 is glyph 0 here).
    if (codes.has(0)) fail('31-030 (ISO 14289-1 7.21.8); ISO 19005-2 6.2.11.8', `${base}: text shows .notdef`);
    if (descriptor?.has('FontFile2') && identity) {
      const tt = trueType(pdf.decode(program));
      const widths = new Map<number, number>();
      const w = (pdf.get(descendant.get('W') ?? null) as Value[] | null) ?? [];
      for (let i = 0; i < w.length; ) {
        const first = w[i] as number;
        if (Array.isArray(w[i + 1])) {
          (w[i + 1] as number[]).forEach((v, j) => widths.set(first + j, v));
          i += 2;
        } else {
          for (let c = first; c <= (w[i + 1] as number); c++) widths.set(c, w[i + 2] as number);
          i += 3;
        }
      }
      const dw = (descendant.get('DW') as number | undefined) ?? 1000;
      for (const code of codes) {
        // Matterhorn 31-011; ISO 19005-2 6.2.11.4.1: the program has every glyph shown.
        if (code >= tt.glyphs) fail('31-011 (ISO 14289-1 7.21.4.1)', `${base}: glyph ${code} is not in the embedded program`);
        // Matterhorn 31-016; ISO 19005-2 6.2.11.5: widths agree with the program.
        const program = (tt.advance(code) * 1000) / tt.unitsPerEm;
        if (Math.abs((widths.get(code) ?? dw) - program) > 1) fail('31-016 (ISO 14289-1 7.21.5); ISO 19005-2 6.2.11.5', `${base}: width of glyph ${code} is ${widths.get(code) ?? dw}, the program says ${program}`);
      }
    }
    // Matterhorn 31-027/31-028/31-029; ISO 19005-2 6.2.11.7.2: every code maps to Unicode, never to 0, FEFF, FFFE.
    const toUnicode = pdf.get(font.get('ToUnicode') ?? null);
    if (!(toUnicode instanceof Stream)) {
      fail('31-027 (ISO 14289-1 7.21.7); ISO 19005-2 6.2.11.7.2', `${base} has no ToUnicode`);
      continue;
    }
    const map = parseToUnicode(pdf.decode(toUnicode).toString('latin1'));
    for (const code of codes) if (!map.has(code)) fail('31-027 (ISO 14289-1 7.21.7); ISO 19005-2 6.2.11.7.2', `${base}: code ${code.toString(16)} has no Unicode`);
    for (const [code, units] of map) {
      if (units.some((u) => u === 0)) fail('31-028 (ISO 14289-1 7.21.7)', `${base}: code ${code.toString(16)} maps to U+0000`);
      if (units.some((u) => u === 0xfeff || u === 0xfffe)) fail('31-029 (ISO 14289-1 7.21.7)', `${base}: code ${code.toString(16)} maps to U+FEFF/U+FFFE`);
    }
  }
  return { violations, elements, actualTexts };
}
