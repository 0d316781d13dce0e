// The browser app: the files `npm run build` puts in dist/web/ (src/web/, bundled by esbuild; pdf.js from
// pdfjs-dist). Nothing comes from anywhere else. Only plain file names under that folder are served.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, isAbsolute } from 'node:path';
import { HttpError, sendBytes } from './http';

// dist/web beside dist/server; from the sources (tests), the built one too.
export const WEB_DIR = __filename.endsWith('.ts') ? join(__dirname, '..', '..', 'dist', 'web') : join(__dirname, '..', 'web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

// Path segments of letters, digits, `-`, `_` and `.` (not leading): no `..`, no hidden files, no encoded tricks.
const SAFE_PATH = /^(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$/;

const PLACEHOLDER = `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>sheetbook</title></head>
<body><main><h1>sheetbook</h1><p>画面のファイル（dist/web/）がありません。npm run build を実行してください。</p></main></body></html>
`;

export function serveStatic(req: IncomingMessage, res: ServerResponse, path: string): void {
  // Every page of the app is the one page: the app reads its place from the address.
  const page = path === '/' || /^\/(years|sheets)(\/[0-9]+)*\/?$/.test(path);
  const name = page ? '/index.html' : path;
  if (!SAFE_PATH.test(name)) throw new HttpError(404, 'ページが見つかりません。');
  const file = join(WEB_DIR, name);
  if (!existsSync(file) || !statSync(file).isFile() || !inside(WEB_DIR, file)) {
    if (page) return sendBytes(res, 200, Buffer.from(PLACEHOLDER), TYPES['.html'], { 'Cache-Control': 'no-store' });
    throw new HttpError(404, 'ページが見つかりません。');
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const bytes = readFileSync(file);
  if (req.method === 'HEAD') {
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': bytes.length });
    res.end();
    return;
  }
  sendBytes(res, 200, bytes, type, { 'Cache-Control': page ? 'no-store' : 'no-cache' });
}

function inside(root: string, file: string): boolean {
  const rel = relative(realpathSync(root), realpathSync(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
