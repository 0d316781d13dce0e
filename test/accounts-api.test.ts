// Accounts (issue 22, points 2, 3, 7): with data/users.yaml the server knows who asks. The token of issue 21 is no
// longer enough; `POST /api/login` gives a session cookie, and every other API route needs one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledSheet } from './helpers/data';
import { startTestServer, type TestServer } from './helpers/serve';

// `correct horse battery`, hashed with a small cost (ln=10) so that the tests stay quick; the cost is in the hash.
const HASH = '$scrypt$ln=10,r=8,p=1$lJqKtBC4/cFcUOGg5GxfSQ$Jw4dkR2u5pZN7gUYHuXOzjNK3/t2Mw3tbKw7827TGgI';
const USERS = `users:
  tsukuba-taro:
    displayName: 筑波 太郎
    department: 政策イノベーション部
    division: 情報政策課
    role: editor
    passwordHash: "${HASH}"
`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ '087.yaml': bundledSheet('087') }, { users: USERS });
});
afterAll(() => t.close());

describe('with data/users.yaml', () => {
  it('the token of issue 21 is not enough', async () => {
    expect((await t.request('GET', '/api/years/2021/sheets')).status).toBe(401);
  });

  it('POST /api/login gives a session cookie that opens the API', async () => {
    const login = await t.request('POST', '/api/login', { auth: 'none', body: { name: 'tsukuba-taro', password: 'correct horse battery' }, origin: t.server.origin });
    expect(login.status).toBe(204);
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    expect(cookie).toMatch(/^sheetbook_session=[A-Za-z0-9_-]{43}$/);
    const list = await t.request('GET', '/api/years/2021/sheets', { auth: 'none', headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
  });
});
