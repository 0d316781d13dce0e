// A sheetbook server started in-process on port 0 with a temporary data folder, and plain HTTP requests to it
// (node:http, so that any header — Host, Origin, a wrong cookie — can be sent as a browser or an attacker would).
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkspace, type Workspace } from '../../src/pipeline/sheet';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server';
import { DATA_DIR, makeDataDir } from './data';

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json: any;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw bytes to send instead of JSON. */
  raw?: Buffer;
  headers?: Record<string, string>;
  /** How to prove who we are: the Bearer header (default), the page's cookie, or nothing. */
  auth?: 'bearer' | 'cookie' | 'none';
  /** Send `Origin: <server>` (default for writes with the cookie). */
  origin?: string | false;
}

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  outDir: string;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  close(): Promise<void>;
}

let shared: Workspace | undefined;
/** One workspace (fonts, templates, measurer) for every server of a test file, as the server keeps one. */
export const sharedWorkspace = (): Workspace => (shared ??= openWorkspace(DATA_DIR));

export async function startTestServer(
  sheets: Record<string, unknown>,
  options: { year?: number; dataDir?: string; users?: string; server?: Partial<ServerOptions> } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? makeDataDir(sheets, options.year ?? 2021);
  // data/users.yaml switches accounts on.
  if (options.users !== undefined) writeFileSync(join(dataDir, 'users.yaml'), options.users);
  const outDir = mkdtempSync(join(tmpdir(), 'sheetbook-serve-out-'));
  const server = await startServer({ dataDir, outDir, port: 0, workspace: sharedWorkspace(), ...options.server });
  const request = (method: string, path: string, o: RequestOptions = {}) => send(server, method, path, o);
  return { server, dataDir, outDir, request, close: () => server.close() };
}

export function send(server: RunningServer, method: string, path: string, o: RequestOptions = {}): Promise<Response> {
  const auth = o.auth ?? 'bearer';
  const headers: Record<string, string> = { Host: `127.0.0.1:${server.port}` };
  if (auth === 'bearer') headers.Authorization = `Bearer ${server.token}`;
  if (auth === 'cookie') headers.Cookie = `sheetbook=${server.token}`;
  const writes = method !== 'GET' && method !== 'HEAD';
  const origin = o.origin ?? (writes && auth === 'cookie' ? server.origin : false);
  if (origin) headers.Origin = origin;
  let payload: Buffer | undefined = o.raw;
  if (!payload && o.body !== undefined) {
    payload = Buffer.from(JSON.stringify(o.body), 'utf8');
    headers['Content-Type'] = 'application/json';
  }
  if (payload) headers['Content-Length'] = String(payload.length);
  Object.assign(headers, o.headers ?? {});
  // An empty Content-Length: none at all, the body sent in chunks (node does so by itself).
  if (headers['Content-Length'] === '') delete headers['Content-Length'];
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json });
      });
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
