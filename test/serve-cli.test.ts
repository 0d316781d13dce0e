// `sheetbook serve` and `sheetbook status` as programs (issue 21, points 1, 2, 7): serve prints exactly one line, its
// address with the token, and ends cleanly on Ctrl+C; a server killed in the middle of a save leaves the old file
// whole; status lists the year as the first page does, as text, JSON or CSV.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundledSheet, DATA_DIR, makeDataDir } from './helpers/data';
import { send } from './helpers/serve';
import type { RunningServer } from '../src/server/server';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const FAULTS = join(__dirname, 'helpers/write-faults.cjs');
const TEXT_087 = readFileSync(join(DATA_DIR, '2021', '087.yaml'), 'utf8');
const ADDRESS = /^http:\/\/127\.0\.0\.1:([0-9]+)\/\?token=([A-Za-z0-9_-]{43})$/;

interface Child {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  server: RunningServer;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Start `sheetbook serve` and wait for its line. */
async function serve(dataDir: string, env: Record<string, string> = {}, preload: string[] = []): Promise<Child> {
  const child = spawn(process.execPath, [...preload, CLI, 'serve', '--data', dataDir], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address within 30 s: ${err}`)), 30_000);
    const look = () => {
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.split('\n')[0]);
      }
    };
    child.stdout!.on('data', look);
    exited.then(() => reject(new Error(`serve ended: ${err}`)));
  });
  const [, port, token] = ADDRESS.exec(line) ?? [];
  expect(line).toMatch(ADDRESS);
  const server = { url: line, origin: `http://127.0.0.1:${port}`, token, port: Number(port), close: async () => {} } as RunningServer;
  return { child, stdout: () => out, stderr: () => err, exited, server };
}

describe('sheetbook serve', () => {
  it('prints one line, its address with a random token, listens on 127.0.0.1 only, and ends on Ctrl+C with 0', async () => {
    const dataDir = makeDataDir({ '087.yaml': TEXT_087 });
    const s = await serve(dataDir);
    const res = await send(s.server, 'GET', '/api/years/2021/sheets');
    expect(res.status).toBe(200);
    expect(res.json.sheets).toHaveLength(1);
    const other = await serve(dataDir);
    expect(other.server.token).not.toBe(s.server.token);
    other.child.kill('SIGINT');
    s.child.kill('SIGINT');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(await other.exited).toEqual({ code: 0, signal: null });
    expect(s.stdout().split('\n').filter(Boolean)).toHaveLength(1);
    expect(s.stderr()).toContain('sheetbook serve を終わりました。');
    expect(s.stderr()).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('refuses a port that is taken, in Japanese, with exit 1', async () => {
    const dataDir = makeDataDir({ '087.yaml': TEXT_087 });
    const s = await serve(dataDir);
    const run = spawnSync(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', String(s.server.port)], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`ポート ${s.server.port} はほかのプログラムが使っています`);
    expect(run.stdout).toBe('');
    s.child.kill('SIGINT');
    await s.exited;
  });

  it('refuses a port that is not one, as a usage error', () => {
    const run = spawnSync(process.execPath, [CLI, 'serve', '--port', '80x'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--port には 1024〜65535 の番号を指定してください（「80x」）');
  });

  it('killed in the middle of a save, leaves the old file whole; started again, it tidies up and serves it', async () => {
    const dataDir = makeDataDir({ '087.yaml': TEXT_087 });
    const file = join(dataDir, '2021', '087.yaml');
    // Every write of 087.yaml's temporary file takes half its bytes, then the process is killed (kill -9).
    const s = await serve(dataDir, { SHEETBOOK_FAULT: JSON.stringify({ file: '087.yaml', fault: 'kill' }) }, ['--require', FAULTS]);
    const got = await send(s.server, 'GET', '/api/sheets/2021/087');
    const data = got.json.data;
    data.results.achievements = '保存の途中で止まる成果。'.repeat(50);
    await send(s.server, 'PUT', '/api/sheets/2021/087', { body: { data }, headers: { 'If-Match': got.headers.etag as string } }).catch(() => undefined);
    expect(await s.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(readFileSync(file, 'utf8')).toBe(TEXT_087);
    expect(readdirSync(join(dataDir, '2021')).some((n) => n.endsWith('.tmp'))).toBe(true); // what the kill left
    const again = await serve(dataDir);
    expect(readdirSync(join(dataDir, '2021'))).toEqual(['087.yaml']);
    const res = await send(again.server, 'GET', '/api/sheets/2021/087');
    expect(res.json.data).toEqual(parse(TEXT_087));
    again.child.kill('SIGINT');
    await again.exited;
  });
});

describe('sheetbook status', () => {
  const dataDir = makeDataDir({ '087.yaml': TEXT_087, '088.yaml': bundledSheet('088'), '089.yaml': { ...bundledSheet('089'), review: ['results.achievements'], department: '総務部' } });
  const status = (...args: string[]) => spawnSync(process.execPath, [CLI, 'status', '--data', dataDir, ...args], { encoding: 'utf8', timeout: 60_000 });

  it('lists every sheet of the year with its counts; exit 1 when one has errors', () => {
    const run = status('--year', '2021');
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('令和3年度（2021年度）: 3 シート、誤りのあるシート 1、発行日 2022-10-01');
    expect(lines[1]).toMatch(/^087 情報化推進事業　政策イノベーション部 情報政策課　エラー 0、警告 0　保存 \d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(run.stdout).toMatch(/089 .*　総務部 .*エラー 1、警告 \d+、書き直し 1/);
    expect(run.stdout).toContain('事業の成果と課題 › 成果: 前年度の文章のままです。');
  });

  it('as JSON, is what the first page shows (GET /api/years/<year>/sheets)', () => {
    const run = status('--year', '2021', '--format', 'json');
    const json = JSON.parse(run.stdout);
    expect(json.sheets.map((s: any) => [s.key, s.errors > 0, s.review, s.changedSincePublish])).toEqual([
      ['087', false, 0, null],
      ['088', false, 0, null],
      ['089', true, 1, null],
    ]);
    expect(json.sheets[0].file).toBe(join(dataDir, '2021', '087.yaml').startsWith(process.cwd()) ? 'data/2021/087.yaml' : join(dataDir, '2021', '087.yaml'));
  });

  it('as CSV for spreadsheets (UTF-8 with BOM, CRLF), and for one 部', () => {
    const run = status('--year', '2021', '--format', 'csv', '--department', '総務部');
    expect(run.stdout.startsWith('\ufeff事業番号,事務事業名,担当部,担当課,エラー,警告,書き直し（review）,要確認（doubts）,発行後の変更,最後の保存,確認の状態\r\n')).toBe(true);
    const rows = run.stdout.trim().split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^089,/);
  });

  it('names the 部 there are when one asked for has no sheet (exit 2)', () => {
    const run = status('--year', '2021', '--department', '存在しない部');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('部「存在しない部」のシートはありません。この年度の部: 「政策イノベーション部」「総務部」');
  });

  it('says whether a sheet changed since the last publication record', () => {
    const dir = makeDataDir({ '087.yaml': TEXT_087, '088.yaml': bundledSheet('088') });
    const published = spawnSync(process.execPath, [CLI, 'publish', '--year', '2021', '--data', dir, '--out', join(dir, 'out')], { encoding: 'utf8', timeout: 120_000 });
    expect(published.status, published.stderr).toBe(0);
    writeFileSync(join(dir, '2021', '088.yaml'), readFileSync(join(dir, '2021', '088.yaml'), 'utf8').replace(/^name: .*$/m, 'name: 名前を変えた事業'));
    const run = spawnSync(process.execPath, [CLI, 'status', '--data', dir, '--year', '2021', '--format', 'json'], { encoding: 'utf8', timeout: 60_000 });
    const json = JSON.parse(run.stdout);
    expect(json.lastRecord).toBe('2022-10-01');
    expect(json.sheets.map((s: any) => s.changedSincePublish)).toEqual([false, true]);
  });
});
