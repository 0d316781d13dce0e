// `sheetbook serve` on a shared machine (issue 21, point 9): every refusal at the HTTP level. Only the person with
// the token gets anything (401 and nothing else); another host name (DNS rebinding) and another origin (a site the
// person visits) are refused; only data/<year>/<number>.yaml can be read or written — no path tricks, no link out of
// the data folder —; bodies are limited; pages carry a Content-Security-Policy without inline script; a sentence
// holding `<script>` comes back as JSON text, never as HTML.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONTENT_SECURITY_POLICY } from '../src/server/http';
import { bundledSheet, DATA_DIR } from './helpers/data';
import { send, startTestServer, type TestServer } from './helpers/serve';

const TEXT_087 = readFileSync(join(DATA_DIR, '2021', '087.yaml'), 'utf8');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

let t: TestServer;
let outside: string;
const sheet = (n: string) => join(t.dataDir, '2021', `${n}.yaml`);

beforeAll(async () => {
  t = await startTestServer({ '087.yaml': TEXT_087, '088.yaml': bundledSheet('088') });
  // A link named as a sheet that leads outside the data folder, and a year folder that is such a link.
  const elsewhere = mkdtempSync(join(tmpdir(), 'sheetbook-outside-'));
  outside = join(elsewhere, 'secret.yaml');
  writeFileSync(outside, TEXT_087.replace('情報化推進事業', '外のファイル'));
  symlinkSync(outside, sheet('093'));
  mkdirSync(join(elsewhere, '2020'));
  writeFileSync(join(elsewhere, '2020', '087.yaml'), TEXT_087);
  symlinkSync(join(elsewhere, '2020'), join(t.dataDir, '2020'));
});
afterAll(() => t.close());

const put = (path: string, data: unknown, o: Parameters<TestServer['request']>[2] = {}) => t.request('PUT', path, { body: { data }, ...o });

describe('the token', () => {
  it.each([
    ['GET', '/api/years/2021/sheets'],
    ['GET', '/api/sheets/2021/087'],
    ['GET', '/api/sheets/2021/999'],
    ['GET', '/api/nothing-here'],
    ['GET', '/'],
    ['GET', '/app.js'],
    ['PUT', '/api/sheets/2021/087'],
    ['POST', '/api/preview/2021/087'],
  ])('is needed for %s %s: 401 and nothing else, whether the place exists or not', async (method, path) => {
    const res = await t.request(method, path, { auth: 'none', ...(method === 'GET' ? {} : { body: { data: {} }, origin: t.server.origin }) });
    expect(res.status).toBe(401);
    const expected = path.startsWith('/api/')
      ? JSON.stringify({ message: '認証が必要です。sheetbook serve が表示したアドレス（?token=… 付き）を開いてください。' })
      : '認証が必要です。sheetbook serve が表示したアドレス（?token=… 付き）を開いてください。\n';
    expect(res.text).toBe(expected);
  });

  it('refuses a wrong token, one of another length, and a prefix of the right one', async () => {
    for (const token of ['x'.repeat(43), 'short', t.server.token.slice(0, 20), `${t.server.token}x`, '']) {
      expect((await t.request('GET', '/api/form', { auth: 'none', headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
      expect((await t.request('GET', '/api/form', { auth: 'none', headers: { Cookie: `sheetbook=${token}` } })).status).toBe(401);
    }
    expect(t.server.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
  });

  it('in the printed address becomes an HttpOnly, SameSite=Strict cookie, and leaves the address bar', async () => {
    const res = await t.request('GET', `/?token=${t.server.token}`, { auth: 'none' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(res.headers['set-cookie']).toEqual([`sheetbook=${t.server.token}; HttpOnly; SameSite=Strict; Path=/`]);
    const page = await t.request('GET', '/', { auth: 'cookie' });
    expect(page.status).toBe(200);
    const wrong = await t.request('GET', '/?token=wrong', { auth: 'none' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });
});

describe('the Host', () => {
  it.each(['evil.example', `evil.example:${0}`, '127.0.0.1', '127.0.0.1:1', '[::1]', 'localhost.evil.example'])('refuses Host: %s (DNS rebinding)', async (host) => {
    const res = await t.request('GET', '/api/form', { headers: { Host: host.replace(':0', `:${t.server.port}`) } });
    expect(res.status).toBe(421);
    expect(res.json.message).toContain(`http://127.0.0.1:${t.server.port}/ でだけ使えます`);
  });

  it('answers to 127.0.0.1 and localhost at its own port', async () => {
    expect((await t.request('GET', '/api/form', { headers: { Host: `localhost:${t.server.port}` } })).status).toBe(200);
    expect((await t.request('GET', '/api/form')).status).toBe(200);
  });
});

describe('the Origin of a write', () => {
  const data = () => parse(TEXT_087);
  const etag = async () => (await t.request('GET', '/api/sheets/2021/087')).headers.etag as string;

  it('refuses another site\'s write, with the cookie or the Bearer header, and changes nothing', async () => {
    for (const auth of ['cookie', 'bearer'] as const) {
      for (const origin of ['http://evil.example', `http://127.0.0.1:${t.server.port + 1}`, 'null']) {
        const res = await put('/api/sheets/2021/087', data(), { auth, origin, headers: { 'If-Match': await etag() } });
        expect(res.status).toBe(403);
        expect(res.json.message).toContain('からの書き込みは受け付けません');
      }
    }
    const preview = await t.request('POST', '/api/preview/2021/087', { body: { data: data() }, auth: 'cookie', origin: 'http://evil.example' });
    expect(preview.status).toBe(403);
    expect(readFileSync(sheet('087'), 'utf8')).toBe(TEXT_087);
  });

  it('refuses a write with the cookie and no Origin; a script with the Bearer header needs none', async () => {
    const cookie = await put('/api/sheets/2021/087', data(), { auth: 'cookie', origin: false, headers: { 'If-Match': await etag() } });
    expect(cookie.status).toBe(403);
    expect(cookie.json.message).toContain('Origin がありません');
    const script = await put('/api/sheets/2021/087', data(), { auth: 'bearer', origin: false, headers: { 'If-Match': await etag() } });
    expect(script.status).toBe(200);
    const page = await put('/api/sheets/2021/087', data(), { auth: 'cookie', origin: t.server.origin, headers: { 'If-Match': await etag() } });
    expect(page.status).toBe(200);
  });

  it('refuses a body that is not JSON (a form of another site cannot send JSON without asking first)', async () => {
    const res = await t.request('POST', '/api/check/2021/087', { raw: Buffer.from('data=1'), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
  });
});

describe('paths', () => {
  it.each([
    '/api/sheets/2021/..%2F..%2Fcity',
    '/api/sheets/2021/087.yaml',
    '/api/sheets/2021/0',
    '/api/sheets/2021/12345',
    '/api/sheets/2021/-1',
    '/api/sheets/2021/%2e%2e',
    '/api/sheets/..%2F2021/087',
    '/api/sheets/20a1/087',
    '/api/sheets/2021/087/../../city',
    '/api/sheets/city.yaml/1',
    '/api/years/..%2F..%2Fetc/sheets',
  ])('reach no file but a sheet: %s', async (path) => {
    const res = await t.request('GET', path);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.text).not.toContain('つくば市');
  });

  it.each(['/..%2F..%2Fpackage.json', '/%2e%2e/%2e%2e/package.json', '/../package.json', '/.build-inputs', '/web/../cli.js', '/%00'])(
    'serve no file outside the app: %s',
    async (path) => {
      const res = await t.request('GET', path);
      expect([400, 404]).toContain(res.status);
      expect(res.text).not.toContain('"name": "sheetbook"');
    },
  );

  it('refuse a sheet that is a link out of the data folder, for reading and for writing', async () => {
    const got = await t.request('GET', '/api/sheets/2021/093');
    expect(got.status).toBe(403);
    expect(got.json.message).toContain('データのフォルダの外のファイル');
    expect(got.text).not.toContain('外のファイル"');
    const written = await put('/api/sheets/2021/093', parse(TEXT_087), { headers: { 'If-Match': '"x"' } });
    expect(written.status).toBe(403);
    expect(readFileSync(outside, 'utf8')).toBe(TEXT_087.replace('情報化推進事業', '外のファイル'));
    const list = await t.request('GET', '/api/years/2021/sheets');
    expect(list.json.sheets.find((s: any) => s.key === '093')).toMatchObject({ errors: 1 });
  });

  it('refuse a year folder that is a link out of the data folder', async () => {
    expect((await t.request('GET', '/api/sheets/2020/087')).status).toBe(403);
    expect((await t.request('GET', '/api/years/2020/sheets')).status).toBe(403);
  });

  it('answer 405 to a method the API does not have', async () => {
    const res = await t.request('DELETE', '/api/sheets/2021/087', { origin: t.server.origin });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, PUT');
  });
});

describe('bodies', () => {
  it('are limited to 1 MB (413), declared or not, and nothing is written', async () => {
    const data = parse(TEXT_087);
    data.results.achievements = 'あ'.repeat(400_000); // 1.2 MB in UTF-8
    const etag = (await t.request('GET', '/api/sheets/2021/087')).headers.etag as string;
    const declared = await put('/api/sheets/2021/087', data, { headers: { 'If-Match': etag } });
    expect(declared.status).toBe(413);
    expect(declared.json.message).toContain('大きすぎます');
    const chunked = await t.request('PUT', '/api/sheets/2021/087', {
      raw: Buffer.from(JSON.stringify({ data })),
      headers: { 'If-Match': etag, 'Content-Type': 'application/json', 'Content-Length': '' }, // sent in chunks, its length untold
    });
    expect(chunked.status).toBe(413);
    expect(readFileSync(sheet('087'), 'utf8')).toBe(TEXT_087);
  });

  it('that are not JSON, or not a sheet, are refused in Japanese', async () => {
    const bad = await t.request('POST', '/api/check/2021/087', { raw: Buffer.from('{"data": '), headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe('送られたデータを JSON として読めません。');
    const notSheet = await t.request('POST', '/api/check/2021/087', { body: { data: [1, 2] } });
    expect(notSheet.status).toBe(400);
  });
});

describe('what pages and answers carry', () => {
  it('a Content-Security-Policy without inline script, on pages, files, the API and refusals', async () => {
    expect(CONTENT_SECURITY_POLICY).toBe(CSP);
    for (const res of [await t.request('GET', '/', { auth: 'cookie' }), await t.request('GET', '/api/form'), await t.request('GET', '/api/form', { auth: 'none' }), await t.request('GET', '/nothing')]) {
      expect(res.headers['content-security-policy']).toBe(CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    expect((await t.request('GET', '/api/form')).headers['cache-control']).toBe('no-store');
    const page = await t.request('GET', '/', { auth: 'cookie' });
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    // Every script of the page is a file of the app: none is written inline, none comes from elsewhere.
    for (const tag of page.text.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="\/[^/]/);
    expect(page.text).not.toMatch(/<script\b(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).not.toMatch(/\son[a-z]+=/i);
    expect(page.text).not.toMatch(/https?:\/\//);
  });

  it('a sentence holding <script> comes back as JSON text, never as HTML', async () => {
    const got = await t.request('GET', '/api/sheets/2021/088');
    const data = got.json.data;
    data.overview.purpose = '<script>alert("x")</script>';
    const saved = await put('/api/sheets/2021/088', data, { headers: { 'If-Match': got.headers.etag as string } });
    expect(saved.status).toBe(200);
    const again = await t.request('GET', '/api/sheets/2021/088');
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.json.data.overview.purpose).toBe('<script>alert("x")</script>');
    const list = await t.request('GET', '/api/years/2021/sheets');
    expect(list.headers['content-type']).toBe('application/json; charset=utf-8');
    // A refusal that repeats what was asked for is JSON or plain text too.
    const odd = await t.request('GET', '/api/sheets/2021/<script>');
    expect(odd.headers['content-type']).toBe('application/json; charset=utf-8');
    const page = await t.request('GET', '/<script>alert(1)</script>');
    expect(page.headers['content-type']).toBe('text/plain; charset=utf-8');
  });
});

// The server itself, started for another port, refuses requests for this one's.
describe('two servers', () => {
  it('refuse each other\'s token', async () => {
    const other = await startTestServer({ '087.yaml': TEXT_087 });
    try {
      expect((await send(other.server, 'GET', '/api/form', { auth: 'none', headers: { Authorization: `Bearer ${t.server.token}` } })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
