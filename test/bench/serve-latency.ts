// The warm server's answers for one sheet (issue 21): a keystroke's check (POST /api/check: validate's findings and
// the fit of every box, < 150 ms) and a pause's preview (POST /api/preview: the two pages as a PDF, < 300 ms), each
// the median of 20 requests to `sheetbook serve` as users run it (dist/cli.js, its own process), timed from the
// request to the last byte of the answer. Every request changes the sheet (one more character typed), so nothing
// is answered from a cache. Run alone: `BENCH_ONLY=serve npm run bench`.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { DATA_DIR, makeDataDir } from '../helpers/data';

const CLI = resolve('dist/cli.js');
const REQUESTS = Number(process.env.BENCH_SERVE_REQUESTS ?? 20);
const START_PAUSE_MS = 1500;
export const SERVE_TARGETS = { checkMs: 150, previewMs: 300 };

export interface ServeLatency {
  /** The first check and preview after start (before V8 has optimised anything): no target. */
  firstCheckMs: number;
  firstPreviewMs: number;
  checks: number[];
  previews: number[];
  /** Start-up: from spawning `sheetbook serve` to its address line. */
  startMs: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function post(port: number, token: string, path: string, body: unknown): Promise<{ ms: number; status: number; bytes: number }> {
  const payload = Buffer.from(JSON.stringify(body));
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path, headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': payload.length } },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, status: res.statusCode ?? 0, bytes }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function serveLatency(): Promise<ServeLatency> {
  const dataDir = makeDataDir({ '087.yaml': readFileSync(join(DATA_DIR, '2021', '087.yaml'), 'utf8') });
  const sheet = parse(readFileSync(join(DATA_DIR, '2021', '087.yaml'), 'utf8'));
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('\n')) done(out.split('\n')[0]);
    });
    child.on('exit', () => fail(new Error('sheetbook serve ended before printing its address')));
  });
  const startMs = Date.now() - started;
  const [, port, token] = /:([0-9]+)\/\?token=(.+)$/.exec(line)!;
  let typed = 0;
  // One more character typed into a sentence, as a person does between two checks.
  const next = () => {
    typed++;
    const data = structuredClone(sheet);
    data.results.achievements = `${sheet.results.achievements}${'追記'.repeat(typed % 40)}`;
    return { data };
  };
  try {
    const measure = async (path: string) => {
      const r = await post(Number(port), token, path, next());
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
      return r.ms;
    };
    // As a person opens the address a moment after it is printed (the server warms up meanwhile).
    await new Promise((done) => setTimeout(done, START_PAUSE_MS));
    const firstCheckMs = await measure('/api/check/2021/087');
    const firstPreviewMs = await measure('/api/preview/2021/087');
    // A few more before measuring, as a person's first minute of typing warms the process.
    for (let i = 0; i < 5; i++) {
      await measure('/api/check/2021/087');
      await measure('/api/preview/2021/087');
    }
    const checks: number[] = [];
    const previews: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      checks.push(await measure('/api/check/2021/087'));
      previews.push(await measure('/api/preview/2021/087'));
    }
    return { firstCheckMs, firstPreviewMs, checks, previews, startMs };
  } finally {
    child.kill('SIGINT');
    await new Promise((done) => child.once('exit', done));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function serveSummary(latency: ServeLatency) {
  return {
    requests: REQUESTS,
    checkMs: Math.round(median(latency.checks)),
    previewMs: Math.round(median(latency.previews)),
    checkMaxMs: Math.round(Math.max(...latency.checks)),
    previewMaxMs: Math.round(Math.max(...latency.previews)),
    firstCheckMs: Math.round(latency.firstCheckMs),
    firstPreviewMs: Math.round(latency.firstPreviewMs),
    startMs: latency.startMs,
    targets: SERVE_TARGETS,
  };
}

export function serveRows(latency: ServeLatency): string[][] {
  const s = serveSummary(latency);
  return [
    ['serve: check of unsaved values (1 sheet)', `${s.checkMs} ms`, `≤ ${SERVE_TARGETS.checkMs} ms`],
    ['serve: preview PDF of unsaved values (1 sheet)', `${s.previewMs} ms`, `≤ ${SERVE_TARGETS.previewMs} ms`],
    [`  serve: first check / preview, ${START_PAUSE_MS / 1000} s after start`, `${s.firstCheckMs} / ${s.firstPreviewMs} ms`, ''],
    ['  serve: start to the address line', `${s.startMs} ms`, ''],
  ];
}

if (require.main === module) {
  serveLatency().then(
    (latency) => {
      console.log(JSON.stringify(serveSummary(latency), null, 2));
      for (const r of serveRows(latency)) console.log(`| ${r[0].padEnd(50)} | ${r[1].padStart(12)} | ${r[2].padStart(10)} |`);
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
