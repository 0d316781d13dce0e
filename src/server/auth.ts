// Who may talk to the server: only the person who started it, on this machine. The address it prints carries a
// random token; the first page turns it into a cookie, scripts send it as a Bearer header. Requests for another host
// name (DNS rebinding) and writes from another origin (a site the person happens to visit) are refused.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { HttpError } from './http';

export const COOKIE = 'sheetbook';

/** 32 random bytes, base64url. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** Compared in constant time, so that no timing tells how much of a guess was right. */
export function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(token, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The names a server answers to (`Host`) and the origins its pages come from (`Origin`), lower case. */
export interface ServerNames {
  hosts: string[];
  origins: string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(host);
const hostPart = (address: string) => (isIPv6(address) ? `[${address}]` : address);

/**
 * What a server listening on `host`:`port` answers to: that address (127.0.0.1 and localhost too when it is a
 * loopback one; every address of this computer for 0.0.0.0 or ::), and the addresses people reach it by through a DNS
 * name or a reverse proxy (`publicOrigins`, such as https://sheetbook.city.example).
 */
export function serverNames(host: string, port: number, scheme: 'http' | 'https', publicOrigins: string[] = []): ServerNames {
  const addresses = new Set<string>();
  if (isLoopback(host)) ['127.0.0.1', 'localhost', host].forEach((a) => addresses.add(a));
  else if (host === '0.0.0.0' || host === '::') {
    ['127.0.0.1', 'localhost'].forEach((a) => addresses.add(a));
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) if (host === '::' || a.family === 'IPv4') addresses.add(a.address.split('%')[0]);
    }
  } else addresses.add(host);
  const hosts = [...addresses].map((a) => `${hostPart(a).toLowerCase()}:${port}`);
  const origins = hosts.map((h) => `${scheme}://${h}`);
  for (const origin of publicOrigins) {
    const url = new URL(origin);
    hosts.push(url.host.toLowerCase());
    origins.push(url.origin.toLowerCase());
  }
  return { hosts: [...new Set(hosts)], origins: [...new Set(origins)] };
}

/** Refuse a request whose Host is not the server's own (a page of another site that resolves its name to this one). */
export function checkHost(req: IncomingMessage, names: ServerNames): void {
  const host = String(req.headers.host ?? '').toLowerCase();
  if (!names.hosts.includes(host)) throw new HttpError(421, `このサーバーは ${names.origins[0]}/ でだけ使えます（Host が違います）。`);
}

export function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  return match?.[1];
}

export type Credential = 'bearer' | 'cookie';

/** How the request proves it comes from the person who started the server; 401 when it does not. */
export function authenticate(req: IncomingMessage, token: string): Credential {
  if (sameToken(bearerToken(req), token)) return 'bearer';
  if (sameToken(cookieToken(req), token)) return 'cookie';
  throw new HttpError(401, '認証が必要です。sheetbook serve が表示したアドレス（?token=… 付き）を開いてください。');
}

/**
 * A request that changes something must come from the server's own pages: its Origin, when sent, must be the
 * server's; without one (a script, curl) only the Bearer header is accepted, as a browser always sends Origin with a
 * cross-site write and the cookie would go with it.
 */
export function checkOrigin(req: IncomingMessage, names: ServerNames, credential: Credential): void {
  const origin = req.headers.origin;
  if (origin === undefined) {
    if (credential === 'bearer') return;
    throw new HttpError(403, '書き込みは sheetbook serve の画面からだけできます（Origin がありません）。');
  }
  if (!names.origins.includes(String(origin).toLowerCase())) {
    throw new HttpError(403, `ほかのサイト（${origin}）からの書き込みは受け付けません。`);
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') throw new HttpError(403, 'ほかのサイトからの書き込みは受け付けません。');
}
