// `sheetbook watch`: keep the workspace (fonts, templates, measurer, city data) open and, on every save, check the
// saved sheet and rebuild its PDF — the same stages as build, for one sheet, in this thread. A change to the
// templates, the fonts or the city's data rebuilds every sheet of the year with a fresh workspace.
import { EventEmitter, once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { cacheFor, type RenderCache } from '../batch/cache';
import { filesForNumber, folderFindings, selectSheetFiles, selectYear, type SheetSelection } from '../batch/selection';
import type { SheetResult } from '../batch/sheet-job';
import { writeSheetPdfs } from '../batch/sheet-pdfs';
import { processSheets } from '../batch/sheets';
import { judgeEntry, numberFromFileName, outputPathFor, readYearFolder, SHEET_FILE } from '../model/data-folder';
import { fileSystemError, UserError } from '../model/errors';
import { displayPath, formatFinding } from '../model/report';
import type { Finding } from '../model/types';
import { DEFAULT_FONTS_DIR } from '../pdf/fonts';
import { CITY_FILES } from '../pipeline/city-data';
import { DEFAULT_TEMPLATES_DIR } from '../pipeline/layout';
import { openWorkspace, type Workspace } from '../pipeline/sheet';
import { removeStaleTemporaries } from '../pipeline/write';
import { runBooklet } from './booklet.runner';
import { buildSelection } from './build.runner';
import { FolderWatch } from './folder-watch';
import { createProgress, summaryLine, type Tally } from './progress';
import { announcedYear, hasIssueDate, undatedRefusal, undatedSheetsWarning } from './target-year';

/**
 * How long the events of one save may keep coming before it is taken as done. An editor's save is a burst of
 * events (truncate and write, or write a temporary file and rename it over the sheet, then set its mode) that
 * arrive within a millisecond or two. A saved sheet is checked at once, but what the check found (its findings,
 * its PDF) is used only once the sheet has been quiet this long and is still, byte for byte, what was checked;
 * otherwise it is checked again. A template, font or city data file is read only once its folders have been
 * quiet this long. Events that come later still (after an fsync, say) find the sheet as it was checked last and
 * rebuild nothing.
 */
export const SETTLE_MS = 5;

export interface WatchOptions {
  /** The fiscal year; the newest year folder of dataDir when absent (fixed for the whole session). */
  year?: number;
  dataDir: string;
  outDir: string;
  /** Rebuild the year's booklet after every rebuild too. */
  booklet: boolean;
  /** The templates folder; the program's own unless given (tests watch a copy). */
  templatesDir?: string;
}

/** One rebuild, reported when it is over (its files written). */
export interface Rebuild {
  /** `sheets`: sheets were saved. `year`: the templates, fonts or city data changed, and every sheet was rebuilt. */
  scope: 'sheets' | 'year';
  /** What set it off (absolute paths of the files saved, renamed or removed). */
  changed: string[];
  /** The sheet files checked. */
  files: string[];
  /** The PDFs written. */
  written: string[];
  /** Sheet files left out for their errors (their PDFs are as they were). */
  failed: string[];
  /** Every finding of the sheets checked, as printed. */
  findings: Finding[];
  /** The booklet written (with `booklet`). */
  booklet?: string;
  /** Why nothing could be built (an error in the city's data or the templates, a folder that cannot be written…). */
  problem?: string;
}

export interface WatchHandle {
  readonly year: number;
  /** True while a rebuild is under way. */
  readonly busy: boolean;
  /** Each rebuild, when it is over. */
  on(event: 'rebuild', listener: (rebuild: Rebuild) => void): this;
  off(event: 'rebuild', listener: (rebuild: Rebuild) => void): this;
  /** The next rebuild to end. Ask before saving, so as not to miss it. */
  nextRebuild(): Promise<Rebuild>;
  /** Stop watching. Resolves when the rebuild under way, if any, is over (every file written whole, none half). */
  close(): Promise<void>;
}

/**
 * Names that editors (and sheetbook itself) give to files on their way to becoming another, or to copies: never
 * a sheet, a template or a font. vim's `.087.yaml.swp` and `4913` probe, backups `087.yaml~`, emacs's `#087.yaml#`
 * and `.#087.yaml`, sheetbook's own `.087.pdf.1234.tmp`, JetBrains' `087.yaml___jb_tmp___`, `.tmp`, `.bak`…
 */
export function isTemporaryName(name: string): boolean {
  return (
    name.startsWith('.') ||
    name.startsWith('#') ||
    name.endsWith('~') ||
    /^[0-9]+$/.test(name) ||
    /\.(swp|swo|swx|swn|tmp|temp|bak|orig|crswap|part)$/i.test(name) ||
    /___jb_(tmp|old)___$/.test(name)
  );
}

/** How much longer a save that left a sheet empty is waited for (see `work`). */
const EMPTY_GRACE_MS = 50;

const isEmpty = (file: string) => {
  try {
    return statSync(file).size === 0;
  } catch {
    return false;
  }
};

const TEMPLATE_FILE = /\.(hbs|ya?ml)$/i;
const FONT_FILE = /\.(json|ttf|otf|ttc)$/i;
const WAITING = '直して保存すると、続きを行います（監視を続けています）。';

const within = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

const clock = (now = new Date()) => [now.getHours(), now.getMinutes(), now.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');

class SheetWatch extends EventEmitter implements WatchHandle {
  private readonly dataDir: string;
  private readonly yearDir: string;
  private readonly templatesDir: string;
  private readonly fontsDir = DEFAULT_FONTS_DIR;
  private readonly folders: FolderWatch;
  private workspace?: Workspace;
  private cache?: RenderCache;
  /** Sheets saved since the last rebuild began (absolute paths). */
  private readonly savedSheets = new Set<string>();
  /** Templates, fonts and city data files changed since then: every sheet is rebuilt. */
  private readonly savedOthers = new Set<string>();
  /** The wait for the folders to be quiet after a template, font or city data file changed. */
  private timer?: NodeJS.Timeout;
  /** The wait for a sheet found empty to be written (see `work`). */
  private grace?: NodeJS.Timeout;
  /** A drain asked for, to run once the events that came with this one have been taken in. */
  private immediate?: NodeJS.Immediate;
  private running?: Promise<void>;
  private closed = false;
  private waitedForEmpty = false;
  /** When each sheet file was last named by an event (performance.now()). */
  private readonly lastEvent = new Map<string, number>();
  /** Look-alikes of sheets already named (`092.YAML`), so that each is named once. */
  private readonly named = new Set<string>();
  /** What each sheet was when last checked (its cache key), and whether it had errors. */
  private readonly checked = new Map<string, { key: string; failed: boolean }>();

  constructor(
    private readonly options: WatchOptions,
    readonly year: number,
    private readonly log: (line: string) => void,
  ) {
    super();
    this.dataDir = resolve(options.dataDir);
    this.yearDir = join(this.dataDir, String(year));
    this.templatesDir = resolve(options.templatesDir ?? DEFAULT_TEMPLATES_DIR);
    this.open();
    this.folders = new FolderWatch(
      [{ dir: this.dataDir }, { dir: this.yearDir }, { dir: this.templatesDir, recursive: true }, { dir: this.fontsDir, recursive: true }],
      (path) => this.changed(path),
    );
  }

  /**
   * Open the workspace and the render cache. With an error in the city's data or the templates, say so (as every
   * command does) and give the message: nothing is built until the file is fixed.
   */
  private open(): string | undefined {
    this.workspace = undefined;
    this.cache = undefined;
    this.checked.clear();
    try {
      const workspace = openWorkspace(this.options.dataDir, this.options.templatesDir);
      this.cache = cacheFor(workspace, this.options.outDir, this.year);
      this.workspace = workspace;
      return undefined;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      this.log(error.message);
      this.log(WAITING);
      return error.message;
    }
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  nextRebuild(): Promise<Rebuild> {
    return once(this, 'rebuild').then(([rebuild]) => rebuild as Rebuild);
  }

  /** What a changed path means: a sheet to rebuild, everything to rebuild, or nothing. */
  private classify(path: string): 'sheet' | 'year' | undefined {
    const name = basename(path);
    if (isTemporaryName(name)) return undefined;
    const dir = dirname(path);
    if (dir === this.yearDir) {
      if (SHEET_FILE.test(name)) return 'sheet';
      this.sayIfLookalike(path);
      return undefined;
    }
    // The year's folder itself made anew (a checkout, a restore): any sheet may have changed.
    if (path === this.yearDir) return 'year';
    if (dir === this.dataDir) return (CITY_FILES as readonly string[]).includes(name) ? 'year' : undefined;
    // A folder made or removed (a name without an extension) may hold files that changed before it was watched.
    if (within(this.templatesDir, path)) return TEMPLATE_FILE.test(name) || !name.includes('.') ? 'year' : undefined;
    if (within(this.fontsDir, path)) return FONT_FILE.test(name) || !name.includes('.') ? 'year' : undefined;
    return undefined;
  }

  /** A file saved into the year's folder that looks like a sheet but is not read (`092.YAML`): said once. */
  private sayIfLookalike(path: string): void {
    if (this.named.has(path) || this.closed) return;
    const judged = judgeEntry(this.dataDir, path);
    if (judged.kind !== 'ignored') return;
    this.named.add(path);
    this.log(formatFinding({ file: path, line: 1, column: 1, severity: 'warning', labels: [], path: [], message: judged.why }));
  }

  private changed(path: string): void {
    const what = this.classify(path);
    if (!what || this.closed) return;
    if (what === 'sheet') {
      this.savedSheets.add(path);
      this.lastEvent.set(path, performance.now());
      // Checked at once (see SETTLE_MS); while a template's wait is under way, that rebuild takes the sheet too.
      // A sheet waited for as empty is taken now that it has changed.
      clearTimeout(this.grace);
      this.grace = undefined;
      if (this.timer === undefined) this.drainSoon();
      return;
    }
    this.savedOthers.add(path);
    // Wait until the save's burst of events is over.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, SETTLE_MS);
  }

  /** Drain once the events that arrived together with this one (the rest of a save's burst) have been taken in. */
  private drainSoon(): void {
    this.immediate ??= setImmediate(() => {
      this.immediate = undefined;
      this.drain();
    });
  }

  private get pending(): boolean {
    return this.savedSheets.size + this.savedOthers.size > 0;
  }

  private drain(): void {
    if (this.running || this.closed) return;
    // Known as running before any of it runs, so that close() waits for it even when called from within it.
    let done!: () => void;
    this.running = new Promise<void>((resolve) => (done = resolve));
    this.work()
      .catch((error: unknown) => this.log(`予期しないエラーが起きました: ${(error as Error)?.message ?? error}`))
      .finally(() => {
        this.running = undefined;
        done();
        // A save that came as the last round ended (nothing waits for it otherwise).
        if (!this.closed && this.pending && this.timer === undefined && this.grace === undefined) this.drainSoon();
      });
  }

  /** Rebuild until nothing is left to do (saves made during a rebuild are taken next), or until closed. */
  private async work(): Promise<void> {
    while (!this.closed && this.timer === undefined && this.grace === undefined && this.pending) {
      // A sheet found empty may have been caught between an editor's emptying it and writing it: the save is given
      // a moment more (once), or until the sheet changes again, before an empty file is reported.
      if (!this.waitedForEmpty && [...this.savedSheets].some(isEmpty)) {
        this.waitedForEmpty = true;
        this.grace = setTimeout(() => {
          this.grace = undefined;
          this.drain();
        }, EMPTY_GRACE_MS);
        return;
      }
      this.waitedForEmpty = false;
      const others = this.savedOthers.size > 0;
      const wholeYear = others || !this.workspace;
      // Sheets saved while the city data or templates cannot be read are read with everything else, once quiet.
      const quietFor = performance.now() - Math.max(...[...this.savedSheets].map((f) => this.lastEvent.get(f) ?? -Infinity));
      if (wholeYear && quietFor < SETTLE_MS) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.drain();
        }, SETTLE_MS - quietFor);
        return;
      }
      const changed = [...this.savedOthers, ...this.savedSheets];
      const sheets = [...this.savedSheets];
      this.savedOthers.clear();
      this.savedSheets.clear();
      const rebuild = await this.attempt(wholeYear ? 'year' : 'sheets', changed, () => (wholeYear ? this.rebuildYear(changed, others) : this.rebuildSheets(sheets)));
      if (rebuild) this.emit('rebuild', rebuild);
    }
  }

  /** Whatever goes wrong is said in Japanese, and watching goes on. */
  private async attempt(scope: Rebuild['scope'], changed: string[], rebuild: () => Promise<Rebuild | undefined>): Promise<Rebuild | undefined> {
    try {
      return await rebuild();
    } catch (error) {
      const known = error instanceof UserError ? error : fileSystemError(error);
      const problem = known?.message ?? `予期しないエラーが起きました: ${(error as Error)?.message ?? error}`;
      this.log(problem);
      if (!known && process.env.SHEETBOOK_DEBUG) console.error(error);
      this.log(WAITING);
      return { scope, changed, files: [], written: [], failed: [], findings: [], problem };
    }
  }

  /**
   * The templates, fonts or city data changed (`others`), or they had errors when last read: open everything again
   * and rebuild every sheet of the year.
   */
  private async rebuildYear(changed: string[], others: boolean): Promise<Rebuild> {
    const started = Date.now();
    const names = changed.map(displayPath);
    const what = `${names.slice(0, 3).join('、')}${names.length > 3 ? ` ほか ${names.length - 3} 件` : ''}`;
    const why = others ? `${what} が変わったため、` : '市のデータとテンプレートを読み直して、';
    this.log(`${clock()} ${why}${this.year}年度のすべてのシートを作り直します`);
    const rebuild: Rebuild = { scope: 'year', changed, files: [], written: [], failed: [], findings: [] };
    const problem = this.open();
    if (problem) return { ...rebuild, problem };
    this.sayUndated();
    const selection = selectSheetFiles({ dataDir: this.options.dataDir, year: this.year });
    const tally: Tally = { built: 0, reused: 0, failed: 0 };
    const progress = createProgress('シート', this.log, tally);
    const summary = await buildSelection(this.workspace!, this.cache!, selection, this.options.outDir, progress, tally, this.log, { prune: true });
    this.log(summaryLine(`${this.year}年度のシート`, tally, started));
    this.remember(selection, summary.results, summary.failed);
    this.reportFailed(summary.failed);
    const findings = [...folderFindings(selection), ...summary.results.flatMap((r) => r.findings)];
    return { ...rebuild, files: selection.all, written: summary.built, failed: summary.failed, findings, booklet: await this.booklet(summary.failed) };
  }

  /**
   * Sheets were saved: check them and rebuild their PDFs, with the workspace kept open. They are checked as soon
   * as they are saved; what was found is printed, and the PDFs written, only when the sheets are still what was
   * checked once they have been quiet for SETTLE_MS (`confirmed`). Otherwise (an editor still writing, a sheet
   * saved again, a template changed meanwhile) nothing is said or written, and the saves are taken again.
   */
  private async rebuildSheets(saved: string[]): Promise<Rebuild | undefined> {
    const rebuild: Rebuild = { scope: 'sheets', changed: saved, files: [], written: [], failed: [], findings: [] };
    // A number is checked with all its files, so that `087.yaml` and `87.yaml` are reported together.
    const numbers = [...new Set(saved.map((f) => numberFromFileName(f)!))];
    const { present, selection } = this.select(numbers);
    // Everything this round's outcome depends on: the files saved (present or not) and every file of their numbers.
    const files = [...new Set([...saved, ...(selection?.all ?? [])].map((f) => resolve(f)))];
    const cache = this.cache!;
    const observed = this.observe(files);
    const lines: string[] = [];
    const say = (line: string) => void lines.push(...line.split('\n'));
    for (const file of saved.filter((f) => !existsSync(f) && !present.includes(numberFromFileName(f)!))) {
      const pdf = outputPathFor(this.options.outDir, this.year, numberFromFileName(file)!);
      say(`${clock()} ${displayPath(file)} がなくなりました（${displayPath(pdf)} はそのままです）。`);
    }
    if (!selection) {
      if (!(await this.confirmed(saved, files, observed))) return undefined;
      for (const line of lines) this.log(line);
      return saved.some((f) => this.checked.delete(resolve(f))) ? rebuild : undefined;
    }
    // Events that come after a save was checked (an editor setting the file's mode after its fsync) change nothing.
    const unchanged = selection.all.every((f) => {
      const last = this.checked.get(resolve(f));
      const key = observed.get(resolve(f));
      return last !== undefined && last.key === key && (last.failed || cache.inStep(outputPathFor(this.options.outDir, this.year, numberFromFileName(f)!), key!));
    });
    if (unchanged) return undefined;

    // The stages of build (buildSelection), with the PDFs written only once the check is confirmed.
    // Said at once (a check taken again because the sheet changed meanwhile is said again).
    this.log(`${clock()} ${selection.all.map(displayPath).join('、')} を検査します`);
    for (const finding of selection.refused) say(formatFinding(finding));
    const tally: Tally = { built: 0, reused: 0, failed: selection.excluded.length };
    const progress = createProgress('シート', say, tally, process.stderr, { moving: false });
    // The cache as processSheets uses it, with the keys just observed, and its new entries kept until the PDFs are
    // written (a user waits for the PDF, not for the cache).
    const entries: [string, SheetResult][] = [];
    const view: RenderCache = Object.create(cache, {
      keyFor: { value: (file: string) => observed.get(resolve(file)) || cache.keyFor(file) },
      put: { value: (key: string, result: SheetResult) => void entries.push([key, result]) },
    });
    const results = await processSheets(selection.files, this.workspace!, view, progress);
    const failed = [...selection.excluded, ...results.filter((r) => !r.rendered || !r.entry).map((r) => r.file)];
    const findings = [...selection.refused, ...results.flatMap((r) => r.findings)];
    if (!(await this.confirmed(saved, files, observed))) return undefined;

    for (const line of lines) this.log(line);
    const written = writeSheetPdfs(this.workspace!, cache, results, this.options.outDir, this.year, this.log);
    for (const [key, result] of entries) cache.put(key, result);
    // The count as validate gives it.
    const errors = findings.filter((f) => f.severity === 'error').length;
    this.log(`${selection.all.length} ファイルを検査しました: エラー ${errors} 件、警告 ${findings.length - errors} 件`);
    this.remember(selection, results, failed);
    this.reportFailed(failed);
    return { ...rebuild, files: selection.all, written, failed, findings, booklet: await this.booklet(failed) };
  }

  /**
   * The numbers that still have a sheet file, and their files. Listing a city's year folder (a thousand sheets)
   * takes a millisecond or more, so it is listed once when every number still has its file, as after a save.
   */
  private select(numbers: number[]): { present: number[]; selection?: SheetSelection } {
    const request = { dataDir: this.options.dataDir, year: this.year };
    try {
      return { present: numbers, selection: selectSheetFiles({ ...request, numbers }) };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
    }
    // A sheet removed or renamed away.
    const present = numbers.filter((n) => filesForNumber(this.options.dataDir, this.year, n).length > 0);
    return { present, selection: present.length > 0 ? selectSheetFiles({ ...request, numbers: present }) : undefined };
  }

  /** Each file's render-cache key as it is now (its bytes, where it lies, and everything else that shapes it), or '' when it cannot be read. */
  private observe(files: string[]): Map<string, string> {
    return new Map(
      files.map((file) => {
        try {
          return [file, this.cache!.keyFor(file)];
        } catch {
          return [file, ''];
        }
      }),
    );
  }

  /**
   * True when what a round observed of its files still holds once they have been quiet for SETTLE_MS, and no
   * template, font or city data file has changed meanwhile. Otherwise the saves are put back to be taken again
   * (or by the rebuild of the whole year that is waiting).
   */
  private async confirmed(saved: string[], files: string[], observed: Map<string, string>): Promise<boolean> {
    // Take in the events that came while the round was checking (they are delivered between turns of the loop).
    await new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      if (this.savedOthers.size > 0) break;
      const quietFor = performance.now() - Math.max(...files.map((f) => this.lastEvent.get(f) ?? -Infinity));
      if (quietFor >= SETTLE_MS) {
        const now = this.observe(files);
        if (files.every((f) => now.get(f) === observed.get(f))) return true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS - quietFor));
    }
    for (const file of saved) this.savedSheets.add(file);
    return false;
  }

  /** Note what each sheet was when checked: the key it was checked with (a file that shares its number: as it is now). */
  private remember(selection: SheetSelection, results: SheetResult[], failed: string[]): void {
    const keys = new Map(results.map((r) => [r.file, r.key]));
    for (const file of selection.all) {
      const key = keys.get(file) ?? this.cache!.keyFor(file);
      this.checked.set(resolve(file), { key, failed: failed.includes(file) });
    }
  }

  private reportFailed(failed: string[]): void {
    if (failed.length === 0) return;
    this.log(`誤りのある ${failed.length} 件は PDF にしませんでした（前に作った PDF はそのままです）。${WAITING}`);
  }

  /**
   * A year without its 発行日: its sheet PDFs carry no date, and there is no booklet (said when the city's data is
   * read, at the start and after it changes; not at every save).
   */
  sayUndated(): void {
    if (!this.workspace || hasIssueDate(this.workspace.city, this.year)) return;
    this.log(undatedSheetsWarning(this.options.dataDir, this.year));
    if (this.options.booklet) this.log(undatedRefusal(this.options.dataDir, this.year, '冊子は作りません').message);
  }

  /** With --booklet, the year's booklet after the sheets, from the same workspace (not while a sheet has errors). */
  private async booklet(failed: string[]): Promise<string | undefined> {
    if (!this.options.booklet) return undefined;
    if (this.workspace && !hasIssueDate(this.workspace.city, this.year)) return undefined; // said by sayUndated
    if (failed.length > 0) {
      this.log('誤りのあるシートがあるため、冊子は作り直しません（前の冊子はそのままです）。');
      return undefined;
    }
    const { file } = await runBooklet(
      { year: this.year, dataDir: this.options.dataDir, outDir: this.options.outDir, selection: { only: [], departments: [] } },
      this.log,
      { workspace: this.workspace, progress: (tally) => createProgress('冊子', this.log, tally, process.stderr, { findings: false }) },
    );
    return file;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    clearTimeout(this.grace);
    this.grace = undefined;
    clearImmediate(this.immediate);
    this.immediate = undefined;
    this.folders.close();
    await this.running;
  }

  /** The files of the year's folder that are not read, as every command names them (at the start). */
  nameUnread(): void {
    const folder = readYearFolder(this.options.dataDir, this.year);
    for (const finding of [...folder.ignored, ...folder.refused]) {
      if (finding.severity === 'warning') this.named.add(resolve(finding.file));
      this.log(formatFinding(finding));
    }
  }

  /** What is watched, for the message at the start. */
  describe(): string {
    const parts = [
      `${this.year}年度のシート（${displayPath(this.yearDir)}）`,
      `市のデータ（${CITY_FILES.map((f) => displayPath(join(this.dataDir, f))).join('、')}）`,
      `テンプレート（${displayPath(this.templatesDir)}）`,
      `フォント（${displayPath(this.fontsDir)}）`,
    ];
    return `${parts.join('、')}を監視しています。`;
  }
}

/**
 * Start watching. Usage errors (no data folder, no such year) are thrown as for any command; an error in the
 * city's data or the templates is printed, and watching starts anyway (saving the fixed file goes on).
 */
export function startWatch(options: WatchOptions, log: (line: string) => void = console.log): WatchHandle {
  const year = selectYear(options.dataDir, options.year);
  removeStaleTemporaries(join(options.outDir, String(year)));
  let watch: SheetWatch;
  try {
    watch = new SheetWatch(options, year, log);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // The limits of the system's file watching, not of the disk (ENOSPC here means too many watches).
    if (code === 'ENOSPC' || code === 'EMFILE') {
      throw new UserError(`フォルダを監視できません: 監視できるファイルの数の上限に達しています（${code}）。ほかの監視しているプログラムを終えるか、fs.inotify.max_user_watches を増やしてください。`);
    }
    throw error;
  }
  log(watch.describe());
  watch.nameUnread();
  watch.sayUndated();
  log(`シートを保存すると、検査してそのシートの PDF を作り直します${options.booklet ? '（冊子も作り直します）' : ''}。終わるには Ctrl+C を押します。`);
  return watch;
}

/** Runs until stopped: the first Ctrl+C asks it to stop (see cli.ts), a second one ends the program at once. */
export const runsUntilStopped = true;

/** `sheetbook watch`: watch until Ctrl+C, then end (exit 0) once the rebuild under way is over. */
export async function main(options: WatchOptions, stop: AbortSignal): Promise<number> {
  const watch = startWatch({ ...options, year: announcedYear(options.dataDir, options.year) });
  await new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
  if (watch.busy) console.log('作り直しの途中です。終わってから止めます（すぐに止めるには、もう一度 Ctrl+C を押します）。');
  await watch.close();
  console.log('監視を終わりました。');
  return 0;
}
