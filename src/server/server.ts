// `sheetbook serve`: a web server on 127.0.0.1 for editing the sheets of a year in the browser. One workspace (fonts,
// templates, the validator, the city's data) is opened at start and used by every request, so a check answers
// within a keystroke and a preview within a pause in typing. The YAML files stay the one source of truth: the server
// reads them for every request and writes them back keeping what a person wrote (src/server/sheet-edit.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { showPathsFrom } from '../model/report';
import { LOCAL_ACTOR, type Actor } from '../model/actor';
import { fiscalYears } from '../model/data-folder';
import { openWorkspace, type Workspace } from '../pipeline/sheet';
import { removeStaleTemporaries } from '../pipeline/write';
import { accountsOn } from '../pipeline/users';
import { Accounts, type Visitor } from './accounts';
import { authenticate, checkHost, checkOrigin, COOKIE, newToken, sameToken, serverNames, type ServerNames } from './auth';
import { OpeningCodes } from './opening';
import { HttpError, securityHeaders, sendJson, sendText } from './http';
import { sheetDiffHandler } from './sheet-diff-route';
import { SheetService } from './sheet-service';
import { serveStatic } from './static';

export interface ServerOptions {
  dataDir: string;
  outDir: string;
  /** The year the first page opens; the newest year folder when absent. */
  year?: number;
  /** 0 (or absent): a free port chosen by the system. */
  port?: number;
  /** The templates folder; the program's own unless given. */
  templatesDir?: string;
  /** The token; a new random one unless given (tests). */
  token?: string;
  /** An open workspace to use (tests share one); opened from dataDir otherwise. */
  workspace?: Workspace;
  /** Once listening, check and draw a made-up sheet, so that the person's first keystroke is answered warm. */
  warmUp?: boolean;
  /** Who asks, per request (accounts give the session's person; tests fix one). LOCAL_ACTOR when absent. */
  actorOf?: (req: IncomingMessage) => Actor;
  /** The address to listen on: 127.0.0.1 unless given; another one only with accounts (data/users.yaml). */
  host?: string;
  /** The addresses people reach the server by besides its own (a DNS name, a reverse proxy): `https://sheetbook.example`. */
  origins?: string[];
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
  /** With accounts: the sessions' idle time and the log-in slowdown (tests shorten them). */
  sessions?: ConstructorParameters<typeof Accounts>[0]['sessions'];
  loginThrottle?: ConstructorParameters<typeof Accounts>[0]['throttle'];
  /**
   * Called for every refused request (status 400 and above) of a logged-in account, after the answer is sent: the
   * review flow writes it to the history. Not called without accounts, nor for requests without a live session.
   */
  onRefusal?: (actor: Actor, req: IncomingMessage, status: number) => void;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>/?token=<token>` (with accounts, the address without a token): the one line `sheetbook serve` prints. */
  url: string;
  origin: string;
  /** Without accounts, the token of the printed address (with accounts, it opens nothing). */
  token: string;
  port: number;
  /** A one-time address for the system's opener (`--open`): no token in it (src/server/opening.ts). */
  openingUrl(): string;
  /** True when the data folder has users.yaml: every request but the log-in needs a session. */
  accounts: boolean;
  /** How many accounts users.yaml held at start. */
  accountCount: number;
  /** The Host names and origins the server answers to. */
  names: ServerNames;
  /** Stop taking requests; resolves once the ones under way (a save) are answered. */
  close(): Promise<void>;
}

/** `actor`: who asks (src/model/actor.ts); the person who started the server when accounts are off. */
type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL, actor: Actor) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  /** Changes something: the Origin must be the server's own. */
  writes?: boolean;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const workspace = options.workspace ?? openWorkspace(options.dataDir, options.templatesDir);
  // Messages name the files as `data/2021/087.yaml`, not by where they lie on the server.
  const stopShowingPaths = showPathsFrom(dirname(resolve(options.dataDir)));
  // A save cut short by a hard kill leaves its temporary file (never a half-written sheet): tidied here.
  for (const year of fiscalYears(options.dataDir)) removeStaleTemporaries(join(options.dataDir, String(year)));
  const token = options.token ?? newToken();
  const openings = new OpeningCodes();
  const sheets = new SheetService(options.dataDir, workspace, options.year);
  const host = options.host ?? '127.0.0.1';
  const scheme = options.tls ? 'https' : 'http';
  const accounts = accountsOn(options.dataDir)
    ? new Accounts({
        dataDir: options.dataDir,
        // Secure under HTTPS, its own or a reverse proxy's (the address people open is https://).
        secure: scheme === 'https' || (options.origins ?? []).some((o) => o.startsWith('https:')),
        sessions: options.sessions,
        throttle: options.loginThrottle,
      })
    : undefined;
  let port = 0;
  let names: ServerNames = serverNames(host, 0, scheme, options.origins);

  // A sheet route's refusals (403, 409) of a logged-in account go to the year's history (src/server/flow-service.ts);
  // those refused before a route ran (CSRF, Origin) are written by the catch below.
  const recorded = new WeakSet<object>();
  const logged =
    (action: string, handler: Handler): Handler =>
    async (req, res, params, url, actor) => {
      try {
        await handler(req, res, params, url, actor);
      } catch (error) {
        sheets.flow.recordRefusal(actor, action, params[0], params[1], error);
        if (error && typeof error === 'object') recorded.add(error);
        throw error;
      }
    };
  const diffOfSheet = sheetDiffHandler(options.dataDir);
  const routes: Route[] = [
    // Who is asking: the logged-in person with accounts, the one local user without (their token then opens all).
    {
      method: 'GET',
      pattern: /^\/api\/session$/,
      handler: (_req, res, _p, _url, actor) => {
        const session = visitorOf(res)?.session;
        const extra = session && accounts ? { csrfToken: session.csrfToken, idleMinutes: accounts.sessions.idleMs / 60_000 } : {};
        sendJson(res, 200, { accounts: !!accounts, ...actor, ...extra });
      },
    },
    { method: 'GET', pattern: /^\/api\/form$/, handler: (_req, res, _p, url) => sendJson(res, 200, sheets.form(url.searchParams.get('year'))) },
    { method: 'GET', pattern: /^\/api\/years$/, handler: (_req, res) => sendJson(res, 200, sheets.years()) },
    { method: 'GET', pattern: /^\/api\/years\/([^/]+)\/sheets$/, handler: (_req, res, [year], _u, actor) => sendJson(res, 200, sheets.list(actor, year)) },
    {
      method: 'POST',
      pattern: /^\/api\/years\/([^/]+)\/sheets$/,
      writes: true,
      handler: logged('create', async (req, res, [year], _u, actor) => sendJson(res, 201, await sheets.create(actor, year, req))),
    },
    // The 新旧対照表 of a sheet: only for those who may reach the sheet (judged as every sheet route).
    {
      method: 'GET',
      pattern: /^\/api\/sheets\/([^/]+)\/([^/]+)\/diff$/,
      handler: logged('diff', (req, res, params, url, actor) => {
        sheets.flow.reach(actor, params[0], params[1]);
        return diffOfSheet(req, res, params, url);
      }),
    },
    { method: 'GET', pattern: /^\/api\/sheets\/([^/]+)\/([^/]+)$/, handler: logged('get', (_req, res, [year, number], _u, actor) => sheets.get(actor, res, year, number)) },
    { method: 'PUT', pattern: /^\/api\/sheets\/([^/]+)\/([^/]+)$/, writes: true, handler: logged('save', (req, res, [year, number], _u, actor) => sheets.save(actor, req, res, year, number)) },
    { method: 'POST', pattern: /^\/api\/check\/([^/]+)\/([^/]+)$/, writes: true, handler: logged('check', (req, res, [year, number], _u, actor) => sheets.check(actor, req, res, year, number)) },
    { method: 'POST', pattern: /^\/api\/preview\/([^/]+)\/([^/]+)$/, writes: true, handler: logged('preview', (req, res, [year, number], _u, actor) => sheets.preview(actor, req, res, year, number)) },
    // The review flow (issue 22): each step 200 with the new state, 409 when the state does not allow it.
    ...(['submit', 'accept', 'return'] as const).map((action) => ({
      method: 'POST',
      pattern: new RegExp(`^/api/sheets/([^/]+)/([^/]+)/${action}$`),
      writes: true,
      handler: logged(action, (req, res, [year, number], _u, actor) => sheets.flow.step(actor, action, req, res, year, number)),
    })),
    { method: 'GET', pattern: /^\/api\/sheets\/([^/]+)\/([^/]+)\/history$/, handler: logged('history', (_req, res, [year, number], _u, actor) => sheets.flow.historyOf(actor, res, year, number)) },
  ];

  const visitors = new WeakMap<ServerResponse, Visitor>();
  const visitorOf = (res: ServerResponse) => visitors.get(res);

  /** With accounts: log-in and log-out, then the session every other API route needs (pages and their files need none). */
  const admitWithAccounts = async (a: Accounts, req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> => {
    if (path === '/api/login' || path === '/api/logout') {
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        throw new HttpError(405, `${req.method} はこの API では使えません（POST）。`);
      }
      return path === '/api/login' ? a.login(req, res, names) : a.logout(req, res, names);
    }
    if (!path.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} は使えません。`);
      return serveStatic(req, res, path);
    }
    const visitor = a.visitor(req);
    visitors.set(res, visitor);
    const route = findRoute(req, res, path);
    if (route.writes) a.checkWrite(req, visitor, names);
    await route.handler(req, res, route.params, url, visitor.actor);
  };

  const findRoute = (req: IncomingMessage, res: ServerResponse, path: string): Route & { params: string[] } => {
    const allowed = routes.filter((r) => r.pattern.test(path));
    const route = allowed.find((r) => r.method === req.method);
    if (!route) {
      if (allowed.length === 0) throw new HttpError(404, 'そのような API はありません。');
      res.setHeader('Allow', allowed.map((r) => r.method).join(', '));
      throw new HttpError(405, `${req.method} はこの API では使えません（${allowed.map((r) => r.method).join('、')}）。`);
    }
    return { ...route, params: route.pattern.exec(path)!.slice(1).map(decodeURIComponent) };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let path = '/';
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      path = url.pathname;
      securityHeaders(res, path);
      checkHost(req, names);
      if (accounts) return await admitWithAccounts(accounts, req, res, path, url);
      // The address printed at start: its token becomes a cookie of this site only, and leaves the address bar.
      if (req.method === 'GET' && path === '/' && url.searchParams.has('token')) {
        if (!sameToken(url.searchParams.get('token') ?? undefined, token)) throw new HttpError(401, '認証が必要です。sheetbook serve が表示したアドレスを開いてください。');
        res.writeHead(303, { Location: '/', 'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, 'Content-Length': 0 });
        res.end();
        return;
      }
      if (req.method === 'GET' && path === '/' && url.searchParams.has('open')) {
        if (!openings.redeem(url.searchParams.get('open'))) throw new HttpError(401, 'このアドレスは一度だけ使えます（使用済みか、期限切れです）。sheetbook serve が表示したアドレスを開いてください。');
        res.writeHead(303, { Location: '/', 'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, 'Content-Length': 0 });
        res.end();
        return;
      }
      const credential = authenticate(req, token);
      if (path.startsWith('/api/')) {
        const route = findRoute(req, res, path);
        if (route.writes) checkOrigin(req, names, credential);
        await route.handler(req, res, route.params, url, options.actorOf?.(req) ?? LOCAL_ACTOR);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} は使えません。`);
      serveStatic(req, res, path);
    } catch (error) {
      refuse(res, path, error);
      const visitor = visitorOf(res);
      if (visitor && !(error && typeof error === 'object' && recorded.has(error))) sheets.flow.recordRequestRefusal(visitor.actor, req.method ?? '', path, error);
      if (visitor && options.onRefusal) {
        try {
          options.onRefusal(visitor.actor, req, res.statusCode);
        } catch (failure) {
          if (process.env.SHEETBOOK_DEBUG) console.error(failure);
        }
      }
    }
  };

  const timeouts = { requestTimeout: 60_000, headersTimeout: 10_000 };
  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const server: Server = options.tls ? createHttpsServer({ ...timeouts, cert: options.tls.cert, key: options.tls.key }, listener) : createServer(timeouts, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  names = serverNames(host, port, scheme, options.origins);
  if (options.warmUp) setTimeout(() => sheets.warmUp(), 0).unref();
  const origin = primaryOrigin(host, port, scheme, names, options.origins);
  return {
    url: accounts ? `${origin}/` : `${origin}/?token=${token}`,
    origin,
    token,
    port,
    // With accounts the address holds no secret: the log-in page.
    openingUrl: () => (accounts ? `${origin}/` : `${origin}/?open=${openings.issue()}`),
    accounts: !!accounts,
    accountCount: accounts?.count() ?? 0,
    names,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        stopShowingPaths();
        server.closeIdleConnections();
        // A browser's kept-alive connection busy past this (it never is for long) is not waited for.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  };
}

/**
 * The address to print: the one people are told to use (the first of `origins`), else the server's own (for
 * 0.0.0.0 or ::, the first address of this computer that is not a loopback one).
 */
function primaryOrigin(host: string, port: number, scheme: string, names: ServerNames, origins: string[] = []): string {
  if (origins.length > 0) return new URL(origins[0]).origin;
  const loopback = (o: string) => o.startsWith(`${scheme}://127.0.0.1:`) || o.startsWith(`${scheme}://localhost:`);
  if (host === '0.0.0.0' || host === '::') return names.origins.find((o) => !loopback(o) && !o.includes('[::1]')) ?? names.origins[0];
  if (host === '127.0.0.1' || host === 'localhost') return names.origins[0];
  return names.origins.find((o) => !loopback(o)) ?? names.origins[0];
}

/** Every failure as its status and Japanese message: JSON for the API, text for pages; never a stack trace. */
function refuse(res: ServerResponse, path: string, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const known = error instanceof HttpError ? error : undefined;
  const status = known?.status ?? 500;
  const message = known?.message ?? `サーバーで予期しないエラーが起きました: ${(error as Error)?.message ?? error}`;
  if (!known && process.env.SHEETBOOK_DEBUG) console.error(error);
  if (path.startsWith('/api/')) sendJson(res, status, { message, ...(known?.extra ?? {}) });
  else sendText(res, status, message);
}
