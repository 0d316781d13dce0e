// `sheetbook serve --host/--origin/--tls-cert/--tls-key` as a program (issue 22, point 1): beyond 127.0.0.1 only
// with accounts, and saying so; HTTPS with a certificate made here by openssl; a Secure cookie under HTTPS; the
// name given by --origin accepted as Host and Origin (a DNS name or a reverse proxy in front).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/model/password';
import { bundledSheet, makeDataDir } from './helpers/data';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('sheetbook serve --host', () => {
  it('refuses an address beyond this computer without accounts: exit 2, in Japanese, before listening', () => {
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    for (const host of ['0.0.0.0', '192.0.2.10', '::']) {
      const run = spawnSync(process.execPath, [CLI, 'serve', '--data', dataDir, '--host', host], { encoding: 'utf8', timeout: 30_000 });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`--host ${host} は使えません。このコンピューターの外から使えるのは、アカウント（`);
      expect(run.stderr).toContain('sheetbook users add');
      expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    const name = spawnSync(process.execPath, [CLI, 'serve', '--data', dataDir, '--host', 'sheetbook.example'], { encoding: 'utf8' });
    expect(name.status).toBe(2);
    expect(name.stderr).toContain('--host には IP アドレスを指定してください');
    const half = spawnSync(process.execPath, [CLI, 'serve', '--data', dataDir, '--tls-cert', 'cert.pem'], { encoding: 'utf8' });
    expect(half.status).toBe(2);
    expect(half.stderr).toContain('--tls-cert（証明書）と --tls-key（秘密鍵）の両方');
  });

  it.skipIf(spawnSync('openssl', ['version']).status !== 0)(
    'with accounts: listens on 0.0.0.0 over HTTPS, says so, answers to the --origin name, and its cookie is Secure',
    async () => {
      const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
      const hash = await hashPassword('correct horse battery', { ln: 10, r: 8, p: 1 });
      writeFileSync(join(dataDir, 'users.yaml'), `users:\n  kenkyu-hanako:\n    displayName: 研究 花子\n    role: planning\n    passwordHash: "${hash}"\n`);
      const dir = mkdtempSync(join(tmpdir(), 'sheetbook-tls-'));
      const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
      const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=sheetbook.city.example'], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
      expect(existsSync(cert)).toBe(true);

      const origin = 'https://sheetbook.city.example';
      const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--host', '0.0.0.0', '--tls-cert', cert, '--tls-key', key, '--origin', origin], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      let err = '';
      child.stdout!.on('data', (c) => (out += c));
      child.stderr!.on('data', (c) => (err += c));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address: ${err}`)), 30_000);
        const look = () => out.includes('\n') && err.includes('Ctrl+C') && (clearTimeout(timer), resolve());
        child.stdout!.on('data', look);
        child.stderr!.on('data', look);
        exited.then(() => reject(new Error(`serve ended: ${err}`)));
      });
      expect(out).toBe(`${origin}/\n`);
      expect(err).toContain('アカウントでの利用です（');
      expect(err).toContain('の 1 人）。');
      expect(err).toContain('このコンピューターのすべてのアドレス（0.0.0.0）で待ち受けます');
      expect(err).toContain('HTTPS です。');
      const port = Number(/https:\/\/127\.0\.0\.1:([0-9]+)/.exec(err)?.[1]);
      expect(port).toBeGreaterThan(0);

      // Reached as the reverse proxy or the DNS name would reach it: that Host and that Origin.
      const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
        new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
          const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
          const req = request(
            { host: '127.0.0.1', port, method, path, ca: [readFileSync(cert)], servername: 'sheetbook.city.example', headers: { ...headers, ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}) } },
            (res) => {
              let text = '';
              res.on('data', (c) => (text += c));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
            },
          );
          req.on('error', reject);
          req.end(payload);
        });
      const login = await send('POST', '/api/login', { Host: 'sheetbook.city.example', Origin: origin }, { name: 'kenkyu-hanako', password: 'correct horse battery' });
      expect(login.status).toBe(204);
      const setCookie = String(login.headers['set-cookie']);
      expect(setCookie).toMatch(/^sheetbook_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Secure$/);
      const cookie = setCookie.split(';')[0];
      const session = await send('GET', '/api/session', { Host: 'sheetbook.city.example', Cookie: cookie });
      expect(session.status).toBe(200);
      expect(JSON.parse(session.text).displayName).toBe('研究 花子');
      // And by this computer's own address; never by another name.
      expect((await send('GET', '/api/session', { Host: `127.0.0.1:${port}`, Cookie: cookie })).status).toBe(200);
      expect((await send('GET', '/api/session', { Host: 'evil.example', Cookie: cookie })).status).toBe(421);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
    },
  );
});
