// Read a PDF back the way a person's viewer would: text per page, metadata, outline, and the fonts it embeds.
import { PDFParse } from 'pdf-parse';

export interface ParsedPdf {
  pageCount: number;
  pages: string[];
  text: string;
  info: Record<string, any>;
  outline: any[] | null;
}

export async function parsePdf(bytes: Buffer | Uint8Array): Promise<ParsedPdf> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    const text = await parser.getText();
    const info = await parser.getInfo();
    return {
      pageCount: text.total,
      pages: text.pages.map((p) => p.text),
      text: text.pages.map((p) => p.text).join('\n'),
      info: info.info ?? {},
      outline: info.outline ?? null,
    };
  } finally {
    await parser.destroy();
  }
}

/** Names of the fonts embedded as font programs (subset names such as `ABCDEF+BIZUDPGothic-Regular`). */
export function embeddedFonts(bytes: Buffer): { name: string; embedded: boolean }[] {
  const text = bytes.toString('latin1');
  const fonts: { name: string; embedded: boolean }[] = [];
  for (const match of text.matchAll(/\/Type \/FontDescriptor([\s\S]*?)>>/g)) {
    const body = match[1];
    const name = /\/FontName \/([^\s/]+)/.exec(body)?.[1] ?? '';
    fonts.push({ name, embedded: /\/FontFile2 \d+ 0 R/.test(body) });
  }
  return fonts;
}

/** Whitespace carries no meaning in extracted text: lines wrap where the box ends. */
export const squash = (s: string): string => s.replace(/\s+/g, '');

/**
 * Assert that `needles` occur in `haystack` in this order (whitespace ignored).
 * Returns the first needle that is missing or out of order, or undefined.
 */
export function firstOutOfOrder(haystack: string, needles: string[]): { needle: string; index: number } | undefined {
  const text = squash(haystack);
  let from = 0;
  for (let i = 0; i < needles.length; i++) {
    const needle = squash(needles[i]);
    if (needle === '') continue;
    const at = text.indexOf(needle, from);
    if (at < 0) return { needle: needles[i], index: i };
    from = at + needle.length;
  }
  return undefined;
}
