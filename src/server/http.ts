// What every response of the server carries, and the small means of answering: JSON, text, refusals. The headers
// are set here once, so that no route can forget them.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The page may run only its own scripts, styles and workers (pdf.js's worker included): no inline script at all. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** Request bodies (a sheet as JSON) are limited: a sheet file itself may not pass 1 MB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A refusal with its status and Japanese message, sent as `{ message }` (or as text to a page). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function securityHeaders(res: ServerResponse, path: string): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
}

/** JSON, never HTML: whatever a sentence holds (`<script>`), the browser reads it as data. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length, ...headers });
  res.end(bytes);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(`${text}\n`, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': bytes.length, ...headers });
  res.end(bytes);
}

export function sendBytes(res: ServerResponse, status: number, bytes: Buffer, type: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': bytes.length, ...headers });
  res.end(bytes);
}

/** The body of a request, at most MAX_BODY_BYTES (413 past it, before or while it arrives). */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => refused || resolve(Buffer.concat(chunks)));
    req.on('error', (error) => refused || reject(error));
  });
}

const tooLarge = (limit: number) => new HttpError(413, `送られたデータが大きすぎます（${Math.round(limit / 1024)} KB まで）。`);

/** A JSON body: an object, sent as application/json (a form of another site cannot send one without asking first). */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'データは JSON（Content-Type: application/json）で送ってください。');
  const bytes = await readBody(req);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new HttpError(400, '送られたデータを JSON として読めません。');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, '送るデータは JSON のオブジェクト（{ … }）にしてください。');
  return value as Record<string, unknown>;
}
