// `sheetbook serve`: a web server on 127.0.0.1 for editing the sheets of a year in the browser. One workspace (fonts,
// templates, the validator, the city's data) is opened at start and used by every request, so a check answers
// within a keystroke and a preview within a pause in typing. The YAML files stay the one source of truth: the server
// reads them for every request and writes them back keeping what a person wrote (src/server/sheet-edit.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { LOCAL_ACTOR, type Actor } from '../model/actor';
import { fiscalYears } from '../model/data-folder';
import { openWorkspace, type Workspace } from '../pipeline/sheet';
import { removeStaleTemporaries } from '../pipeline/write';
import { authenticate, checkHost, checkOrigin, COOKIE, newToken, sameToken } from './auth';
import { HttpError, securityHeaders, sendJson, sendText } from './http';
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
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>/?token=<token>`: the one line `sheetbook serve` prints. */
  url: string;
  origin: string;
  token: string;
  port: number;
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
  // A save cut short by a hard kill leaves its temporary file (never a half-written sheet): tidied here.
  for (const year of fiscalYears(options.dataDir)) removeStaleTemporaries(join(options.dataDir, String(year)));
  const token = options.token ?? newToken();
  const sheets = new SheetService(options.dataDir, workspace, options.year);
  let port = 0;

  // A sheet route's refusals (403, 409) of a logged-in account go to the year's history (src/server/flow-service.ts).
  const logged =
    (action: string, handler: Handler): Handler =>
    async (req, res, params, url, actor) => {
      try {
        await handler(req, res, params, url, actor);
      } catch (error) {
        sheets.flow.recordRefusal(actor, action, params[0], params[1], error);
        throw error;
      }
    };
  const routes: Route[] = [
    { method: 'GET', pattern: /^\/api\/form$/, handler: (_req, res, _p, url) => sendJson(res, 200, sheets.form(url.searchParams.get('year'))) },
    { method: 'GET', pattern: /^\/api\/years$/, handler: (_req, res) => sendJson(res, 200, sheets.years()) },
    { method: 'GET', pattern: /^\/api\/years\/([^/]+)\/sheets$/, handler: (_req, res, [year], _u, actor) => sendJson(res, 200, sheets.list(actor, year)) },
    {
      method: 'POST',
      pattern: /^\/api\/years\/([^/]+)\/sheets$/,
      writes: true,
      handler: logged('create', async (req, res, [year], _u, actor) => sendJson(res, 201, await sheets.create(actor, year, req))),
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

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let path = '/';
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      path = url.pathname;
      securityHeaders(res, path);
      checkHost(req, port);
      // The address printed at start: its token becomes a cookie of this site only, and leaves the address bar.
      if (req.method === 'GET' && path === '/' && url.searchParams.has('token')) {
        if (!sameToken(url.searchParams.get('token') ?? undefined, token)) throw new HttpError(401, '認証が必要です。sheetbook serve が表示したアドレスを開いてください。');
        res.writeHead(303, { Location: '/', 'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, 'Content-Length': 0 });
        res.end();
        return;
      }
      const credential = authenticate(req, token);
      if (path.startsWith('/api/')) {
        const allowed = routes.filter((r) => r.pattern.test(path));
        const route = allowed.find((r) => r.method === req.method);
        if (!route) {
          if (allowed.length === 0) throw new HttpError(404, 'そのような API はありません。');
          res.setHeader('Allow', allowed.map((r) => r.method).join(', '));
          throw new HttpError(405, `${req.method} はこの API では使えません（${allowed.map((r) => r.method).join('、')}）。`);
        }
        if (route.writes) checkOrigin(req, port, credential);
        const params = route.pattern.exec(path)!.slice(1).map(decodeURIComponent);
        await route.handler(req, res, params, url, options.actorOf?.(req) ?? LOCAL_ACTOR);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${req.method} は使えません。`);
      serveStatic(req, res, path);
    } catch (error) {
      refuse(res, path, error);
    }
  };

  const server: Server = createServer({ requestTimeout: 60_000, headersTimeout: 10_000 }, (req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  if (options.warmUp) setTimeout(() => sheets.warmUp(), 0).unref();
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A browser's kept-alive connection busy past this (it never is for long) is not waited for.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  };
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
