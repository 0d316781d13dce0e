// The review flow of issue 22 (points 3–5, 7, 8): who may see and change which sheet (judged on the file on disk),
// the states 作成中 → 提出 → 確認済 or 差し戻し, saves refused while a sheet is submitted, and the history of every
// save, state change and refusal in data/<year>/history.jsonl. The server runs with a test's actor per request
// (a header only this test's server reads), as accounts will give one per session.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/model/actor';
import { LOCAL_ACTOR } from '../src/model/actor';
import { readYearFolder } from '../src/model/data-folder';
import { readHistory } from '../src/publication/review-log';
import { sheetChanges } from '../src/model/sheet-changes';
import { runStatus, statusText } from '../src/commands/status.runner';
import { bundledSheet } from './helpers/data';
import { startTestServer, type TestServer } from './helpers/serve';

const ACTORS: Record<string, Actor> = {
  info: { name: 'info', displayName: '情報 花子', role: 'editor', department: '政策イノベーション部', division: '情報政策課' },
  general: { name: 'general', displayName: '総務 一郎', role: 'editor', department: '総務部', division: '総務課' },
  chief: { name: 'chief', displayName: '部長 次郎', role: 'reviewer', department: '政策イノベーション部' },
  planning: { name: 'planning', displayName: '企画 三子', role: 'planning' },
  local: LOCAL_ACTOR,
};
const actorOf = (req: IncomingMessage): Actor => ACTORS[String(req.headers['x-test-actor'] ?? 'local')];

let t: TestServer;
const as = (who: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  t.request(method, path, { body, headers: { 'X-Test-Actor': who, ...headers } });
const file = (n: string) => join(t.dataDir, '2021', `${n}.yaml`);
const history = () => readHistory(t.dataDir, 2021).events;

beforeAll(async () => {
  const general = { ...bundledSheet('088'), department: '総務部', division: '総務課' };
  const dx = { ...bundledSheet('089'), division: 'DX推進課' };
  dx.review = undefined;
  delete dx.review;
  t = await startTestServer({ '087.yaml': bundledSheet('087'), '088.yaml': general, '089.yaml': dx }, { server: { actorOf } });
});
afterAll(() => t.close());

describe('who sees which sheet', () => {
  it('lists only the sheets of the division (editor), the department (reviewer), or all (planning, local)', async () => {
    const keys = async (who: string) => (await as(who, 'GET', '/api/years/2021/sheets')).json.sheets.map((s: any) => s.key);
    expect(await keys('info')).toEqual(['087']);
    expect(await keys('general')).toEqual(['088']);
    expect(await keys('chief')).toEqual(['087', '089']);
    expect(await keys('planning')).toEqual(['087', '088', '089']);
    expect(await keys('local')).toEqual(['087', '088', '089']);
  });

  it('refuses another division\'s sheet on every route with one answer, whether the number exists or not', async () => {
    const before = readFileSync(file('088'));
    const answers = [
      await as('info', 'GET', '/api/sheets/2021/088'),
      await as('info', 'GET', '/api/sheets/2021/099'),
      await as('info', 'GET', '/api/sheets/2021/88'),
      await as('info', 'GET', '/api/sheets/2030/088'),
      await as('info', 'GET', '/api/sheets/2021/..%2F2021%2F088'),
      await as('info', 'GET', '/api/sheets/2021/088/history'),
      await as('info', 'GET', '/api/sheets/2021/088/diff'),
      await as('info', 'PUT', '/api/sheets/2021/088', { data: bundledSheet('088') }, { 'If-Match': '"x"' }),
      await as('info', 'POST', '/api/check/2021/088', { data: bundledSheet('088') }),
      await as('info', 'POST', '/api/preview/2021/088', { data: bundledSheet('088') }),
      await as('info', 'POST', '/api/sheets/2021/088/submit', {}),
      await as('chief', 'GET', '/api/sheets/2021/088'),
      await as('general', 'POST', '/api/check/2021/087', { data: bundledSheet('087') }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(403);
      expect(res.json).toEqual(answers[0].json);
      expect(res.text).not.toContain('088');
      expect(res.text).not.toContain('総務');
    }
    expect(answers[0].json.message).toMatch(/権限がありません/);
    expect(readFileSync(file('088')).equals(before)).toBe(true);
  });

  it('judges by the file on disk: changing the department in the data sent is refused, and moves nothing', async () => {
    const got = await as('info', 'GET', '/api/sheets/2021/087');
    expect(got.status).toBe(200);
    const before = readFileSync(file('087'));
    const moved = { ...got.json.data, department: '総務部', division: '総務課' };
    const out = await as('info', 'PUT', '/api/sheets/2021/087', { data: moved }, { 'If-Match': got.headers.etag as string });
    expect(out.status).toBe(403);
    expect(out.json.message).toMatch(/担当部・担当課/);
    // Claiming another's sheet by writing one's own division into it does not open it either.
    const claimed = { ...bundledSheet('088'), department: '政策イノベーション部', division: '情報政策課' };
    const other = await as('info', 'PUT', '/api/sheets/2021/088', { data: claimed }, { 'If-Match': '"x"' });
    expect(other.status).toBe(403);
    expect(readFileSync(file('087')).equals(before)).toBe(true);
  });

  it('makes a new sheet only in one\'s own division', async () => {
    const refused = await as('info', 'POST', '/api/years/2021/sheets', { number: 120, department: '総務部', division: '総務課' });
    expect(refused.status).toBe(403);
    const made = await as('info', 'POST', '/api/years/2021/sheets', { number: 121 });
    expect(made.status).toBe(201);
    expect(readFileSync(file('121'), 'utf8')).toContain('division: 情報政策課');
  });

  it('writes each refusal of a logged-in account to the history, and none of the person without accounts', async () => {
    await as('local', 'GET', '/api/sheets/2021/777');
    const refusals = history().filter((e) => e.event === 'refused');
    expect(refusals.length).toBeGreaterThanOrEqual(10);
    expect(refusals.every((e) => e.by.name !== 'local')).toBe(true);
    expect(refusals.find((e) => e.sheet === '088' && e.action === 'save')).toMatchObject({ by: { name: 'info', displayName: '情報 花子' }, status: 403 });
  });
});

describe('the flow', () => {
  const put = async (who: string, change: (d: any) => void) => {
    const got = await as(who, 'GET', '/api/sheets/2021/087');
    const data = got.json.data;
    change(data);
    return as(who, 'PUT', '/api/sheets/2021/087', { data }, { 'If-Match': got.headers.etag as string });
  };

  it('goes 作成中 → 提出 → 差し戻し (with a comment) → 作成中 → 提出 → 確認済, refusing what the state does not allow', async () => {
    expect((await as('info', 'GET', '/api/sheets/2021/087')).json.flow).toMatchObject({ state: '作成中' });
    expect((await put('info', (d) => (d.name = '情報化推進事業（改）'))).status).toBe(200);

    const submitted = await as('info', 'POST', '/api/sheets/2021/087/submit', {});
    expect(submitted.status).toBe(200);
    expect(submitted.json.flow).toMatchObject({ state: '提出', by: { displayName: '情報 花子' } });
    expect((await as('info', 'POST', '/api/sheets/2021/087/submit', {})).status).toBe(409);

    // A submitted sheet cannot be changed: 409 with the reason, the file as it was.
    const before = readFileSync(file('087'));
    const locked = await put('info', (d) => (d.name = 'もう一度'));
    expect(locked.status).toBe(409);
    expect(locked.json.message).toMatch(/提出.*差し戻/);
    expect(readFileSync(file('087')).equals(before)).toBe(true);

    // An editor does not accept or return; a reviewer returns only with a comment.
    expect((await as('info', 'POST', '/api/sheets/2021/087/accept', {})).status).toBe(403);
    expect((await as('chief', 'POST', '/api/sheets/2021/087/return', {})).status).toBe(400);
    const returned = await as('chief', 'POST', '/api/sheets/2021/087/return', { comment: '成果の数値を確認してください' });
    expect(returned.status).toBe(200);
    expect(returned.json.flow).toMatchObject({ state: '作成中', returned: true, comment: '成果の数値を確認してください' });
    expect((await as('chief', 'POST', '/api/sheets/2021/087/accept', {})).status).toBe(409);

    expect((await put('info', (d) => (d.costs.budget['2022'] = 7000))).status).toBe(200);
    expect((await as('info', 'POST', '/api/sheets/2021/087/submit', {})).status).toBe(200);
    const accepted = await as('planning', 'POST', '/api/sheets/2021/087/accept', {});
    expect(accepted.status).toBe(200);
    expect(accepted.json.flow).toMatchObject({ state: '確認済' });
    expect((await put('info', (d) => (d.name = 'また'))).status).toBe(409);
    expect((await as('chief', 'POST', '/api/sheets/2021/087/accept', {})).status).toBe(409);

    const list = (await as('chief', 'GET', '/api/years/2021/sheets')).json;
    expect(list.sheets.find((s: any) => s.key === '087').flow).toMatchObject({ state: '確認済' });
  });

  it('keeps a history of every save (fields by schema path and label, old and new values), state change and comment', async () => {
    const res = await as('info', 'GET', '/api/sheets/2021/087/history');
    expect(res.status).toBe(200);
    const events = res.json.events as any[];
    expect(events.map((e) => e.event).filter((e) => e !== 'refused')).toEqual(['save', 'submit', 'return', 'save', 'submit', 'accept']);
    const [firstSave, , ret, secondSave] = events.filter((e) => e.event !== 'refused');
    expect(firstSave.changes).toEqual([{ path: ['name'], labels: ['事務事業名'], old: bundledSheet('087').name, new: '情報化推進事業（改）' }]);
    expect(firstSave.by).toEqual({ name: 'info', displayName: '情報 花子', role: 'editor' });
    expect(Date.parse(firstSave.at)).not.toBeNaN();
    expect(secondSave.changes).toEqual([{ path: ['costs', 'budget', '2022'], labels: ['コストの推移', '予算額', '令和4年度'], old: 7575, new: 7000 }]);
    expect(ret).toMatchObject({ comment: '成果の数値を確認してください', from: '提出', to: '作成中', by: { name: 'chief' } });
    // Each save names the version it was made over: here the one the save before it wrote (nothing changed outside).
    expect(secondSave.base).toBe(firstSave.sha256);
    expect(secondSave.sha256).toBe(createHash('sha256').update(readFileSync(file('087'))).digest('hex'));
    // The refused saves of the submitted sheet are in its history too.
    expect(events.filter((e) => e.event === 'refused' && e.status === 409).length).toBeGreaterThanOrEqual(2);
  });
});

describe('the history file', () => {
  it('is beside the sheets, and no command takes it for a sheet or a look-alike', () => {
    const folder = readYearFolder(t.dataDir, 2021);
    expect(folder.ignored).toEqual([]);
    expect(folder.refused).toEqual([]);
    expect(folder.sheets.map((f) => f.replace(/.*\//, ''))).toEqual(['087.yaml', '088.yaml', '089.yaml', '121.yaml']);
  });

  it('survives a torn last line (a kill during a write): the rest is read, and the next event is whole', async () => {
    const log = join(t.dataDir, '2021', 'history.jsonl');
    const whole = readHistory(t.dataDir, 2021).events.length;
    appendFileSync(log, '{"at":"2026-12-04T00:00:00.000Z","event":"sub');
    const torn = readHistory(t.dataDir, 2021);
    expect(torn.events.length).toBe(whole);
    expect(torn.damaged).toBe(1);
    expect((await as('chief', 'POST', '/api/sheets/2021/087/return', { comment: '再確認' })).status).toBe(200);
    const after = readHistory(t.dataDir, 2021);
    expect(after.events.length).toBe(whole + 1);
    expect(after.events.at(-1)).toMatchObject({ event: 'return', comment: '再確認' });
    expect(readFileSync(log, 'utf8').endsWith('\n')).toBe(true);
    expect((await as('info', 'GET', '/api/sheets/2021/087')).json.flow.state).toBe('作成中');
    // status says so, and reads on.
    const text = statusText(runStatus({ departments: [], format: 'text', dataDir: t.dataDir }, 2021));
    expect(text).toContain('history.jsonl）に、読めない行が 1 行あります');
    expect(text.split('\n').find((l) => l.startsWith('087'))).toContain('作成中（差し戻し）');
  });

  it('is whole after a writer killed outright while appending (SIGKILL), and takes the next event', async () => {
    const dir = join(t.dataDir, '..', 'killed');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, '2021'), { recursive: true });
    const writer = spawn(process.execPath, ['-e', `
      const { appendEvent } = require(${JSON.stringify(join(__dirname, '..', 'dist', 'publication', 'review-log'))});
      const by = { name: 'w', displayName: 'w', role: 'editor' };
      const comment = 'あ'.repeat(20000);
      process.stdout.write('go\\n');
      for (let i = 0; ; i++) appendEvent(${JSON.stringify(dir)}, 2021, { at: new Date().toISOString(), sheet: '087', by, event: 'return', from: '提出', to: '作成中', comment, sha256: String(i) });
    `]);
    await new Promise((resolve) => writer.stdout.once('data', resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));
    writer.kill('SIGKILL');
    await new Promise((resolve) => writer.once('exit', resolve));
    const killed = readHistory(dir, 2021);
    expect(killed.events.length).toBeGreaterThan(0);
    expect(killed.damaged).toBeLessThanOrEqual(1);
    killed.events.forEach((e, i) => expect(e).toMatchObject({ event: 'return', sha256: String(i) }));
    const { appendEvent } = await import('../src/publication/review-log');
    appendEvent(dir, 2021, { at: new Date().toISOString(), sheet: '087', by: { name: 'x', displayName: 'x', role: 'planning' }, event: 'accept', from: '提出', to: '確認済', sha256: 'after' });
    const after = readHistory(dir, 2021);
    expect(after.events.length).toBe(killed.events.length + 1);
    expect(after.events.at(-1)).toMatchObject({ event: 'accept', sha256: 'after' });
  });

  it('is one JSON object a line', () => {
    const lines = readFileSync(join(t.dataDir, '2021', 'history.jsonl'), 'utf8').split('\n').filter(Boolean);
    const parsed = lines.flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
    expect(parsed.length).toBe(lines.length - 1); // the one torn line of the test before
    writeFileSync(join(t.dataDir, '2021', 'history.jsonl'), lines.join('\n') + '\n');
  });
});

describe('the changes a save records', () => {
  it('names each changed value by path and label; a part added or removed is one change with the whole part', () => {
    const before = { name: 'a', indicators: [{ name: 'x', target: { 2021: 1 } }], sdgs: [3] };
    const after = { name: 'a', indicators: [{ name: 'x', target: { 2021: 2 } }, { name: 'y' }], sdgs: [3, 4], review: ['results.achievements'] };
    expect(sheetChanges(before, after)).toEqual([
      { path: ['indicators', 0, 'target', '2021'], labels: ['指標の推移', '指標1', '目標値', '令和3年度'], old: 1, new: 2 },
      { path: ['indicators', 1], labels: ['指標の推移', '指標2'], old: null, new: { name: 'y' } },
      { path: ['sdgs', 1], labels: ['SDGs', 'SDGsの目標番号2'], old: null, new: 4 },
      { path: ['review'], labels: ['書き直しが必要な項目'], old: null, new: ['results.achievements'] },
    ]);
    expect(sheetChanges(after, after)).toEqual([]);
  });
});

describe('with accounts (data/users.yaml)', () => {
  it('takes the person from the session: another division refused and recorded, a write with a forged CSRF token recorded, a step by name', async () => {
    const { hashPassword } = await import('../src/model/password');
    const hash = await hashPassword('pass word one');
    const users = `users:
  tsukuba-taro:
    displayName: 筑波 太郎
    department: 政策イノベーション部
    division: 情報政策課
    role: editor
    passwordHash: "${hash}"
`;
    const general = { ...bundledSheet('088'), department: '総務部', division: '総務課' };
    const a = await startTestServer({ '087.yaml': bundledSheet('087'), '088.yaml': general }, { users });
    try {
      const login = await a.request('POST', '/api/login', { auth: 'none', body: { name: 'tsukuba-taro', password: 'pass word one' }, origin: a.server.origin });
      expect(login.status).toBe(204);
      const cookie = String(login.headers['set-cookie']).split(';')[0];
      const session = await a.request('GET', '/api/session', { auth: 'none', headers: { Cookie: cookie } });
      const csrf = session.json.csrfToken as string;
      const as2 = (method: string, path: string, body?: unknown, withCsrf = true) =>
        a.request(method, path, { auth: 'none', body, origin: method === 'GET' ? false : a.server.origin, headers: { Cookie: cookie, ...(method !== 'GET' ? { 'X-CSRF-Token': withCsrf ? csrf : 'forged' } : {}) } });

      expect((await as2('GET', '/api/sheets/2021/088')).status).toBe(403);
      expect((await as2('POST', '/api/check/2021/087', { data: bundledSheet('087') }, false)).status).toBe(403);
      const submitted = await as2('POST', '/api/sheets/2021/087/submit', {});
      expect(submitted.status).toBe(200);
      expect(submitted.json.flow).toMatchObject({ state: '提出', by: { name: 'tsukuba-taro', displayName: '筑波 太郎', role: 'editor' } });
      const events = readHistory(a.dataDir, 2021).events;
      expect(events.filter((e) => e.event === 'refused').map((e) => [e.sheet, (e as { action: string }).action, (e as { status: number }).status])).toEqual([
        ['088', 'get', 403],
        ['087', 'POST /api/check/2021/087', 403],
      ]);
      expect(events.at(-1)).toMatchObject({ event: 'submit', sheet: '087', by: { name: 'tsukuba-taro' } });
    } finally {
      await a.close();
    }
  });
});
