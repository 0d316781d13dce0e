// `sheetbook watch`: a save rebuilds that sheet's PDF; an error is reported as validate reports it and leaves the
// PDF as it was; editors that save by renaming work; a template or city data change rebuilds every sheet; closing
// (and Ctrl+C) leaves no temporary file. Every wait is for the watcher's own "rebuild over" event, never a time.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { isTemporaryName, startWatch, type Rebuild, type WatchHandle } from '../src/commands/watch.runner';
import { validateFiles } from '../src/commands/validate.runner';
import { formatFinding } from '../src/model/report';
import { bundledSheet, makeDataDir } from './helpers/data';
import { parsePdf, squash } from './helpers/pdf';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');

/** A rebuild, with a generous limit so that a slow machine is never mistaken for a failure. */
const WAIT_MS = 30_000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${WAIT_MS / 1000} s`)), WAIT_MS))),
  ]);
}

interface Session {
  watch: WatchHandle;
  dataDir: string;
  outDir: string;
  templatesDir: string;
  lines: string[];
  rebuilds: Rebuild[];
  sheet: (n: string) => string;
  pdf: (n: string) => string;
  /** Do `save`, then wait for the rebuild it causes. */
  saved: (save: () => void) => Promise<Rebuild>;
  /** Do `save`, then wait for the first rebuild set off by `path` (a save that is also a folder's burst of events). */
  savedWith: (path: string, save: () => void) => Promise<Rebuild>;
}

const open: WatchHandle[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
});

function session(options: { booklet?: boolean; onLine?: (line: string, s: Session) => void } = {}): Session {
  const dataDir = makeDataDir({ '087.yaml': bundledSheet('087'), '088.yaml': bundledSheet('088') });
  const outDir = mkdtempSync(join(tmpdir(), 'sheetbook-watch-out-'));
  const templatesDir = mkdtempSync(join(tmpdir(), 'sheetbook-watch-templates-'));
  cpSync(join(ROOT, 'templates'), templatesDir, { recursive: true });
  const lines: string[] = [];
  const s = { dataDir, outDir, templatesDir, lines, rebuilds: [] as Rebuild[] } as unknown as Session;
  s.watch = startWatch({ dataDir, outDir, templatesDir, booklet: options.booklet ?? false }, (line) => {
    lines.push(...line.split('\n'));
    options.onLine?.(line, s);
  });
  open.push(s.watch);
  s.watch.on('rebuild', (r) => s.rebuilds.push(r));
  s.sheet = (n) => join(dataDir, '2021', `${n}.yaml`);
  s.pdf = (n) => join(outDir, '2021', `${n}.pdf`);
  s.saved = (save) => {
    const next = s.watch.nextRebuild();
    save();
    return within(next, 'rebuild');
  };
  s.savedWith = (path, save) => {
    const next = new Promise<Rebuild>((resolve) => {
      const listener = (r: Rebuild) => r.changed.includes(path) && (s.watch.off('rebuild', listener), resolve(r));
      s.watch.on('rebuild', listener);
    });
    save();
    return within(next, `rebuild for ${path}`);
  };
  return s;
}

const named = (name: string, number = '087') => stringify({ ...bundledSheet(number), name }, { lineWidth: 0 });
const pdfText = async (file: string) => squash((await parsePdf(readFileSync(file))).text);

/** Every file under `dir`, however deep. */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as any).path, e.name));
}

describe('sheetbook watch', () => {
  it('rebuilds the saved sheet only, and prints its findings as validate does', async () => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => process.listenerCount(signal));
    const s = session();
    expect(s.lines.join('\n')).toContain('を監視しています');
    // Stopping is the program's business (cli.ts): the runner installs no signal handler.
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => process.listenerCount(signal))).toEqual(signals);

    const first = await s.saved(() => writeFileSync(s.sheet('087'), named('情報化推進事業（監視）')));
    expect(first.scope).toBe('sheets');
    expect(first.written).toEqual([s.pdf('087')]);
    expect(first.failed).toEqual([]);
    expect(existsSync(s.pdf('088'))).toBe(false);
    expect(await pdfText(s.pdf('087'))).toContain('情報化推進事業（監視）');

    // An error: reported with file:line:column as validate reports it, the PDF left byte for byte as it was.
    const before = readFileSync(s.pdf('087'));
    const broken = bundledSheet('087');
    broken.costs.settled[2020] = '24,857円';
    const failed = await s.saved(() => writeFileSync(s.sheet('087'), stringify(broken, { lineWidth: 0 })));
    expect(failed.failed).toEqual([join(s.dataDir, '2021', '087.yaml')]);
    expect(failed.written).toEqual([]);
    const expected = validateFiles({ paths: [s.sheet('087')], dataDir: s.dataDir }).findings.map(formatFinding);
    expect(expected.some((l) => /087\.yaml:[0-9]+:[0-9]+ エラー .*数値を入力してください（"24,857円" は数値ではありません）/.test(l))).toBe(true);
    for (const line of expected) expect(s.lines).toContain(line);
    expect(s.lines).toContain(`1 ファイルを検査しました: エラー ${expected.filter((l) => l.includes(' エラー ')).length} 件、警告 ${expected.filter((l) => l.includes(' 警告 ')).length} 件`);
    expect(readFileSync(s.pdf('087')).equals(before)).toBe(true);

    // Still watching: the fix is built.
    const fixed = await s.saved(() => writeFileSync(s.sheet('087'), named('情報化推進事業（修正後）')));
    expect(fixed.written).toEqual([s.pdf('087')]);
    expect(await pdfText(s.pdf('087'))).toContain('情報化推進事業（修正後）');
    expect(s.rebuilds).toHaveLength(3);
  });

  it('takes saves that rename a new file over the sheet, and ignores editors’ temporary files', async () => {
    const s = session();
    // VS Code, sheetbook's own writes: a temporary file renamed over the sheet.
    const renamed = await s.saved(() => {
      writeFileSync(join(s.dataDir, '2021', '.087.yaml.tmp'), named('置き換えで保存'));
      renameSync(join(s.dataDir, '2021', '.087.yaml.tmp'), s.sheet('087'));
    });
    expect(renamed.changed).toEqual([s.sheet('087')]);
    expect(await pdfText(s.pdf('087'))).toContain('置き換えで保存');

    // vim with backupcopy=no: the sheet renamed to a backup, written anew, the backup removed; a swap file and
    // vim's `4913` probe beside it. One save, one rebuild, and only the sheet is seen.
    const vim = await s.saved(() => {
      writeFileSync(join(s.dataDir, '2021', '.087.yaml.swp'), 'swap');
      writeFileSync(join(s.dataDir, '2021', '4913'), '');
      unlinkSync(join(s.dataDir, '2021', '4913'));
      renameSync(s.sheet('087'), join(s.dataDir, '2021', '087.yaml~'));
      writeFileSync(s.sheet('087'), named('vimで保存'));
      unlinkSync(join(s.dataDir, '2021', '087.yaml~'));
      unlinkSync(join(s.dataDir, '2021', '.087.yaml.swp'));
    });
    expect(vim.changed).toEqual([s.sheet('087')]);
    expect(vim.written).toEqual([s.pdf('087')]);
    expect(await pdfText(s.pdf('087'))).toContain('vimで保存');

    // The next save is the next rebuild: nothing was left over from the one before.
    const next = await s.saved(() => writeFileSync(s.sheet('088'), named('次の保存', '088')));
    expect(next.changed).toEqual([s.sheet('088')]);
    expect(s.rebuilds).toHaveLength(3);

    for (const name of ['.087.yaml.swp', '087.yaml~', '4913', '#087.yaml#', '.#087.yaml', '087.yaml.tmp', '087.yaml___jb_tmp___', '.087.pdf.123.tmp']) {
      expect(isTemporaryName(name), name).toBe(true);
    }
    for (const name of ['087.yaml', '87.yml', 'sheet.hbs', 'layout.yaml', 'city.yaml']) expect(isTemporaryName(name), name).toBe(false);
  });

  it('checks a sheet again, saying nothing of the first check, when it changed while it was being checked', async () => {
    // An editor that writes a sheet in two parts, the second while the first is being checked (so after any wait
    // for the burst of events to end): what was found in the half-written file is neither printed nor acted on.
    const full = named('二度に分けて書かれたシート');
    let second = false;
    const s = session({
      onLine: (line, session) => {
        if (second || !line.includes('を検査します')) return;
        second = true;
        // After this turn of the event loop: once the first part has been read and checked.
        setImmediate(() => writeFileSync(session.sheet('087'), full));
      },
    });
    const rebuild = await s.saved(() => writeFileSync(s.sheet('087'), full.slice(0, Math.floor(full.length / 2))));
    expect(second).toBe(true);
    expect(rebuild.failed).toEqual([]);
    expect(rebuild.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(rebuild.written).toEqual([s.pdf('087')]);
    expect(s.lines.filter((l) => /087\.yaml(:[0-9]+)* エラー /.test(l))).toEqual([]);
    expect(await pdfText(s.pdf('087'))).toContain('二度に分けて書かれたシート');
  });

  it('builds a save made the moment the rebuild of the save before it ends', async () => {
    const s = session();
    // Warmed up first, so that a rebuild takes what it takes in use (tens of milliseconds), not a cold start.
    for (let i = 0; i < 3; i++) await s.saved(() => writeFileSync(s.sheet('087'), named(`温める保存${i}回目`)));
    for (let i = 1; i <= 3; i++) {
      const again = named(`すぐ後の保存${i}回目`);
      const first = s.watch.nextRebuild().then(() => writeFileSync(s.sheet('087'), again));
      writeFileSync(s.sheet('087'), named(`先の保存${i}回目`));
      await within(first, 'rebuild');
      // The save made then is seen and built, by this round (it changed while being checked) or the next.
      await within(
        (async () => {
          for (;;) {
            const next = s.watch.nextRebuild(); // asked before reading, so as not to miss it
            if ((await pdfText(s.pdf('087'))).includes(`すぐ後の保存${i}回目`)) return;
            await next;
          }
        })(),
        `rebuild of the save made after rebuild ${i}`,
      );
    }
  });

  it('never prints a sheet with the templates of before when a template changes while the sheet is checked', async () => {
    let changedTemplate = false;
    const s = session({
      onLine: (line, session) => {
        if (changedTemplate || !line.includes('を検査します')) return;
        changedTemplate = true;
        const partial = join(session.templatesDir, 'partials', 'basic-info.hbs');
        writeFileSync(partial, readFileSync(partial, 'utf8').replace('{{label "budgetItem" part="section"}}', '"事業の基本情報（途中で変更）"'));
      },
    });
    const rebuild = await s.saved(() => writeFileSync(s.sheet('087'), named('テンプレートの変更と同時の保存')));
    expect(changedTemplate).toBe(true);
    // The sheet's own rebuild gave way to the rebuild of every sheet with the new templates.
    expect(rebuild.scope).toBe('year');
    expect(rebuild.written.sort()).toEqual([s.pdf('087'), s.pdf('088')]);
    const text = await pdfText(s.pdf('087'));
    expect(text).toContain('事業の基本情報（途中で変更）');
    expect(text).toContain('テンプレートの変更と同時の保存');
  });

  it('says when a sheet is removed, and leaves its PDF', async () => {
    const s = session();
    await s.saved(() => writeFileSync(s.sheet('088'), named('消す前の保存', '088')));
    const before = readFileSync(s.pdf('088'));
    const removed = await s.saved(() => unlinkSync(s.sheet('088')));
    expect(removed.changed).toEqual([s.sheet('088')]);
    expect(removed.written).toEqual([]);
    expect(s.lines.some((l) => l.includes('088.yaml がなくなりました') && l.includes('088.pdf はそのままです'))).toBe(true);
    expect(readFileSync(s.pdf('088')).equals(before)).toBe(true);
    // The other sheets go on as before.
    const next = await s.saved(() => writeFileSync(s.sheet('087'), named('消した後の保存')));
    expect(next.written).toEqual([s.pdf('087')]);
  });

  it('rebuilds every sheet of the year when a template changes', async () => {
    const s = session();
    const partial = join(s.templatesDir, 'partials', 'basic-info.hbs');
    const rebuild = await s.saved(() => writeFileSync(partial, readFileSync(partial, 'utf8').replace('{{label "budgetItem" part="section"}}', '"事業の基本情報・改"')));
    expect(rebuild.scope).toBe('year');
    expect(rebuild.changed).toEqual([partial]);
    expect(rebuild.written.sort()).toEqual([s.pdf('087'), s.pdf('088')]);
    for (const n of ['087', '088']) expect(await pdfText(s.pdf(n))).toContain('事業の基本情報・改');

    // The partials' folder made anew (as a checkout does): rebuilt, and the new folder is watched.
    const partials = join(s.templatesDir, 'partials');
    const remade = await s.savedWith(partials, () => {
      renameSync(partials, `${partials}.old`);
      cpSync(`${partials}.old`, partials, { recursive: true });
      rmSync(`${partials}.old`, { recursive: true });
    });
    expect(remade.scope).toBe('year');
    const edited = await s.savedWith(partial, () => writeFileSync(partial, readFileSync(partial, 'utf8').replace('"事業の基本情報・改"', '"事業の基本情報（新しいフォルダ）"')));
    expect(edited.scope).toBe('year');
    expect(await pdfText(s.pdf('088'))).toContain('事業の基本情報（新しいフォルダ）');
  });

  it('rebuilds every sheet when the city data changes, and goes on watching through an error in it', async () => {
    const s = session();
    const city = join(s.dataDir, 'city.yaml');
    const text = readFileSync(city, 'utf8');
    const renamed = await s.saved(() => writeFileSync(city, text.replace(/^name: .*$/m, 'name: テスト市')));
    expect(renamed.scope).toBe('year');
    expect(renamed.written.sort()).toEqual([s.pdf('087'), s.pdf('088')]);
    expect((await parsePdf(readFileSync(s.pdf('088')))).info.Author).toBe('テスト市');

    // An error in the city data: reported as every command reports it; no sheet is built, the PDFs stay.
    const before = readFileSync(s.pdf('087'));
    const broken = await s.saved(() => writeFileSync(city, text.replace(/issueDate: [0-9-]+/, 'issueDate: 2022-02-30')));
    expect(broken.problem).toMatch(/city\.yaml:[0-9]+:[0-9]+ エラー /);
    expect(broken.problem).toContain('データのファイルに誤りが 1 件あるため');
    expect(s.lines.join('\n')).toContain(broken.problem);
    expect(broken.written).toEqual([]);
    // A sheet saved meanwhile is not built with city data that has errors.
    const meanwhile = await s.saved(() => writeFileSync(s.sheet('087'), named('市のデータの誤りの間')));
    expect(meanwhile.problem).toMatch(/city\.yaml:[0-9]+:[0-9]+ エラー /);
    expect(readFileSync(s.pdf('087')).equals(before)).toBe(true);

    const fixed = await s.saved(() => writeFileSync(city, text.replace(/^name: .*$/m, 'name: 直した市')));
    expect(fixed.problem).toBeUndefined();
    expect(fixed.written.sort()).toEqual([s.pdf('087'), s.pdf('088')]);
    expect(await pdfText(s.pdf('087'))).toContain('市のデータの誤りの間');
    expect((await parsePdf(readFileSync(s.pdf('087')))).info.Author).toBe('直した市');
  });

  it('rebuilds the booklet too with --booklet, and not while a sheet has errors', async () => {
    const s = session({ booklet: true });
    const rebuild = await s.saved(() => writeFileSync(s.sheet('088'), named('冊子の中の事業', '088')));
    expect(rebuild.booklet).toBe(join(s.outDir, '2021', 'booklet.pdf'));
    expect(await pdfText(rebuild.booklet!)).toContain('冊子の中の事業');
    const broken = bundledSheet('087');
    broken.costs.settled[2020] = '24,857円';
    const failed = await s.saved(() => writeFileSync(s.sheet('087'), stringify(broken, { lineWidth: 0 })));
    expect(failed.booklet).toBeUndefined();
    expect(s.lines).toContain('誤りのあるシートがあるため、冊子は作り直しません（前の冊子はそのままです）。');
  });

  it('closes in the middle of a rebuild without leaving a temporary file', async () => {
    let closing: Promise<void> | undefined;
    const s = session({
      // Close as soon as the rebuild has begun: close waits for it to end, its files written whole.
      onLine: (line, session) => {
        if (line.includes('を検査します')) closing ??= session.watch.close();
      },
    });
    const rebuild = await s.saved(() => writeFileSync(s.sheet('087'), named('閉じる直前の保存')));
    await closing;
    expect(rebuild.written).toEqual([s.pdf('087')]);
    expect(await pdfText(s.pdf('087'))).toContain('閉じる直前の保存');
    expect(allFiles(s.outDir).filter((f) => /\.tmp$/.test(f))).toEqual([]);
    expect(s.watch.busy).toBe(false);
  });

  it('ends on Ctrl+C (the command line), exit 0, leaving no temporary file', async () => {
    expect(existsSync(CLI), 'dist/cli.js exists (run `npm run build` first)').toBe(true);
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    const outDir = mkdtempSync(join(tmpdir(), 'sheetbook-watch-cli-'));
    const child = spawn(process.execPath, [CLI, 'watch', '--data', dataDir, '--out', outDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const seen = (text: string) =>
      within(
        new Promise<void>((resolve) => {
          const check = () => stdout.includes(text) && (child.stdout.off('data', check), resolve());
          child.stdout.on('data', check);
          check();
        }),
        `「${text}」`,
      );
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await seen('を監視しています');
      writeFileSync(join(dataDir, '2021', '087.yaml'), named('コマンドから監視'));
      await seen('ファイルを検査しました');
      child.kill('SIGINT');
      expect(await within(exited, 'exit')).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    // The year it took, as every command says when --year is left out; nothing else.
    expect(stderr).toBe(`対象年度: 2021年度（令和3年度。--year を省いたので、${dataDir} にある最新の年度。ほかの年度は --year で指定します）\n`);
    expect(stdout).toContain(`作成: ${join(outDir, '2021', '087.pdf')}`);
    expect(stdout).toContain('監視を終わりました。');
    expect(await pdfText(join(outDir, '2021', '087.pdf'))).toContain('コマンドから監視');
    expect(allFiles(outDir).filter((f) => /\.tmp$/.test(f))).toEqual([]);
    rmSync(outDir, { recursive: true, force: true });
  });
});
