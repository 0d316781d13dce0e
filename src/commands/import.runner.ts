// `sheetbook import FILE…`: past official sheets (extracted text, or PDF) → one YAML draft per sheet.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeNewFile } from '../pipeline/write';
import { basename, join } from 'node:path';
import { UserError } from '../model/errors';
import { formatNumber } from '../model/format';
import { linesFromPdfPages, linesFromText, readSheet, splitSheets, type ImportedSheet, type ImportNote, type SourceLine } from '../interchange/official-text';
import { displayPath } from '../model/report';
import { labelsFor } from '../model/schema';
import type { DataPath } from '../model/types';
import { sheetYaml } from '../interchange/sheet-yaml';
import { readPdfText } from '../interchange/pdf-text';

export interface ImportOptions {
  files: string[];
  dataDir: string;
}

export interface ImportResult {
  written: string[];
  skipped: string[];
  sheets: ImportedSheet[];
}

const isPdf = (bytes: Buffer) => bytes.subarray(0, 5).toString('latin1') === '%PDF-';

/**
 * Whether the half-width space at `at` in `value` lies in a text the PDF states (ActualText): one that, laid
 * over the value with one of its own half-width spaces on this one, agrees with it wherever the two overlap.
 */
function stated(value: string, at: number, texts: string[]): boolean {
  return texts.some((text) => {
    for (let j = text.indexOf(' '); j >= 0; j = text.indexOf(' ', j + 1)) {
      const offset = at - j;
      const from = Math.max(0, offset);
      const to = Math.min(value.length, offset + text.length);
      if (to - from >= 3 && value.slice(from, to) === text.slice(from - offset, to - offset)) return true;
    }
    return false;
  });
}

/**
 * PDF text tools give every kind of space back as a half-width one: where a space stands next to Japanese text,
 * the original may have had a full-width space (　). Say so, field by field, rather than guess, and say where in
 * the PDF the field's text stands — unless the PDF states the text there (ActualText, as sheetbook writes for
 * every run that holds a full-width space): then each space is what it says.
 */
function spaceDoubts(value: unknown, lines: SourceLine[], fallback: string, path: DataPath = []): ImportNote[] {
  if (typeof value === 'string') {
    const texts = [...new Set(lines.flatMap((l) => l.stated ?? []))];
    const space = [...value.matchAll(/ (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) /g)].find((m) => !stated(value, m.index!, texts));
    if (!space) return [];
    const probe = value.slice(Math.max(0, space.index! - 4), space.index! + 2);
    const where = (lines.find((l) => l.text.includes(probe)) ?? lines.find((l) => l.text.includes(value.slice(0, 6))))?.where ?? fallback;
    return [{ where, message: `${labelsFor(path).join(' › ')}: 空白は半角スペースとして読みました。原本が全角スペース（　）の箇所は直してください` }];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => spaceDoubts(v, lines, fallback, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => spaceDoubts(v, lines, fallback, [...path, k]));
  return [];
}

/**
 * The lines of a file, and what kind of file it is: `own`, a PDF that sheetbook wrote (every full-width space in it
 * is stated, and no text is clipped), so that what is read from it is what the sheet held.
 */
async function readLines(file: string): Promise<{ lines: SourceLine[]; kind: 'text' | 'pdf' | 'own' }> {
  if (!existsSync(file)) throw new UserError(`「${file}」が見つかりません。`, 2);
  const bytes = readFileSync(file);
  const name = displayPath(file);
  if (isPdf(bytes)) {
    let text;
    try {
      text = await readPdfText(new Uint8Array(bytes));
    } catch (error) {
      throw new UserError(`${name}: PDF を読み取れません（${(error as Error).message}）。`);
    }
    return { lines: linesFromPdfPages(text.pages, name), kind: text.fromSheetbook ? 'own' : 'pdf' };
  }
  try {
    return { lines: linesFromText(new TextDecoder('utf-8', { fatal: true }).decode(bytes), name), kind: 'text' };
  } catch {
    throw new UserError(`${name}: UTF-8 のテキストではありません。Shift_JIS などで保存されている場合は、UTF-8 で保存し直してください。`);
  }
}

export async function runImport(options: ImportOptions, log: (line: string) => void = console.log): Promise<ImportResult> {
  if (options.files.length === 0) throw new UserError('読み取るファイル（テキストまたは PDF）を指定してください。', 2);
  const result: ImportResult = { written: [], skipped: [], sheets: [] };
  for (const file of options.files) {
    const { lines, kind } = await readLines(file);
    const chunks = splitSheets(lines);
    if (chunks.length === 0) {
      log(`${displayPath(file)}: 事務事業マネジメントシートが見つかりませんでした（表題「令和○年度 事務事業マネジメントシート」と「事務事業名」の行がありません）。`);
      continue;
    }
    for (const chunk of chunks) {
      const imported = readSheet(chunk, { whole: kind === 'own' });
      // In a PDF of sheetbook's own, a space not stated otherwise is a half-width one.
      if (kind === 'pdf') imported.notes.push(...spaceDoubts(imported.sheet, chunk, imported.where));
      result.sheets.push(imported);
      const { sheet, notes } = imported;
      for (const note of notes) log(`${note.where}: 要確認 ${note.message}`);
      const target = join(options.dataDir, String(sheet.fiscalYear), `${formatNumber(sheet.number)}.yaml`);
      if (existsSync(target)) {
        log(`作りませんでした: ${displayPath(target)} は既にあります（上書きはしません）。`);
        result.skipped.push(target);
        continue;
      }
      mkdirSync(join(options.dataDir, String(sheet.fiscalYear)), { recursive: true });
      const origin = `${basename(file)}（${imported.where}）から sheetbook import で読み取った下書きです。原本と照らし合わせてください。`;
      // Each doubt stays in the draft as data, so that validate keeps failing until someone has checked it.
      const draft = notes.length > 0 ? { ...sheet, doubts: notes.map((n) => `${n.message}（${n.where}）`) } : sheet;
      writeNewFile(target, Buffer.from(sheetYaml(draft, target, { origin })));
      result.written.push(target);
      log(`作成: ${displayPath(target)}${notes.length > 0 ? `（要確認 ${notes.length} 件）` : ''}`);
    }
  }
  log(`${result.written.length} 件の下書きを作成、${result.skipped.length} 件は既にあるため作りませんでした。「sheetbook validate」で確かめてください。`);
  return result;
}

/** `sheetbook import`: exit 1 when no sheet was found in the files. */
export async function main(options: ImportOptions): Promise<number> {
  const result = await runImport(options);
  return result.written.length + result.skipped.length > 0 ? 0 : 1;
}
