// The yardstick beside sheetbook in the bench: Typst (its compiler as an npm package, typst.ts) making one A4 page
// per sheet from the same YAML, in the same font, written the same way (a temporary file renamed into place).
// Not the official layout: every text and figure of the sheet in a table of name–value pairs, which is Typst's share of what
// sheetbook does (parse, lay out Japanese text with line breaking, embed a font subset, write a PDF). Run as a
// process of its own, like `sheetbook build`:
//
//   node typst-sheet.js <out.pdf> <sheet.yaml>...     one page per sheet, in the order given
import { renameSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

const FONTS = dirname(require.resolve('@expo-google-fonts/biz-udpgothic/package.json'));

/** A Typst string literal: the text exactly, whatever it holds. */
const str = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Every scalar of the sheet as [where, value], in the file's order. */
function leaves(value: unknown, path: string, into: [string, string][]): [string, string][] {
  if (value === null || value === undefined) return into;
  if (Array.isArray(value)) value.forEach((item, i) => leaves(item, `${path}[${i + 1}]`, into));
  else if (typeof value === 'object') for (const [key, item] of Object.entries(value)) leaves(item, path ? `${path}.${key}` : key, into);
  else into.push([path, String(value)]);
  return into;
}

/** One sheet as one page of Typst markup. */
export function sheetPage(sheet: Record<string, unknown>): string {
  const cells = leaves(sheet, '', []).flatMap(([where, value]) => [str(where), str(value)]);
  return `#block(breakable: false)[
#text(size: 12pt, weight: "bold")[令和3年度 事務事業マネジメントシート]
#table(columns: (30mm, 1fr, 30mm, 1fr), inset: 1.5pt, ${cells.join(', ')})
]`;
}

export function typstDocument(sheets: Record<string, unknown>[]): string {
  const preamble = `#set document(title: "事務事業マネジメントシート")
#set page(paper: "a4", margin: 10mm)
#set text(font: "BIZ UDPGothic", size: 7pt, lang: "ja")
`;
  return preamble + sheets.map(sheetPage).join('\n#pagebreak()\n');
}

function main(): void {
  const [out, ...files] = process.argv.slice(2);
  if (!out || files.length === 0) throw new Error('usage: typst-sheet <out.pdf> <sheet.yaml>...');
  // Loaded here, not at the top: its load is part of the process's time, as sheetbook's libraries are of its own.
  const { NodeCompiler } = require('@myriaddreamin/typst-ts-node-compiler') as typeof import('@myriaddreamin/typst-ts-node-compiler');
  const compiler = NodeCompiler.create({ fontArgs: [{ fontPaths: [join(FONTS, '400Regular'), join(FONTS, '700Bold')] }] });
  const source = typstDocument(files.map((file) => parse(readFileSync(file, 'utf8'))));
  const pdf = compiler.pdf({ mainFileContent: source }, { creationTimestamp: 0 });
  const temp = join(dirname(out), `.typst-${process.pid}.tmp`);
  writeFileSync(temp, pdf);
  renameSync(temp, out);
  console.log(`作成: ${out}`);
}

if (require.main === module) main();
