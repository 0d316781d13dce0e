// Accounts (issue 22, points 2, 3, 7, 8): with data/users.yaml the server knows who asks. The token of issue 21 is no
// longer enough; `POST /api/login` gives a session cookie, and every other API route needs one. What a careless or
// hostile colleague tries: a wrong or unknown name, a forged, expired or logged-out cookie, a guessing loop, another
// host name, another origin, a write without Origin or CSRF token.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/model/actor';
import { hashPassword } from '../src/model/password';
import { bundledSheet } from './helpers/data';
import { startTestServer, type Response, type TestServer } from './helpers/serve';

const PASSWORD = 'correct horse battery';
let USERS = '';
let t: TestServer;
const refusals: [string, string, number][] = [];

beforeAll(async () => {
  // The cost every account gets from `sheetbook users` (so that a known and an unknown name take the same time).
  const [taro, hanako] = await Promise.all([hashPassword(PASSWORD), hashPassword('hanako no pasuwaado')]);
  USERS = `users:
  tsukuba-taro:
    displayName: 筑波 太郎
    department: 政策イノベーション部
    division: 情報政策課
    role: editor
    passwordHash: "${taro}"
  kenkyu-hanako:
    displayName: 研究 花子
    role: planning
    passwordHash: "${hanako}"
`;
  t = await startTestServer(
    { '087.yaml': bundledSheet('087') },
    {
      users: USERS,
      server: {
        sessions: { idleMs: 700 },
        onRefusal: (actor: Actor, req, status) => refusals.push([actor.name, `${req.method} ${req.url}`, status]),
      },
    },
  );
});
afterAll(() => t.close());

const login = (name: string, password: string, headers: Record<string, string> = {}) =>
  t.request('POST', '/api/login', { auth: 'none', body: { name, password }, origin: t.server.origin, headers });
const cookieOf = (res: Response) => String(res.headers['set-cookie']).split(';')[0];
/** A request with the session cookie (and the server's Origin on a write, as the browser sends it). */
const as = (cookie: string, method: string, path: string, o: Parameters<TestServer['request']>[2] = {}) =>
  t.request(method, path, { auth: 'none', origin: method === 'GET' ? false : t.server.origin, ...o, headers: { Cookie: cookie, ...(o.headers ?? {}) } });
const usersFile = () => join(t.dataDir, 'users.yaml');

describe('without a session', () => {
  it.each([
    ['GET', '/api/years/2021/sheets'],
    ['GET', '/api/sheets/2021/087'],
    ['GET', '/api/sheets/2021/999'],
    ['GET', '/api/form'],
    ['GET', '/api/session'],
    ['GET', '/api/nothing-here'],
    ['PUT', '/api/sheets/2021/087'],
    ['POST', '/api/preview/2021/087'],
  ])('%s %s is 401 with the same answer, whether the place exists or not, even with the token of issue 21', async (method, path) => {
    for (const auth of ['none', 'bearer', 'cookie'] as const) {
      const res = await t.request(method, path, { auth, ...(method === 'GET' ? {} : { body: { data: {} }, origin: t.server.origin }) });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ message: 'ログインが必要です。名前とパスワードでログインしてください。', login: true });
    }
  });

  it('the page and its files are served (they hold no data), the token in the address sets no cookie', async () => {
    const page = await t.request('GET', `/?token=${t.server.token}`, { auth: 'none' });
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(t.server.url).toBe(`${t.server.origin}/`);
  });
});

describe('log-in and log-out', () => {
  it('a right pair: 204, an HttpOnly SameSite=Strict cookie (not Secure over http), the CSRF token; the session is the account', async () => {
    const res = await login('tsukuba-taro', PASSWORD);
    expect(res.status).toBe(204);
    const [cookie, ...attributes] = String(res.headers['set-cookie']).split('; ');
    expect(cookie).toMatch(/^sheetbook_session=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(['HttpOnly', 'SameSite=Strict', 'Path=/']);
    expect(res.headers['x-csrf-token']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const session = await as(cookie, 'GET', '/api/session');
    expect(session.status).toBe(200);
    expect(session.json).toEqual({
      accounts: true,
      name: 'tsukuba-taro',
      displayName: '筑波 太郎',
      role: 'editor',
      department: '政策イノベーション部',
      division: '情報政策課',
      csrfToken: res.headers['x-csrf-token'],
      idleMinutes: 700 / 60_000,
    });
    expect(session.text).not.toContain('scrypt');
    expect((await as(cookie, 'GET', '/api/years/2021/sheets')).status).toBe(200);
    // Each log-in is a new session.
    const again = await login('tsukuba-taro', PASSWORD);
    expect(cookieOf(again)).not.toBe(cookie);
  });

  it('a wrong password and an unknown name: the same 401, in about the same time', async () => {
    const times = { wrong: [] as number[], unknown: [] as number[] };
    const bodies = new Set<string>();
    for (let i = 0; i < 3; i++) {
      for (const [kind, name] of [['wrong', 'kenkyu-hanako'], ['unknown', `nobody-${i}`]] as const) {
        const start = performance.now();
        const res = await login(name, `not the password ${i}`, { 'X-Forwarded-For': `10.0.0.${i}` });
        times[kind].push(performance.now() - start);
        expect(res.status).toBe(401);
        expect(res.headers['set-cookie']).toBeUndefined();
        bodies.add(res.text);
      }
    }
    expect([...bodies]).toEqual([JSON.stringify({ message: '名前かパスワードが違います。', login: true })]);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
    // Both check one scrypt hash of the same cost (a busy machine makes single timings noisy: the medians are compared).
    const ratio = median(times.unknown) / median(times.wrong);
    expect(ratio, JSON.stringify(times)).toBeGreaterThan(0.4);
    expect(ratio, JSON.stringify(times)).toBeLessThan(2.5);
    // A right log-in clears the account's failures.
    expect((await login('kenkyu-hanako', 'hanako no pasuwaado')).status).toBe(204);
  });

  it('refuses a body that is not {name, password} (400) and a GET (405)', async () => {
    expect((await t.request('POST', '/api/login', { auth: 'none', body: { name: 'x' } })).status).toBe(400);
    expect((await t.request('GET', '/api/login', { auth: 'none' })).status).toBe(405);
  });

  it('log-out ends the session and clears the cookie; the old cookie opens nothing', async () => {
    const cookie = cookieOf(await login('tsukuba-taro', PASSWORD));
    const out = await as(cookie, 'POST', '/api/logout');
    expect(out.status).toBe(204);
    expect(out.headers['set-cookie']).toEqual(['sheetbook_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0']);
    expect((await as(cookie, 'GET', '/api/session')).status).toBe(401);
  });

  it('a forged cookie, and one idle longer than the idle time, are 401', async () => {
    expect((await as('sheetbook_session=' + 'A'.repeat(43), 'GET', '/api/session')).status).toBe(401);
    expect((await as('sheetbook_session=', 'GET', '/api/session')).status).toBe(401);
    const cookie = cookieOf(await login('tsukuba-taro', PASSWORD));
    await new Promise((r) => setTimeout(r, 400));
    expect((await as(cookie, 'GET', '/api/session')).status).toBe(200); // in use: the idle time starts again
    await new Promise((r) => setTimeout(r, 400));
    expect((await as(cookie, 'GET', '/api/session')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 800));
    const expired = await as(cookie, 'GET', '/api/session');
    expect(expired.status).toBe(401);
    expect(expired.json.login).toBe(true);
  });

  it('users passwd or remove (the file changed while serving) ends that account’s sessions at once', async () => {
    const taro = cookieOf(await login('tsukuba-taro', PASSWORD));
    const hanako = cookieOf(await login('kenkyu-hanako', 'hanako no pasuwaado'));
    const before = readFileSync(usersFile(), 'utf8');
    const newHash = await hashPassword('a brand new secret', { ln: 10, r: 8, p: 1 });
    writeFileSync(usersFile(), before.replace(/(tsukuba-taro:[\s\S]*?passwordHash: )"[^"]+"/, (_, head) => `${head}"${newHash}"`));
    expect((await as(taro, 'GET', '/api/session')).status).toBe(401);
    expect((await as(hanako, 'GET', '/api/session')).status).toBe(200);
    expect((await login('tsukuba-taro', 'a brand new secret')).status).toBe(204);
    writeFileSync(usersFile(), before.replace(/  kenkyu-hanako:[\s\S]*$/, ''));
    expect((await as(hanako, 'GET', '/api/session')).status).toBe(401);
    expect((await login('kenkyu-hanako', 'hanako no pasuwaado')).status).toBe(401);
    // A users.yaml with errors lets nobody in until it is mended.
    writeFileSync(usersFile(), 'users: [');
    const broken = await login('tsukuba-taro', PASSWORD);
    expect(broken.status).toBe(503);
    expect(broken.json.message).toContain('data/users.yaml');
    expect(broken.text).not.toContain('scrypt');
    writeFileSync(usersFile(), before);
    expect((await login('tsukuba-taro', PASSWORD)).status).toBe(204);
  });
});

describe('a password-guessing loop', () => {
  /** A server of its own, slowed down as `throttle` says. */
  async function guessing(throttle: { accountLimit: number; addressLimit: number }) {
    const s = await startTestServer({ '087.yaml': bundledSheet('087') }, { users: USERS, server: { loginThrottle: { ...throttle, baseMs: 60_000 } } });
    const attempt = (name: string, password: string) => s.request('POST', '/api/login', { auth: 'none', body: { name, password } });
    return { s, attempt };
  }

  it('is slowed per account: after 5 failures 429 with Retry-After, even for the right password; other names still answer', async () => {
    const { s, attempt } = await guessing({ accountLimit: 5, addressLimit: 100 });
    try {
      const name = 'kenkyu-hanako';
      for (let i = 0; i < 5; i++) expect((await attempt(name, `guess ${i}`)).status).toBe(401);
      const locked = await attempt(name, 'hanako no pasuwaado');
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBe(60); // from the 5th failure; a refused try is not one more
      expect(locked.json.message).toMatch(/^パスワードの誤りが続いたため、しばらくログインできません。[0-9]+ 秒たってから/);
      expect(locked.headers['set-cookie']).toBeUndefined();
      // An unknown name is slowed the same way (the answer tells nothing about which names exist).
      for (let i = 0; i < 5; i++) expect((await attempt('nobody', `guess ${i}`)).status).toBe(401);
      expect((await attempt('nobody', 'guess 5')).status).toBe(429);
      expect((await attempt('tsukuba-taro', PASSWORD)).status).toBe(204);
    } finally {
      await s.close();
    }
  });

  it('is slowed per address: many names from one address end in 429 too, the right pair included', async () => {
    const { s, attempt } = await guessing({ accountLimit: 5, addressLimit: 6 });
    try {
      for (let i = 0; i < 6; i++) expect((await attempt(`guess-${i}`, 'whatever it is')).status).toBe(401);
      expect((await attempt('guess-7', 'whatever it is')).status).toBe(429);
      expect((await attempt('tsukuba-taro', PASSWORD)).status).toBe(429);
    } finally {
      await s.close();
    }
  });
});

describe('with a session, still refused', () => {
  let cookie = '';
  let csrf = '';
  beforeAll(async () => {
    const res = await fresh.login();
    cookie = cookieOf(res);
    csrf = String(res.headers['x-csrf-token']);
  });

  const fresh = {
    t: undefined as TestServer | undefined,
    async login() {
      this.t = await startTestServer({ '087.yaml': bundledSheet('087') }, { users: USERS, server: { onRefusal: (a, req, status) => refusals.push([a.name, `${req.method} ${req.url}`, status]) } });
      return this.t.request('POST', '/api/login', { auth: 'none', body: { name: 'tsukuba-taro', password: PASSWORD } });
    },
  };
  afterAll(() => fresh.t?.close());
  const req = (method: string, path: string, o: Parameters<TestServer['request']>[2] = {}) =>
    fresh.t!.request(method, path, { auth: 'none', ...o, headers: { Cookie: cookie, ...(o.headers ?? {}) } });
  const check = { body: { data: bundledSheet('087') } };

  it('another Host name (DNS rebinding): 421', async () => {
    for (const host of ['evil.example', `evil.example:${fresh.t!.server.port}`, `localhost.evil.example:${fresh.t!.server.port}`]) {
      expect((await req('GET', '/api/session', { headers: { Host: host } })).status).toBe(421);
    }
    expect((await req('POST', '/api/login', { body: { name: 'tsukuba-taro', password: PASSWORD }, headers: { Host: 'evil.example' } })).status).toBe(421);
  });

  it('a write from another origin, from the same site, or with neither Origin nor CSRF token: 403; with either: done', async () => {
    const origin = fresh.t!.server.origin;
    const refused: [string, Record<string, string>][] = [
      ['another origin', { Origin: 'http://evil.example' }],
      ['another port of this host', { Origin: origin.replace(/:[0-9]+$/, ':1') }],
      ['Sec-Fetch-Site: same-site', { Origin: origin, 'Sec-Fetch-Site': 'same-site' }],
      ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site', 'X-CSRF-Token': csrf }],
      ['no Origin, no token', {}],
      ['another session’s token', { 'X-CSRF-Token': 'B'.repeat(43) }],
      ['the right origin with a wrong token', { Origin: origin, 'X-CSRF-Token': 'B'.repeat(43) }],
    ];
    for (const [why, headers] of refused) {
      const res = await req('POST', '/api/check/2021/087', { ...check, headers });
      expect(res.status, why).toBe(403);
    }
    expect((await req('POST', '/api/check/2021/087', { ...check, headers: { Origin: origin } })).status).toBe(200);
    expect((await req('POST', '/api/check/2021/087', { ...check, headers: { 'X-CSRF-Token': csrf } })).status).toBe(200);
    // A log-in from another site's page (log-in CSRF) is refused too.
    expect((await req('POST', '/api/login', { body: { name: 'tsukuba-taro', password: PASSWORD }, headers: { Origin: 'http://evil.example' } })).status).toBe(403);
  });

  it('each refusal of a logged-in account is handed to onRefusal (for the history); none without a session', async () => {
    refusals.length = 0;
    await req('GET', '/api/sheets/2021/999');
    await req('POST', '/api/check/2021/087', { ...check, headers: { Origin: 'http://evil.example' } });
    await fresh.t!.request('GET', '/api/sheets/2021/999', { auth: 'none' });
    expect(refusals).toEqual([
      // An editor is not told whether a number exists (issue 22): 403 as for another division's sheet.
      ['tsukuba-taro', 'GET /api/sheets/2021/999', 403],
      ['tsukuba-taro', 'POST /api/check/2021/087', 403],
    ]);
  });
});
