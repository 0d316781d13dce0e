// npm run test:load — 20 simulated people on one `sheetbook serve` for a bounded minute (issue 22, point 6): 16
// editors, two to a sheet (so that saves meet 412s), open their sheet, change a text, ask for the preview, save with
// the version they loaded and now and then submit; 4 reviewers of the department accept or send back what is
// submitted. Each person waits 0.5–1.5 s between steps, as a person does (LOAD_THINK_MS=0 makes it a stress run).
// Afterwards: no save lost (every 200 is in the history, each save was made over the version saved before it, each
// sheet's file is its last save), no file corrupt (every sheet reads and checks as before, the history has no damaged
// line), the preview's median. Not a test in `npm test`: it prints its figures and exits 1 when a check fails.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join, resolve } from 'node:path';
import type { Actor } from '../../src/model/actor';
import { bundledSheet, makeDataDir } from '../helpers/data';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const THINK_MS = process.env.LOAD_THINK_MS === undefined ? [500, 1500] : [Number(process.env.LOAD_THINK_MS), Number(process.env.LOAD_THINK_MS)];
const SHEETS = 8;
const EDITORS_PER_SHEET = 2;
const REVIEWERS = 4;
const DEPARTMENT = '政策イノベーション部';
const YEAR = 2021;

const sheetKey = (i: number) => String(101 + i);
const division = (i: number) => `第${i + 1}課`;

function actors(): Record<string, Actor> {
  const all: Record<string, Actor> = {};
  for (let i = 0; i < SHEETS; i++) {
    for (let j = 0; j < EDITORS_PER_SHEET; j++) {
      all[`e${i}-${j}`] = { name: `e${i}-${j}`, displayName: `編集者 ${i}-${j}`, role: 'editor', department: DEPARTMENT, division: division(i) };
    }
  }
  for (let r = 0; r < REVIEWERS; r++) all[`r${r}`] = { name: `r${r}`, displayName: `確認者 ${r}`, role: 'reviewer', department: DEPARTMENT };
  return all;
}

// The server's side, in its own process (as `sheetbook serve` is): the person is taken from a header only this
// load test's server reads.
async function serve(dataDir: string): Promise<void> {
  const { startServer } = require(resolve('dist/server/server')) as typeof import('../../src/server/server');
  const table = actors();
  const server = await startServer({
    dataDir,
    outDir: join(dataDir, '..', 'out'),
    port: 0,
    warmUp: true,
    actorOf: (req: IncomingMessage) => table[String(req.headers['x-load-user'])],
  });
  process.send!({ origin: server.origin, token: server.token });
  process.on('message', async (m) => {
    if (m === 'close') {
      await server.close();
      process.exit(0);
    }
  });
}

interface Ack {
  sheet: string;
  base: string;
  etag: string;
  value: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const think = () => sleep(THINK_MS[0] + Math.random() * (THINK_MS[1] - THINK_MS[0]));

async function main(): Promise<void> {
  const sheets: Record<string, unknown> = {};
  for (let i = 0; i < SHEETS; i++) {
    const sheet = bundledSheet('087');
    sheet.number = 101 + i;
    sheet.division = division(i);
    sheets[`${sheetKey(i)}.yaml`] = sheet;
  }
  const dataDir = makeDataDir(sheets, YEAR);
  const child = fork(__filename, ['server', dataDir], { stdio: 'inherit' });
  const { origin, token } = await new Promise<{ origin: string; token: string }>((r) => child.once('message', (m) => r(m as never)));
  const initialEtags = new Map<string, string>();
  for (let i = 0; i < SHEETS; i++) initialEtags.set(sheetKey(i), `"${createHash('sha256').update(readFileSync(join(dataDir, String(YEAR), `${sheetKey(i)}.yaml`))).digest('hex')}"`);

  const counts: Record<string, number> = {};
  const count = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);
  const previews: number[] = [];
  const saves: number[] = [];
  const acks: Ack[] = [];
  const failures: string[] = [];

  const call = async (user: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'X-Load-User': user, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    if (res.status >= 500) failures.push(`${method} ${path} → ${res.status} ${bytes.toString('utf8').slice(0, 200)}`);
    return { status: res.status, etag: res.headers.get('etag') ?? '', bytes, json: () => JSON.parse(bytes.toString('utf8')) };
  };

  // Each sheet opened and drawn once before the clock starts, as the server's first minutes are not what is measured.
  for (let i = 0; i < SHEETS; i++) {
    const got = await call(`e${i}-0`, 'GET', `/api/sheets/${YEAR}/${sheetKey(i)}`);
    await call(`e${i}-0`, 'POST', `/api/preview/${YEAR}/${sheetKey(i)}`, { data: got.json().data });
  }
  await call('r0', 'GET', `/api/years/${YEAR}/sheets`);

  const end = Date.now() + SECONDS * 1000;
  const editor = async (i: number, j: number) => {
    const user = `e${i}-${j}`;
    const key = sheetKey(i);
    let seq = 0;
    let savedSinceSubmit = 0;
    while (Date.now() < end) {
      const got = await call(user, 'GET', `/api/sheets/${YEAR}/${key}`);
      if (got.status !== 200) {
        count(`get ${got.status}`);
        await think();
        continue;
      }
      const loaded = got.json();
      if (loaded.flow.state !== '作成中') {
        count('waited for a reviewer');
        await think();
        continue;
      }
      const data = loaded.data;
      const value = `${user} の ${++seq} 回目の入力`;
      data.overview.target = value;
      const t0 = performance.now();
      const pdf = await call(user, 'POST', `/api/preview/${YEAR}/${key}`, { data });
      previews.push(performance.now() - t0);
      count(`preview ${pdf.status}`);
      if (pdf.status === 200 && pdf.bytes.subarray(0, 5).toString() !== '%PDF-') failures.push('a preview that is not a PDF');
      await think();
      const t1 = performance.now();
      const put = await call(user, 'PUT', `/api/sheets/${YEAR}/${key}`, { data }, { 'If-Match': got.etag });
      saves.push(performance.now() - t1);
      count(`save ${put.status}`);
      if (put.status === 200) {
        acks.push({ sheet: key, base: got.etag, etag: put.etag, value });
        savedSinceSubmit++;
      }
      if (savedSinceSubmit >= 3 && Math.random() < 0.5) {
        const submitted = await call(user, 'POST', `/api/sheets/${YEAR}/${key}/submit`, {});
        count(`submit ${submitted.status}`);
        if (submitted.status === 200) savedSinceSubmit = 0;
      }
      await think();
    }
  };
  const reviewer = async (r: number) => {
    const user = `r${r}`;
    while (Date.now() < end) {
      await think();
      const list = await call(user, 'GET', `/api/years/${YEAR}/sheets`);
      count(`list ${list.status}`);
      if (list.status !== 200) continue;
      const rows = list.json().sheets as { key: string; flow: { state: string } }[];
      const waiting = rows.filter((s) => s.flow.state !== '作成中');
      if (waiting.length === 0) continue;
      const pick = waiting[Math.floor(Math.random() * waiting.length)];
      const action = pick.flow.state === '提出' && Math.random() < 0.4 ? 'accept' : 'return';
      const done = await call(user, 'POST', `/api/sheets/${YEAR}/${pick.key}/${action}`, action === 'return' ? { comment: `${user} から: もう一度確かめてください` } : {});
      count(`${action} ${done.status}`);
    }
  };

  const started = Date.now();
  await Promise.all([
    ...Array.from({ length: SHEETS * EDITORS_PER_SHEET }, (_, n) => editor(Math.floor(n / EDITORS_PER_SHEET), n % EDITORS_PER_SHEET)),
    ...Array.from({ length: REVIEWERS }, (_, r) => reviewer(r)),
  ]);
  const elapsed = (Date.now() - started) / 1000;
  child.send('close');
  await new Promise((r) => child.once('exit', r));

  // What is on disk now, read by the program's own modules.
  const { readHistory } = require(resolve('dist/publication/review-log')) as typeof import('../../src/publication/review-log');
  const { checkSheet, openWorkspace } = require(resolve('dist/pipeline/sheet')) as typeof import('../../src/pipeline/sheet');
  const history = readHistory(dataDir, YEAR);
  const problems: string[] = [...failures];
  if (history.damaged > 0) problems.push(`${history.damaged} damaged lines in history.jsonl`);
  const saveEvents = history.events.filter((e) => e.event === 'save') as { sheet: string; sha256: string; changes: { path: unknown[]; new: unknown }[] }[];
  if (saveEvents.length !== acks.length) problems.push(`${acks.length} saves answered 200, ${saveEvents.length} in the history`);
  const workspace = openWorkspace(dataDir);
  for (let i = 0; i < SHEETS; i++) {
    const key = sheetKey(i);
    const mine = acks.filter((a) => a.sheet === key);
    const events = saveEvents.filter((e) => e.sheet === key);
    // In the history's order, each save was made over the version the one before it wrote: none overwrote another.
    const byEtag = new Map(mine.map((a) => [a.etag, a]));
    let previous = initialEtags.get(key)!;
    for (const e of events) {
      const ack = byEtag.get(`"${e.sha256}"`);
      if (!ack) {
        problems.push(`${key}: a save in the history that no one was told of`);
        continue;
      }
      if (ack.base !== previous) problems.push(`${key}: a save over ${ack.base} after ${previous} (a lost update)`);
      const change = e.changes.find((c) => c.path.join('.') === 'overview.target');
      if (change?.new !== ack.value) problems.push(`${key}: the history's value differs from the one saved`);
      previous = ack.etag;
    }
    const file = join(dataDir, String(YEAR), `${key}.yaml`);
    const bytes = readFileSync(file);
    if (`"${createHash('sha256').update(bytes).digest('hex')}"` !== previous) problems.push(`${key}: the file is not its last save`);
    const last = mine.find((a) => a.etag === previous);
    const prepared = checkSheet(file, workspace, bytes);
    const errors = prepared.findings.filter((f) => f.severity === 'error');
    if (errors.length > 0) problems.push(`${key}: ${errors.length} errors after the run (${errors[0].message})`);
    if (last && (prepared.sheet as { overview?: { target?: string } } | undefined)?.overview?.target !== last.value) problems.push(`${key}: the file does not hold its last save's value`);
  }

  const figures = {
    seconds: Math.round(elapsed),
    people: SHEETS * EDITORS_PER_SHEET + REVIEWERS,
    thinkMs: THINK_MS,
    counts,
    previewMedianMs: Math.round(median(previews)),
    previewP95Ms: Math.round(percentile(previews, 95)),
    saveMedianMs: Math.round(median(saves)),
    saveP95Ms: Math.round(percentile(saves, 95)),
    historyEvents: history.events.length,
    problems,
  };
  console.log(JSON.stringify(figures, null, 2));
  console.log(
    `${figures.people} 人・${figures.seconds} 秒: 保存 ${counts['save 200'] ?? 0} 回（412 ${counts['save 412'] ?? 0}、409 ${counts['save 409'] ?? 0}）、` +
      `見本 ${previews.length} 回（中央値 ${figures.previewMedianMs} ms、95% ${figures.previewP95Ms} ms）、提出 ${counts['submit 200'] ?? 0}、` +
      `確認済 ${counts['accept 200'] ?? 0}、差し戻し ${counts['return 200'] ?? 0}。失われた保存・壊れたファイル: ${problems.length === 0 ? 'なし' : problems.length}`,
  );
  if (problems.length > 0 || !(figures.previewMedianMs < 1000)) process.exitCode = 1;
}

if (process.argv[2] === 'server') void serve(process.argv[3]);
else void main();
