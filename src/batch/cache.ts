// Rendered sheets kept between runs, keyed by the content of everything that shapes them: the sheet file,
// the city data, the templates, the fonts and the program itself. A changed input simply misses.
// An entry is used only when it proves itself: whole (its digest), and made for the very key asked for (it says
// which). A torn entry, one copied or renamed under another key, one of another font or program: all miss, and
// the sheet is drawn again. Pages keep only glyph ids (their text layer is the font's, see pdf/glyph-text.ts), and
// the fonts' identity is part of every key, so that an entry's glyph ids always mean the glyphs of these fonts.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { DEFAULT_FONTS_DIR } from '../pdf/fonts';
import { removeStaleTemporaries, writeFileAtomic } from '../pipeline/write';
import type { Workspace } from '../pipeline/sheet';
import type { SheetResult } from './sheet-job';

const PROGRAM_DIR = resolve(__dirname, '..');

function hashFiles(hash: ReturnType<typeof createHash>, dir: string, filter: (name: string) => boolean = () => true): void {
  if (!existsSync(dir)) return;
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (filter(name)) hash.update(relative(dir, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(dir);
}

// Libraries whose version can change what a page looks like: layout, drawing, fonts, templates, parsing.
export const SHAPING_LIBRARIES = ['pdfmake', 'pdfkit', 'fontkit', 'linebreak', 'unicode-trie', 'handlebars', 'yaml', 'ajv', '@expo-google-fonts/biz-udpgothic'];

/** A library's installed version, from the package.json above its entry point (not every package exports it). */
export function packageVersion(name: string): string {
  try {
    let dir = dirname(require.resolve(name, { paths: [dirname(require.resolve('pdfmake'))] }));
    for (; dir !== dirname(dir); dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const json = JSON.parse(readFileSync(file, 'utf8'));
        if (json.name === name) return json.version;
      }
    }
  } catch {
    // not installed: the key says so
  }
  return 'unknown';
}

let programKeyOfProcess: string | undefined;
let bundledProgram: string | undefined;

/**
 * The bundled program (src/program.ts): all its code, the libraries' with it, is one file whose SHA-256 its loader
 * has taken (src/bundled.ts). Only the fonts' package is read from outside it.
 */
export function useBundledProgram(bundleHash: string): void {
  bundledProgram = bundleHash;
  programKeyOfProcess = undefined;
}

/** The package of the fonts (fonts/fonts.json names its files). */
const FONT_LIBRARY = '@expo-google-fonts/biz-udpgothic';

/**
 * The program: node, the libraries that shape a page, and the compiled sources (or the bundle made of them).
 * Worked out once per process: the program does not change under a running process.
 */
export function programKey(): string {
  if (programKeyOfProcess === undefined) {
    const hash = createHash('sha256');
    hash.update(`node ${process.version}\0`);
    if (bundledProgram) {
      hash.update(`bundle ${bundledProgram}\0${FONT_LIBRARY}@${packageVersion(FONT_LIBRARY)}\0`);
    } else {
      for (const lib of SHAPING_LIBRARIES) hash.update(`${lib}@${packageVersion(lib)}\0`);
      hashFiles(hash, PROGRAM_DIR, (n) => n.endsWith('.js') || n.endsWith('.json'));
    }
    programKeyOfProcess = hash.digest('hex');
  }
  return programKeyOfProcess;
}

/** What an entry file starts with: its format. An older format is not read. */
const ENTRY_MAGIC = Buffer.from('sheetbook render cache 2\n', 'latin1');
const DIGEST_BYTES = 32;

/** An entry's bytes: the format, the SHA-256 of the rest, and the key with the value (v8 serialization). */
export function sealEntry(key: string, value: unknown): Buffer {
  const body = serialize({ key, value });
  return Buffer.concat([ENTRY_MAGIC, createHash('sha256').update(body).digest(), body]);
}

/** What an entry holds, or undefined when it is not whole and of this format (it is then not used). */
export function openEntry(bytes: Buffer): { key: string; value: unknown } | undefined {
  const start = ENTRY_MAGIC.length + DIGEST_BYTES;
  if (bytes.length <= start || !bytes.subarray(0, ENTRY_MAGIC.length).equals(ENTRY_MAGIC)) return undefined;
  const body = bytes.subarray(start);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(ENTRY_MAGIC.length, start))) return undefined;
  try {
    const entry = deserialize(body) as { key?: unknown; value?: unknown };
    return typeof entry?.key === 'string' ? { key: entry.key, value: entry.value } : undefined;
  } catch {
    return undefined;
  }
}

/** The entry in `file` when it is whole and made for `key`; undefined otherwise (none, torn, another key's). */
function readEntry(file: string, key: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const entry = openEntry(bytes);
  return entry && entry.key === key ? entry.value : undefined;
}

/** Everything but the sheet itself: program, libraries, templates, fonts (their files and their glyphs), city data. */
export function environmentKey(dataDir: string, templatesDir: string, fontsDir: string, fontIdentity: string): string {
  const hash = createHash('sha256');
  hash.update(`program ${programKey()}\0`);
  hash.update(`fonts ${fontIdentity}\0`);
  hashFiles(hash, templatesDir);
  hashFiles(hash, fontsDir);
  for (const file of ['city.yaml', 'evaluation-sentences.yaml', 'personnel-rates.yaml']) {
    const path = join(dataDir, file);
    hash.update(file).update('\0').update(existsSync(path) ? readFileSync(path) : '').update('\0');
  }
  return hash.digest('hex');
}

export class RenderCache {
  constructor(
    private readonly dir: string,
    private readonly environment: string,
    private readonly dataDir: string,
  ) {}

  /** The sheet's key: its bytes and where it lies (the folder and file name are checked against its content). */
  private readonly used = new Set<string>();

  keyFor(file: string): string {
    const key = createHash('sha256')
      .update(this.environment)
      .update(relative(resolve(this.dataDir), resolve(file)))
      .update('\0')
      .update(readFileSync(file))
      .digest('hex');
    this.used.add(key);
    return key;
  }

  /**
   * After a run over a whole year: forget entries no sheet of it needs any more (older versions of sheets,
   * sheets removed), so the cache does not grow with every correction.
   */
  prune(): void {
    if (!existsSync(this.dir)) return;
    for (const name of readdirSync(this.dir)) {
      const key = /^([0-9a-f]{64})\.v8$/.exec(name)?.[1];
      if (key && !this.used.has(key)) rmSync(join(this.dir, name), { force: true });
    }
  }

  get(key: string, file: string): SheetResult | undefined {
    // An entry that does not prove itself is simply drawn again (and replaced).
    const result = readEntry(join(this.dir, `${key}.v8`), key) as SheetResult | undefined;
    if (!result) return undefined;
    return { ...result, file, findings: result.findings.map((f) => ({ ...f, file })), reused: true };
  }

  /**
   * Which rendering each sheet PDF in output/ was written from (`087.pdf` → the sheet's key), so that build need
   * not write a PDF again that is already in step, and booklet can say which sheet PDFs are older than the data.
   */
  private written?: Record<string, string>;
  private get writtenFile(): string {
    return join(this.dir, 'written.json');
  }

  private writtenKeys(): Record<string, string> {
    if (!this.written) {
      try {
        this.written = JSON.parse(readFileSync(this.writtenFile, 'utf8')) as Record<string, string>;
      } catch {
        this.written = {};
      }
    }
    return this.written;
  }

  /** True when `pdf` exists and was written from the rendering with this key. */
  inStep(pdf: string, key: string): boolean {
    return this.writtenKeys()[basename(pdf)] === key && existsSync(pdf);
  }

  /** Note that `pdf` now holds the rendering with this key (saved by `saveWritten`). */
  markWritten(pdf: string, key: string): void {
    this.writtenKeys()[basename(pdf)] = key;
  }

  saveWritten(): void {
    if (!this.written) return;
    // Sorted by code unit: the file's order only has to be the same every time (localeCompare would first set up ICU's
    // collation, ~10 ms of a one-sheet build).
    const sorted = Object.fromEntries(Object.entries(this.written).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    writeFileAtomic(this.writtenFile, Buffer.from(JSON.stringify(sorted, null, 1)), { durable: false });
  }

  // (writeFileAtomic makes the folder when it is missing.)
  put(key: string, result: SheetResult): void {
    writeFileAtomic(join(this.dir, `${key}.v8`), sealEntry(key, { ...result, reused: undefined }), { durable: false });
  }

  /**
   * Any other rendering kept by the content it was drawn from (the 評価結果一覧 of a year, by its figures): one
   * entry per name, replaced when the content changes.
   */
  async rendering<T>(name: string, content: unknown, draw: () => Promise<T>): Promise<T> {
    const key = createHash('sha256').update(this.environment).update(JSON.stringify(content)).digest('hex');
    const file = join(this.dir, `${name}.v8`);
    const kept = readEntry(file, key) as T | undefined;
    if (kept !== undefined) return kept;
    // None yet, another content's, or damaged: draw it.
    const value = await draw();
    writeFileAtomic(file, sealEntry(key, value), { durable: false });
    return value;
  }
}

/** The rendered sheets of one fiscal year, kept between runs in output/.cache/<year>. */
export function cacheFor(workspace: Workspace, outDir: string, year: number): RenderCache {
  const dir = join(outDir, '.cache', String(year));
  removeStaleTemporaries(dir);
  return new RenderCache(dir, environmentKey(workspace.dataDir, workspace.templates.dir, DEFAULT_FONTS_DIR, workspace.fontSet.identity), workspace.dataDir);
}
