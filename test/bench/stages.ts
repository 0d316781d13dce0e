// Where a sheet's time goes, and what the machine's second core gives: `BENCH_ONLY=stages npm run bench`.
// One thread draws corpus sheets stage by stage (the story of src/pipeline/sheet.ts, each stage timed on its own),
// yielding to the event loop after each sheet as a worker thread does. Then two such processes run at once: their
// time per sheet against one alone is what two cores give this work. Not a test: nothing here asserts a time.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
// The compiled program (dist/), exactly what users run.
const dist = (module: string) => require(resolve('dist', module));
const { openWorkspace } = dist('pipeline/sheet') as typeof import('../../src/pipeline/sheet');
const { loadSheetFile } = dist('pipeline/load') as typeof import('../../src/pipeline/load');
const { validateSheet } = dist('pipeline/validate') as typeof import('../../src/pipeline/validate');
const { checkConsistency } = dist('pipeline/check') as typeof import('../../src/pipeline/check');
const { deriveSheetView } = dist('pipeline/derive') as typeof import('../../src/pipeline/derive');
const { layoutSheet } = dist('pipeline/layout') as typeof import('../../src/pipeline/layout');
const { renderPages } = dist('pipeline/render') as typeof import('../../src/pipeline/render');

const STAGES = ['load', 'validate', 'check', 'derive', 'fit', 'layout', 'render'] as const;
type Stage = (typeof STAGES)[number];

export interface StageTimes {
  sheets: number;
  /** Mean wall time of a sheet, all stages, in one thread (ms). */
  msPerSheet: number;
  /** Mean time of each stage (ms), and the share of the whole spent collecting garbage. */
  stages: Record<Stage, number>;
  gcShare: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Draw `count` sheets of the corpus in this thread, after `warm` sheets that are not counted (the JIT's warm-up). */
export async function stageTimes(dataDir: string, count: number, warm = 30): Promise<StageTimes> {
  const workspace = openWorkspace(dataDir);
  const folder = join(dataDir, '2021');
  const files = readdirSync(folder)
    .filter((f) => /^[0-9]+\.yaml$/.test(f))
    .sort()
    .map((f) => join(folder, f));
  const canPrint = (cp: number) => workspace.fontSet.canPrint(cp);
  const times: Record<Stage, number[]> = Object.fromEntries(STAGES.map((s) => [s, []])) as unknown as Record<Stage, number[]>;
  const totals: number[] = [];
  let gcMs = 0;
  let counting = false;
  const gc = new PerformanceObserver((list) => {
    if (counting) for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const yieldToLoop = () => new Promise((done) => setImmediate(done));
  let measuredFrom = 0;
  for (let i = 0; i < warm + count; i++) {
    const file = files[i % files.length];
    const counted = i >= warm;
    if (counted && !counting) {
      counting = true;
      measuredFrom = performance.now();
    }
    let last = performance.now();
    const lap = (stage: Stage) => {
      const now = performance.now();
      if (counted) times[stage].push(now - last);
      last = now;
    };
    const started = last;
    workspace.fontSet.trimCaches();
    const source = loadSheetFile(file);
    lap('load');
    const validated = validateSheet(source);
    lap('validate');
    if (!validated.ok) throw new Error(`${file}: the corpus sheet does not validate`);
    checkConsistency(source.data, source, workspace.city, canPrint, validated.findings);
    lap('check');
    const view = deriveSheetView(validated.sheet, workspace.city);
    lap('derive');
    const fitted = workspace.fitter.fitView(view).view;
    lap('fit');
    const doc = layoutSheet(workspace.templates, fitted, workspace.city);
    lap('layout');
    renderPages(doc, workspace.templates.layout, workspace.fontSet);
    lap('render');
    if (counted) totals.push(last - started);
    await yieldToLoop();
  }
  const wall = performance.now() - measuredFrom;
  await yieldToLoop(); // the observer's last entries
  gc.disconnect();
  return {
    sheets: count,
    msPerSheet: round(mean(totals)),
    stages: Object.fromEntries(STAGES.map((s) => [s, round(mean(times[s]))])) as Record<Stage, number>,
    gcShare: round(gcMs / wall, 3),
  };
}

/** `stageTimes` in a process of its own (this file run with `--solo`), so that two can run at once. */
function inProcess(dataDir: string, count: number): Promise<StageTimes> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [__filename, '--solo', dataDir, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(JSON.parse(out)) : fail(new Error(`stages --solo exited ${code}`))));
  });
}

export interface CoreScaling {
  alone: StageTimes;
  /** Each of two processes drawing at the same time. */
  twoAtOnce: StageTimes[];
  /** Sheets per second of the two together over one alone: 2 would be a second core as fast as the first. */
  twoCoreFactor: number;
}

/** One process alone, then two at once, `rounds` times each (alternating, against the machine's drift): medians. */
export async function coreScaling(dataDir: string, count: number, rounds = 3): Promise<CoreScaling> {
  const alone: StageTimes[] = [];
  const pairs: StageTimes[][] = [];
  for (let r = 0; r < rounds; r++) {
    alone.push(await inProcess(dataDir, count));
    pairs.push(await Promise.all([inProcess(dataDir, count), inProcess(dataDir, count)]));
  }
  const byTime = (a: StageTimes, b: StageTimes) => a.msPerSheet - b.msPerSheet;
  const medianAlone = [...alone].sort(byTime)[Math.floor(rounds / 2)];
  const pairMean = (pair: StageTimes[]) => mean(pair.map((p) => p.msPerSheet));
  const medianPair = [...pairs].sort((a, b) => pairMean(a) - pairMean(b))[Math.floor(rounds / 2)];
  return { alone: medianAlone, twoAtOnce: medianPair, twoCoreFactor: round((2 * medianAlone.msPerSheet) / pairMean(medianPair)) };
}

if (require.main === module && process.argv[2] === '--solo') {
  void stageTimes(process.argv[3], Number(process.argv[4])).then((times) => process.stdout.write(JSON.stringify(times)));
}
