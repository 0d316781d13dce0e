// `sheetbook serve --open` opens the editor with the system's opener (xdg-open here; open on macOS, start on
// Windows). The opener, and the browser it starts, show their arguments in the process list to every user of the
// machine: they are given a one-time address, spent when the browser first loads it, never the token (issue 21).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_DIR, makeDataDir } from './helpers/data';
import { send } from './helpers/serve';
import type { RunningServer } from '../src/server/server';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const TEXT_087 = readFileSync(join(DATA_DIR, '2021', '087.yaml'), 'utf8');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A folder for PATH holding a fake `xdg-open` that writes its arguments to `record` and exits with `code`. */
function fakeOpener(record: string, code = 0): string {
  const bin = mkdtempSync(join(tmpdir(), 'sheetbook-opener-'));
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\nexit ${code}\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  return bin;
}

async function serveOpen(path: string, dataDir = makeDataDir({ '087.yaml': TEXT_087 })): Promise<{ child: ChildProcess; line: string; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--open', '--data', dataDir], { env: { ...process.env, PATH: path }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address: ${err}`)), 30_000);
    child.stdout!.on('data', () => out.includes('\n') && (clearTimeout(timer), resolve(out.split('\n')[0])));
  });
  return { child, line, stderr: () => err, exited };
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
};

describe('sheetbook serve --open', () => {
  it('gives the opener a one-time address without the token; the browser gets the cookie once', async () => {
    const record = join(mkdtempSync(join(tmpdir(), 'sheetbook-opened-')), 'args');
    const s = await serveOpen(`${fakeOpener(record)}:${process.env.PATH}`);
    await until(() => existsSync(record) && readFileSync(record, 'utf8').endsWith('\n'));
    const [, port, token] = /^http:\/\/127\.0\.0\.1:([0-9]+)\/\?token=(\S+)$/.exec(s.line)!;
    const args = readFileSync(record, 'utf8').trimEnd().split('\n');
    expect(args).toHaveLength(1);
    const opened = new URL(args[0]);
    expect(opened.origin).toBe(`http://127.0.0.1:${port}`);
    expect(args[0]).not.toContain(token);
    const server = { port: Number(port), token, origin: opened.origin } as RunningServer;
    const first = await send(server, 'GET', opened.pathname + opened.search, { auth: 'none' });
    expect(first.status).toBe(303);
    expect(first.headers['set-cookie']?.[0]).toContain(`sheetbook=${token};`);
    expect(first.headers['set-cookie']?.[0]).toContain('HttpOnly');
    // Spent: whoever read it in the process list comes too late.
    const again = await send(server, 'GET', opened.pathname + opened.search, { auth: 'none' });
    expect(again.status).toBe(401);
    expect(again.text).not.toContain(token);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });

  it('with accounts, gives the opener the log-in address, which holds no secret', async () => {
    const { hashPassword } = await import('../src/model/password');
    const dataDir = makeDataDir({ '087.yaml': TEXT_087 });
    const hash = await hashPassword('correct horse battery', { ln: 10, r: 8, p: 1 });
    writeFileSync(join(dataDir, 'users.yaml'), `users:\n  kenkyu-hanako:\n    displayName: 研究 花子\n    role: planning\n    passwordHash: "${hash}"\n`);
    const record = join(mkdtempSync(join(tmpdir(), 'sheetbook-opened-')), 'args');
    const s = await serveOpen(`${fakeOpener(record)}:${process.env.PATH}`, dataDir);
    await until(() => existsSync(record) && readFileSync(record, 'utf8').endsWith('\n'));
    expect(readFileSync(record, 'utf8').trimEnd()).toBe(s.line);
    expect(s.line).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+\/$/);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });

  it('says so, and keeps serving, when the opener fails or is missing', async () => {
    const record = join(mkdtempSync(join(tmpdir(), 'sheetbook-opened-')), 'args');
    const failing = await serveOpen(`${fakeOpener(record, 3)}:${process.env.PATH}`);
    await until(() => failing.stderr().includes('ブラウザを開けませんでした'));
    expect(failing.stderr()).toContain('ブラウザを開けませんでした。上のアドレスを手で開いてください。');
    const missing = await serveOpen(mkdtempSync(join(tmpdir(), 'sheetbook-empty-path-')));
    await until(() => missing.stderr().includes('ブラウザを開けませんでした'));
    expect(missing.stderr()).toContain('ブラウザを開けませんでした');
    for (const s of [failing, missing]) {
      const [, port, token] = /^http:\/\/127\.0\.0\.1:([0-9]+)\/\?token=(\S+)$/.exec(s.line)!;
      expect((await send({ port: Number(port), token } as RunningServer, 'GET', '/api/years')).status).toBe(200);
      s.child.kill('SIGINT');
      expect(await s.exited).toBe(0);
    }
  });
});

describe('the one-time codes', () => {
  it('are good once, and not after five minutes', async () => {
    const { OpeningCodes } = await import('../src/server/opening');
    const codes = new OpeningCodes();
    const a = codes.issue(0);
    const b = codes.issue(0);
    expect(codes.redeem('x'.repeat(43), 1000)).toBe(false);
    expect(codes.redeem(a, 1000)).toBe(true);
    expect(codes.redeem(a, 1000)).toBe(false);
    expect(codes.redeem(b, 5 * 60_000 + 1)).toBe(false);
    expect(codes.redeem(null, 0)).toBe(false);
  });
});
