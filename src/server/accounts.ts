// Who is asking, when the data folder has users.yaml: log-in, log-out, the session of each request, and what a
// write must carry. The accounts are read again whenever the file changes (its size, time or inode), so that
// `sheetbook users remove` or `passwd` ends that person's sessions at once; a users.yaml with errors lets nobody in
// (503) until it is mended, rather than keep an account someone meant to remove.
//
// CSRF: the cookie is SameSite=Strict, so no other site's page sends it; but a page of the same site (another host
// of the city's domain, another port of this host) counts as same-site and would. So a write must also show where it
// comes from: its Origin, when sent, must be this server's own (and Sec-Fetch-Site not cross-site or same-site);
// without an Origin (a script, an old browser, a proxy that strips it) the session's CSRF token must come in
// X-CSRF-Token. A cookie alone never writes.
import { timingSafeEqual, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Actor } from '../model/actor';
import { hashPassword, verifyPassword, DEFAULT_COST } from '../model/password';
import { formatFinding } from '../model/report';
import { actorOf, readUsersFile, usersFilePath, type Account } from '../pipeline/users';
import type { ServerNames } from './auth';
import { HttpError, readJson } from './http';
import { SessionStore, type Session, type SessionOptions } from './sessions';
import { LoginThrottle, type ThrottleOptions } from './throttle';

export const SESSION_COOKIE = 'sheetbook_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AccountsOptions {
  dataDir: string;
  /** Under HTTPS the cookie is Secure. */
  secure: boolean;
  sessions?: SessionOptions;
  throttle?: ThrottleOptions;
}

/** A request's person and the session that proves it. */
export interface Visitor {
  actor: Actor;
  session: Session;
}

const LOGIN_NEEDED = 'ログインが必要です。名前とパスワードでログインしてください。';
const WRONG_PAIR = '名前かパスワードが違います。';

function sessionCookie(req: IncomingMessage): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=');
  }
  return undefined;
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export class Accounts {
  readonly sessions: SessionStore;
  private readonly throttle: LoginThrottle;
  private readonly file: string;
  private seen = '';
  private accounts: Map<string, Account> | undefined;
  private problem: string | undefined;
  /** Checked when the name is unknown, so that a wrong name costs the time of a wrong password. */
  private readonly decoy: Promise<string>;

  constructor(private readonly options: AccountsOptions) {
    this.file = usersFilePath(options.dataDir);
    this.sessions = new SessionStore(options.sessions);
    this.throttle = new LoginThrottle(options.throttle);
    this.decoy = hashPassword(randomBytes(16).toString('base64'), DEFAULT_COST);
    this.decoy.catch(() => undefined);
    this.current();
  }

  /** How many accounts the file holds (for the start-up line); throws when it has errors. */
  count(): number {
    return this.current().size;
  }

  /** The accounts as the file says now. */
  private current(): Map<string, Account> {
    let stamp: string;
    try {
      const s = statSync(this.file);
      stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      stamp = 'gone';
    }
    if (stamp !== this.seen) {
      this.seen = stamp;
      const { accounts, findings } = readUsersFile(this.file);
      this.accounts = accounts;
      this.problem = accounts ? undefined : findings.map(formatFinding).join('\n');
      if (this.problem) console.error(`${this.problem}\ndata/users.yaml を直すまで、だれもログインできません。`);
    }
    if (!this.accounts) throw new HttpError(503, 'アカウントのファイル（data/users.yaml）に誤りがあるため、いまはだれもログインできません。管理者は sheetbook validate で誤りを確かめてください。');
    return this.accounts;
  }

  /** The person of a request's session; 401 without a live one. */
  visitor(req: IncomingMessage): Visitor {
    const session = this.sessions.find(sessionCookie(req));
    const account = session && this.current().get(session.name);
    if (!session || !account || account.passwordHash !== session.passwordHash) {
      if (session) this.sessions.end(sessionCookie(req));
      throw new HttpError(401, LOGIN_NEEDED, { login: true });
    }
    return { actor: actorOf(account), session };
  }

  /** The session of a request, if it has a live one (pages, log-out). */
  maybeVisitor(req: IncomingMessage): Visitor | undefined {
    try {
      return this.visitor(req);
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) return undefined;
      throw error;
    }
  }

  /** `POST /api/login {"name","password"}` → 204 and the cookie; 401 on a wrong pair; 429 while slowed down. */
  async login(req: IncomingMessage, res: ServerResponse, names: ServerNames): Promise<void> {
    checkSource(req, names);
    const body = await readJson(req);
    const name = body.name;
    const password = body.password;
    if (typeof name !== 'string' || typeof password !== 'string' || name.length > 200 || password.length > 1000) {
      throw new HttpError(400, '{"name": "ログイン名", "password": "パスワード"} の形で送ってください。');
    }
    const address = req.socket.remoteAddress ?? '';
    const wait = this.throttle.wait(name, address);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      res.setHeader('Retry-After', String(seconds));
      throw new HttpError(429, `パスワードの誤りが続いたため、しばらくログインできません。${seconds} 秒たってから、もう一度試してください。`, { retryAfter: seconds });
    }
    const account = this.current().get(name);
    const right = await verifyPassword(password, account?.passwordHash ?? (await this.decoy));
    if (!account || !right) {
      this.throttle.failed(name, address);
      throw new HttpError(401, WRONG_PAIR, { login: true });
    }
    this.throttle.succeeded(name);
    // A session id given before the log-in (fixation) is never kept: each log-in opens a new one.
    this.sessions.end(sessionCookie(req));
    const { id, session } = this.sessions.open(account.name, account.passwordHash);
    res.writeHead(204, { 'Set-Cookie': this.cookie(id), 'X-CSRF-Token': session.csrfToken, 'Content-Length': 0 });
    res.end();
  }

  /** `POST /api/logout` → 204; the session ends and the cookie is cleared (also when there was none). */
  logout(req: IncomingMessage, res: ServerResponse, names: ServerNames): void {
    const visitor = this.maybeVisitor(req);
    if (visitor) this.checkWrite(req, visitor, names);
    else checkSource(req, names);
    this.sessions.end(sessionCookie(req));
    res.writeHead(204, { 'Set-Cookie': this.cookie('', 0), 'Content-Length': 0 });
    res.end();
  }

  /** What a write must show besides the cookie (see the top of this file): 403 when it does not. */
  checkWrite(req: IncomingMessage, visitor: Visitor, names: ServerNames): void {
    checkSource(req, names);
    const token = req.headers[CSRF_HEADER];
    if (token !== undefined && !same(String(token), visitor.session.csrfToken)) throw new HttpError(403, '書き込みを受け付けません（X-CSRF-Token がこのログインのものではありません）。');
    if (req.headers.origin === undefined && token === undefined) {
      throw new HttpError(403, '書き込みを受け付けません。画面からでないとき（スクリプト）は、ログインの答えの X-CSRF-Token を同じ名前のヘッダーで送ってください。');
    }
  }

  private cookie(id: string, maxAge?: number): string {
    return [`${SESSION_COOKIE}=${id}`, 'HttpOnly', 'SameSite=Strict', 'Path=/', ...(this.options.secure ? ['Secure'] : []), ...(maxAge !== undefined ? [`Max-Age=${maxAge}`] : [])].join('; ');
  }
}

/** A request that may change something comes from this server's own pages, or from no page at all (a script). */
function checkSource(req: IncomingMessage, names: ServerNames): void {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') throw new HttpError(403, 'ほかのサイトからの書き込みは受け付けません。');
  const origin = req.headers.origin;
  if (origin !== undefined && !names.origins.includes(String(origin).toLowerCase())) throw new HttpError(403, `ほかのサイト（${origin}）からの書き込みは受け付けません。`);
}
