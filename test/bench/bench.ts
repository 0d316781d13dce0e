// npm run bench — speed and memory at the scale of a whole city: 1,000 synthetic sheets in a temporary folder.
// Reports medians as JSON and as a table. Not a test: nothing here asserts a time.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
// The compiled program (dist/), exactly what users run.
const { checkSheet, openWorkspace } = require(resolve('dist/pipeline/sheet')) as typeof import('../../src/pipeline/sheet');
import { DATA_DIR, makeDataDir } from '../helpers/data';
import { generateSheet, getPath, prng, setPath } from '../helpers/generate';
import { editorLatency, editorSummary } from './editor-latency';
import { serveLatency, serveRows, serveSummary } from './serve-latency';
import { coreScaling } from './stages';

const SHEETS = Number(process.env.BENCH_SHEETS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CLI = resolve('dist/cli.js');
const WATCH_SAVES = Number(process.env.BENCH_WATCH_SAVES ?? 21);
const TARGETS = {
  // Issue 19: one changed sheet, whole process, no background process.
  oneSheetMs: 200,
  validateMs: 2000,
  bookletMs: 12000,
  bookletAfterChangeMs: 3000,
  watchSaveMs: 50,
  // Issue 21: in the browser, a keystroke to its findings, and typing stopped to the preview redrawn.
  editorFindingsMs: 150,
  editorPreviewMs: 300,
  peakRssMb: 512,
  bookletMb: 25,
};
// As a user runs it: `sheetbook` is dist/cli.js itself, a node script (on Windows, node runs the file).
const COMMAND = process.platform === 'win32' ? [process.execPath, CLI] : [CLI];

const DEPARTMENTS = ['政策イノベーション部', '総務部', '財務部', '市民部', '福祉部', '保健部', 'こども部', '経済部', '生活環境部', '建設部'];
const DIVISIONS = ['企画課', '管理課', '推進課'];

/** A varied, valid corpus: text lengths, figures and departments differ from sheet to sheet. */
function makeCorpus(): string {
  const sheets: Record<string, unknown> = {};
  for (let n = 1; n <= SHEETS; n++) {
    const random = prng(n * 7919);
    const sheet = generateSheet(n, [0.01, 0.03, 0.06, 0.1][n % 4]);
    sheet.number = n;
    sheet.department = DEPARTMENTS[Math.floor(random() * DEPARTMENTS.length)];
    sheet.division = DIVISIONS[Math.floor(random() * DIVISIONS.length)];
    for (const year of ['2019', '2020', '2021']) {
      const general = Math.floor(random() * 500000);
      const subsidies = Math.floor(random() * 50000);
      const other = Math.floor(random() * 5000);
      Object.assign(sheet.costs.generalFund, { [year]: general });
      Object.assign(sheet.costs.subsidies, { [year]: subsidies });
      Object.assign(sheet.costs.otherFunds, { [year]: other });
      sheet.costs.settled[year] = general + subsidies + other;
    }
    delete sheet.costs.personnelCost; // computed from the rates
    sheets[`${String(n).padStart(3, '0')}.yaml`] = sheet;
  }
  const dataDir = makeDataDir(sheets);
  // Cut texts drawn too long for their box to what fits, so that the whole corpus validates.
  const workspace = openWorkspace(dataDir);
  for (const [name, sheet] of Object.entries(sheets)) {
    const file = join(dataDir, '2021', name);
    let checked = checkSheet(file, workspace);
    for (let round = 0; round < 3 && !checked.view; round++) {
      for (const f of checked.findings.filter((f) => f.severity === 'error')) {
        const excess = Number(/約([0-9]+)文字超過/.exec(f.message)?.[1] ?? NaN);
        if (Number.isNaN(excess)) throw new Error(`generated sheet ${name} is invalid: ${f.message}`);
        const text = [...String(getPath(sheet, f.path))];
        setPath(sheet, f.path, text.slice(0, text.length - excess).join(''));
      }
      writeFileSync(file, stringify(sheet, { lineWidth: 0 }));
      checked = checkSheet(file, workspace);
    }
  }
  return dataDir;
}

interface Run {
  ms: number;
  rssMb: number;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const started = process.hrtime.bigint();
  const result = spawnSync(COMMAND[0], [...COMMAND.slice(1), ...args], { encoding: 'utf8', env: { ...process.env, SHEETBOOK_REPORT_RSS: '1', CI: '1', ...env } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`sheetbook ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  const rss = /maxRSS=([0-9]+)/.exec(result.stderr);
  return { ms, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sheetFile = (dataDir: string, n: number) => join(dataDir, '2021', `${String(n).padStart(3, '0')}.yaml`);

/** Typst making the same sheets, one page each, as a process of its own (test/bench/typst-sheet.ts): its time (ms). */
function typstRun(pdf: string, files: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [join(__dirname, 'typst-sheet.js'), pdf, ...files], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`typst failed:\n${result.stdout}\n${result.stderr}`);
  return ms;
}

function touch(dataDir: string, n: number, round: number): void {
  const file = sheetFile(dataDir, n);
  const text = readFileSync(file, 'utf8').replace(/^  reason: .*$/m, `  reason: 修正 ${round} 回目`);
  writeFileSync(file, text);
}

/**
 * Saves that warm `sheetbook watch` up before the timed ones: its first saves run code V8 has not optimised yet
 * (the first takes several times as long; about ten saves reach the steady pace). The first is reported apart.
 */
const WATCH_WARM_UP = 10;
/** The time between two saves: the watcher is idle, as it is while a person types (who saves far less often). */
const WATCH_PAUSE_MS = Number(process.env.BENCH_WATCH_PAUSE_MS ?? 200);

/** How a save reaches the disk: written in place (most editors), or a new file renamed over the sheet (VS Code, vim's rename dance without the backup). */
type SaveKind = 'write' | 'rename';
interface WatchScenario {
  name: string;
  sheets: string[];
  kind: SaveKind;
}
const WATCH_SCENARIOS: WatchScenario[] = [
  { name: '1 sheet, written in place', sheets: ['087'], kind: 'write' },
  { name: '1 sheet, renamed into place', sheets: ['087'], kind: 'rename' },
  { name: '2 sheets in turn, written in place', sheets: ['087', '088'], kind: 'write' },
  { name: '2 sheets in turn, renamed into place', sheets: ['087', '088'], kind: 'rename' },
];

export interface WatchLatency {
  /** The first save after the start, before V8 has optimised anything. */
  firstMs: number;
  /** Per scenario: each timed save, from the sheet written to its PDF renamed into place (ms). */
  saves: Record<string, number[]>;
  /**
   * Per scenario, where Linux tells (/proc/<pid>/task/<pid>/schedstat): the time the watch process's main thread
   * spent ready to run but waiting for a core during each save (ms). Near zero unless other work shares the machine.
   */
  waitingForCpu: Record<string, number[]>;
  /** Per scenario, likewise: the CPU time of that thread during each save (ms), what a busy machine changes least. */
  cpu: Record<string, number[]>;
}

/** The CPU time and run-queue wait so far of a process's main thread (ns), or undefined where /proc cannot tell. */
function schedstat(pid: number): { cpu: number; waiting: number } | undefined {
  try {
    const [cpu, waiting] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { cpu, waiting };
  } catch {
    return undefined;
  }
}

/**
 * `sheetbook watch` as a user sees it: two bundled (real) sheets among SHEETS sheet files (a city's year) in a data
 * folder of their own, one `watch` process
 * per command in `commands` (each warmed up by WATCH_WARM_UP saves), a sentence of a sheet corrected and saved, and
 * the time from just before the sheet file is written to the moment its PDF is renamed into place.
 *
 * The end is seen by an fs.watch (inotify) on the output folder, in this otherwise idle process: the rename of the
 * finished PDF over the old one is the IN_MOVED_TO event that names `<number>.pdf` with a new inode. It comes the
 * moment the rename is done, give or take this process's wake-up (well under a millisecond when a core is free).
 * Not the files' times: a rename's ctime is the kernel's coarse clock (4 ms steps here). Not a line that watch
 * prints: watch prints after the rename (and after the cache is written), so a line comes later than the PDF.
 *
 * Each save waits for the watcher to finish the one before, then WATCH_PAUSE_MS. With several commands, their
 * saves take turns (never at the same time), so that each meets the same moments of a busy machine.
 */
export async function watchLatency(commands: string[][], saves = WATCH_SAVES): Promise<WatchLatency[]> {
  const sources = ['087', '088'].map((n) => readFileSync(join(DATA_DIR, '2021', `${n}.yaml`), 'utf8'));
  // As many sheet files as a city has (watch lists the year's folder on every save): copies of another bundled sheet.
  const filler = readFileSync(join(DATA_DIR, '2021', '089.yaml'), 'utf8');
  const sheets: Record<string, string> = {};
  for (let n = 1; n <= Math.max(SHEETS, 2); n++) sheets[`${String(n).padStart(3, '0')}.yaml`] = filler.replace(/^number: .*$/m, `number: ${n}`);
  Object.assign(sheets, { '087.yaml': sources[0], '088.yaml': sources[1] });
  const watchers = commands.map((command) => {
    const dataDir = makeDataDir(sheets);
    const out = mkdtempSync(join(tmpdir(), 'sheetbook-bench-watch-'));
    mkdirSync(join(out, '2021'), { recursive: true });
    const child = spawn(command[0], [...command.slice(1), 'watch', '--data', dataDir, '--out', out], { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const w = { command, dataDir, out, child, stdout: '', stderr: '', exited: new Promise<void>((resolve) => child.once('exit', () => resolve())) };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (w.stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (w.stderr += chunk));
    return w;
  });
  type Watcher = (typeof watchers)[number];
  const until = async (w: Watcher, test: () => boolean, what: string) => {
    const started = Date.now();
    while (!test()) {
      if (Date.now() - started > 30_000 || w.child.exitCode !== null) throw new Error(`watch: no ${what}\n${w.stdout}\n${w.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  const checkedLines = (w: Watcher) => w.stdout.split('ファイルを検査しました').length - 1;
  let round = 0;
  /** One save of sheet `n`; its time (ms) and the run-queue wait of the watch process meanwhile. */
  const save = async (w: Watcher, n: string, kind: SaveKind) => {
    const sheet = join(w.dataDir, '2021', `${n}.yaml`);
    const dir = join(w.out, '2021');
    const pdf = join(dir, `${n}.pdf`);
    const inode = () => {
      try {
        return statSync(pdf).ino;
      } catch {
        return undefined;
      }
    };
    const before = inode();
    // A correction as a person makes one: a sentence of the sheet changed (the same characters each time, new figures).
    const text = readFileSync(sheet, 'utf8').replace(/^(  purpose: [^\n（]*)(（修正 [0-9]+ 回目）)?$/m, `$1（修正 ${round++} 回目）`);
    if (!text.includes(`（修正 ${round - 1} 回目）`)) throw new Error(`watch: no overview.purpose line to correct in ${sheet}`);
    const checked = checkedLines(w);
    let replacedAt = 0n;
    let after: ReturnType<typeof schedstat>;
    const watcher = watch(dir, (_type, file) => {
      if (replacedAt || file !== `${n}.pdf`) return;
      const ino = inode();
      if (ino !== undefined && ino !== before) (replacedAt = process.hrtime.bigint()), (after = schedstat(w.child.pid!));
    });
    await new Promise((resolve) => setTimeout(resolve, WATCH_PAUSE_MS));
    const start = schedstat(w.child.pid!);
    const started = process.hrtime.bigint();
    if (kind === 'write') writeFileSync(sheet, text);
    else {
      const temp = join(w.dataDir, '2021', `.${n}.yaml.tmp`);
      writeFileSync(temp, text);
      renameSync(temp, sheet);
    }
    await until(w, () => replacedAt !== 0n && checkedLines(w) > checked, `rebuild of ${n}.pdf`);
    watcher.close();
    return { ms: Number(replacedAt - started) / 1e6, waiting: start && after ? (after.waiting - start.waiting) / 1e6 : NaN, cpu: start && after ? (after.cpu - start.cpu) / 1e6 : NaN };
  };
  const results: WatchLatency[] = watchers.map(() => ({ firstMs: NaN, saves: {}, waitingForCpu: {}, cpu: {} }));
  try {
    for (const w of watchers) await until(w, () => w.stdout.includes('監視しています'), 'start');
    for (let i = 0; i < WATCH_WARM_UP; i++) {
      for (const [k, w] of watchers.entries()) {
        const { ms } = await save(w, '087', 'write');
        if (i === 0) results[k].firstMs = ms;
      }
    }
    for (const scenario of WATCH_SCENARIOS) {
      for (let i = 0; i < saves; i++) {
        for (const [k, w] of watchers.entries()) {
          const { ms, waiting, cpu } = await save(w, scenario.sheets[i % scenario.sheets.length], scenario.kind);
          (results[k].saves[scenario.name] ??= []).push(ms);
          (results[k].waitingForCpu[scenario.name] ??= []).push(waiting);
          (results[k].cpu[scenario.name] ??= []).push(cpu);
        }
      }
    }
    return results;
  } finally {
    for (const w of watchers) {
      w.child.kill('SIGINT');
      await w.exited;
      rmSync(w.dataDir, { recursive: true, force: true });
      rmSync(w.out, { recursive: true, force: true });
    }
  }
}

/** The watch rows of the table: each scenario's median, and the watch thread's CPU time and wait for a core. */
function watchRows(latency: WatchLatency, label = 'watch'): string[][] {
  return Object.entries(latency.saves).map(([name, times]) => {
    const waiting = median(latency.waitingForCpu[name]);
    const cpu = median(latency.cpu[name]);
    return [`${label}: ${name}`, `${Math.round(median(times))} ms`, Number.isFinite(waiting) ? `(cpu ${Math.round(cpu)}, waiting ${Math.round(waiting)})` : ''];
  });
}

/**
 * `BENCH_ONLY=watch npm run bench`: the watch measure alone (no 1,000-sheet corpus). With BENCH_WATCH_BASELINE
 * set to another build's dist/cli.js, that build is measured too, its saves taking turns with this one's.
 */
async function watchOnly(): Promise<void> {
  const baseline = process.env.BENCH_WATCH_BASELINE;
  const commands = [COMMAND, ...(baseline ? [[baseline]] : [])];
  const [latency, before] = await watchLatency(commands);
  const summary = (l: WatchLatency) => ({
    firstSaveMs: Math.round(l.firstMs),
    medians: Object.fromEntries(Object.entries(l.saves).map(([name, times]) => [name, Math.round(median(times))])),
    waitingForCpuMs: Object.fromEntries(Object.entries(l.waitingForCpu).map(([name, times]) => [name, Math.round(median(times))])),
    cpuMs: Object.fromEntries(Object.entries(l.cpu).map(([name, times]) => [name, Math.round(median(times))])),
  });
  console.log(JSON.stringify({ saves: WATCH_SAVES, pauseMs: WATCH_PAUSE_MS, target: TARGETS.watchSaveMs, watch: summary(latency), ...(before ? { baseline: { command: baseline, ...summary(before) } } : {}) }, null, 2));
  for (const r of [...watchRows(latency), ...(before ? watchRows(before, 'baseline') : [])]) console.log(`| ${r[0].padEnd(50)} | ${r[1].padStart(8)} | ${r[2].padStart(24)} |`);
}

/**
 * One corrected sheet, whole process, its render cache missing: another sheet each run, and the same sheet corrected
 * again (its strings partly laid out before); bare `node -e 0` in turn with them (the same moments of a busy machine),
 * for the difference. More runs than the others: each is short.
 */
function oneSheetRuns(dataDir: string, out: string, record: (r: Run) => number): { oneSheet: number[]; sameSheet: number[]; bareNode: number[]; typst: number[] } {
  const bareNode: number[] = [];
  const typst: number[] = [];
  const sameSheet: number[] = [];
  const corrected = Math.ceil(SHEETS / 2);
  const oneSheet = Array.from({ length: Math.max(RUNS, 15) }, (_, i) => {
    const started = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    bareNode.push(Number(process.hrtime.bigint() - started) / 1e6);
    const n = 1 + ((i * 53) % SHEETS);
    touch(dataDir, n, 100 + i);
    const ms = record(run(['build', String(n), '--data', dataDir, '--out', out]));
    touch(dataDir, corrected, 300 + i);
    sameSheet.push(record(run(['build', String(corrected), '--data', dataDir, '--out', out])));
    typst.push(typstRun(join(out, 'typst-sheet.pdf'), [sheetFile(dataDir, n)]));
    return ms;
  });
  return { oneSheet, sameSheet, bareNode, typst };
}

/** `BENCH_ONLY=editor npm run bench`: the editor's latencies in chromium alone (20 keystrokes, medians). */
async function editorOnly(): Promise<void> {
  const latency = await editorLatency();
  if (!latency) return console.log('chromium (/usr/bin/chromium) がないので、編集画面の計測を飛ばしました。');
  const summary = editorSummary(latency);
  console.log(JSON.stringify({ targets: { findingsMs: TARGETS.editorFindingsMs, previewMs: TARGETS.editorPreviewMs }, ...summary }, null, 2));
  for (const r of editorRows(summary)) console.log(`| ${r[0].padEnd(50)} | ${r[1].padStart(10)} | ${r[2].padStart(10)} |`);
}

function editorRows(summary: Record<string, number> | undefined): string[][] {
  if (!summary) return [['editor (no chromium: not measured)', '', '']];
  return [
    ['editor: keystroke→findings (chromium)', `${summary.findingsMedianMs} ms`, `≤ ${TARGETS.editorFindingsMs} ms`],
    ['editor: typing stopped→preview drawn (chromium)', `${summary.previewMedianMs} ms`, `≤ ${TARGETS.editorPreviewMs} ms`],
    ['  of which the server answering with the PDF', `${summary.previewServerMedianMs} ms`, ''],
    ['  of which pdf.js drawing both pages', `${summary.previewDrawMedianMs} ms`, ''],
  ];
}

/**
 * `BENCH_ONLY=booklet npm run bench`: the cold booklet alone, beside Typst (BENCH_RUNS runs each). With BENCH_DATA,
 * an existing corpus is used instead of a new one (BENCH_KEEP names the one a run made).
 */
function bookletOnly(): void {
  const dataDir = process.env.BENCH_DATA ?? makeCorpus();
  const out = mkdtempSync(join(tmpdir(), 'sheetbook-bench-out-'));
  const cold: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    rmSync(join(out, '.cache'), { recursive: true, force: true });
    cold.push(run(['booklet', '--data', dataDir, '--out', out]));
  }
  const size = statSync(join(out, '2021', 'booklet.pdf')).size;
  const typst = process.env.BENCH_TYPST === '0' ? [] : Array.from({ length: Math.min(RUNS, 3) }, () => typstRun(join(out, 'typst-booklet.pdf'), Array.from({ length: SHEETS }, (_, i) => sheetFile(dataDir, i + 1))));
  const result = {
    sheets: SHEETS,
    runs: cold.map((r) => Math.round(r.ms)),
    bookletMs: Math.round(median(cold.map((r) => r.ms))),
    typstBookletMs: typst.length ? Math.round(median(typst)) : null,
    peakRssMb: Math.round(Math.max(...cold.map((r) => r.rssMb))),
    bookletMb: Math.round((size / 1024 / 1024) * 10) / 10,
  };
  console.log(JSON.stringify(result, null, 2));
  if (process.env.BENCH_KEEP) console.error(`kept: ${dataDir} ${out}`);
  else if (!process.env.BENCH_DATA) rmSync(dataDir, { recursive: true, force: true });
}

/**
 * `BENCH_ONLY=stages npm run bench`: where one sheet's time goes, stage by stage in one thread, and what a second
 * core gives (two processes drawing at once against one alone); with them, the time per sheet in one thread that the
 * booklet's target allows on this machine. BENCH_STAGE_SHEETS sheets (300) per process; BENCH_DATA as for booklet.
 */
async function stagesOnly(): Promise<void> {
  const dataDir = process.env.BENCH_DATA ?? makeCorpus();
  const scaling = await coreScaling(dataDir, Number(process.env.BENCH_STAGE_SHEETS ?? 300));
  // 1,000 sheets in 12 s over the two cores, before the booklet's own pages and start-up are counted.
  const budget = Math.round(((TARGETS.bookletMs * scaling.twoCoreFactor) / 1000) * 10) / 10;
  console.log(JSON.stringify({ ...scaling, oneThreadBudgetMsPerSheet: budget }, null, 2));
  const rows: [string, string][] = [
    ['one sheet, one thread (ms)', String(scaling.alone.msPerSheet)],
    ...Object.entries(scaling.alone.stages).map(([stage, ms]): [string, string] => [`  ${stage}`, String(ms)]),
    ['  of all, collecting garbage', `${Math.round(scaling.alone.gcShare * 100)} %`],
    ['one sheet, each of two processes at once (ms)', scaling.twoAtOnce.map((t) => t.msPerSheet).join(' / ')],
    ['what two cores give', `${scaling.twoCoreFactor}×`],
    [`one thread's time per sheet that ${TARGETS.bookletMs / 1000} s for 1,000 allows`, `${budget} ms`],
  ];
  for (const [what, value] of rows) console.log(`| ${what.padEnd(56)} | ${value.padStart(14)} |`);
  if (!process.env.BENCH_DATA) rmSync(dataDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'watch') return watchOnly();
  if (process.env.BENCH_ONLY === 'editor') return editorOnly();
  if (process.env.BENCH_ONLY === 'serve') {
    const latency = await serveLatency();
    console.log(JSON.stringify({ serve: serveSummary(latency) }, null, 2));
    for (const r of serveRows(latency)) console.log(`| ${r[0].padEnd(50)} | ${r[1].padStart(12)} | ${r[2].padStart(10)} |`);
    return;
  }
  if (process.env.BENCH_ONLY === 'booklet') return bookletOnly();
  if (process.env.BENCH_ONLY === 'stages') return stagesOnly();
  const t0 = Date.now();
  const dataDir = makeCorpus();
  console.error(`corpus: ${SHEETS} sheets in ${dataDir} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const out = mkdtempSync(join(tmpdir(), 'sheetbook-bench-out-'));
  const rss: number[] = [];
  const record = (r: Run) => (Number.isFinite(r.rssMb) && rss.push(r.rssMb), r.ms);

  const validate = Array.from({ length: RUNS }, () => record(run(['validate', dataDir])));
  const bookletCold: number[] = [];
  let size = 0;
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    rmSync(join(out, '.cache'), { recursive: true, force: true });
    bookletCold.push(record(run(['booklet', '--data', dataDir, '--out', out])));
    size = statSync(join(out, '2021', 'booklet.pdf')).size;
  }
  const typstBooklet = Array.from({ length: Math.min(RUNS, 3) }, () => typstRun(join(out, 'typst-booklet.pdf'), Array.from({ length: SHEETS }, (_, i) => sheetFile(dataDir, i + 1))));
  const afterChange = Array.from({ length: RUNS }, (_, i) => {
    touch(dataDir, 1 + ((i * 37) % SHEETS), i);
    return record(run(['booklet', '--data', dataDir, '--out', out]));
  });
  const { oneSheet, sameSheet, bareNode, typst } = oneSheetRuns(dataDir, out, record);
  const [watchLatencies] = await watchLatency([COMMAND]);
  const editor = await editorLatency();
  const editorMedians = editor ? editorSummary(editor) : undefined;
  const serve = await serveLatency();

  const results = {
    machine: { cpus: require('node:os').availableParallelism(), node: process.version },
    sheets: SHEETS,
    runs: RUNS,
    medians: {
      oneSheetMs: Math.round(median(oneSheet)),
      sameSheetMs: Math.round(median(sameSheet)),
      sameSheetAboveNodeMs: Math.round(median(sameSheet) - median(bareNode)),
      nodeMs: Math.round(median(bareNode)),
      typstOneSheetMs: Math.round(median(typst)),
      typstBookletMs: Math.round(median(typstBooklet)),
      oneSheetAboveNodeMs: Math.round(median(oneSheet) - median(bareNode)),
      validateMs: Math.round(median(validate)),
      bookletMs: Math.round(median(bookletCold)),
      bookletAfterChangeMs: Math.round(median(afterChange)),
      watchSaveMs: Math.round(median(watchLatencies.saves[WATCH_SCENARIOS[0].name])),
      peakRssMb: Math.round(Math.max(...rss)),
      bookletMb: Math.round((size / 1024 / 1024) * 10) / 10,
    },
    targets: TARGETS,
    // Not a median and without a target: the first save after watch starts, before V8 has optimised anything.
    watchFirstSaveMs: Math.round(watchLatencies.firstMs),
    // Every watch scenario (the first is watchSaveMs), and how long the watch process waited for a core meanwhile.
    watchSaves: Object.fromEntries(Object.entries(watchLatencies.saves).map(([name, times]) => [name, Math.round(median(times))])),
    watchWaitingForCpuMs: Object.fromEntries(Object.entries(watchLatencies.waitingForCpu).map(([name, times]) => [name, Math.round(median(times))])),
    watchCpuMs: Object.fromEntries(Object.entries(watchLatencies.cpu).map(([name, times]) => [name, Math.round(median(times))])),
    // The browser editor (test/bench/editor-latency.ts): absent when chromium is not installed.
    editor: editorMedians ?? null,
    // The editor's server, warm, for one sheet (test/bench/serve-latency.ts).
    serve: serveSummary(serve),
  };
  console.log(JSON.stringify(results, null, 2));
  const rows = [
    ['measure', 'median', 'target'],
    ['1 sheet rebuilt (another each run)', `${results.medians.oneSheetMs} ms`, `≤ ${TARGETS.oneSheetMs} ms`],
    ['  same sheet corrected again', `${results.medians.sameSheetMs} ms`, `≤ ${TARGETS.oneSheetMs} ms`],
    ['  same sheet above `node -e 0`', `${results.medians.sameSheetAboveNodeMs} ms`, ''],
    ['  `node -e 0` (same runs)', `${results.medians.nodeMs} ms`, ''],
    ['  Typst, the same sheet (typst.ts, whole process)', `${results.medians.typstOneSheetMs} ms`, ''],
    ['  1 sheet above `node -e 0`', `${results.medians.oneSheetAboveNodeMs} ms`, ''],
    ['  1 sheet ÷ `node -e 0`', `${(results.medians.oneSheetMs / results.medians.nodeMs).toFixed(1)} ×`, ''],
    [`validate ${SHEETS} sheets`, `${results.medians.validateMs} ms`, `≤ ${TARGETS.validateMs} ms`],
    [`booklet of ${SHEETS}, no cache`, `${results.medians.bookletMs} ms`, `≤ ${TARGETS.bookletMs} ms`],
    [`  Typst, ${SHEETS} sheets (one page each)`, `${results.medians.typstBookletMs} ms`, ''],
    ['booklet after 1 sheet changed', `${results.medians.bookletAfterChangeMs} ms`, `≤ ${TARGETS.bookletAfterChangeMs} ms`],
    ['watch save→PDF (warm process)', `${results.medians.watchSaveMs} ms`, `≤ ${TARGETS.watchSaveMs} ms`],
    ...watchRows(watchLatencies).map(([what, ms, waiting]) => [`  ${what} ${waiting}`, ms, '']),
    ['  watch save→PDF ÷ `node -e 0`', `${(results.medians.watchSaveMs / results.medians.nodeMs).toFixed(2)} ×`, ''],
    ...editorRows(editorMedians),
    ['peak RSS (any run)', `${results.medians.peakRssMb} MB`, `≤ ${TARGETS.peakRssMb} MB`],
    ['booklet size', `${results.medians.bookletMb} MB`, `≤ ${TARGETS.bookletMb} MB`],
    ...serveRows(serve),
  ];
  for (const r of rows) console.log(`| ${r[0].padEnd(50)} | ${r[1].padStart(10)} | ${r[2].padStart(10)} |`);
  if (process.env.BENCH_KEEP) console.error(`kept: ${dataDir} ${out}`);
  else {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
