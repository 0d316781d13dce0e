// `sheetbook serve`: the editor's web server (src/server/), until Ctrl+C.
import { spawn } from 'node:child_process';
import { UserError } from '../model/errors';
import { startServer, type RunningServer } from '../server/server';
import { announcedYear } from './target-year';

export interface ServeOptions {
  year?: number;
  port?: number;
  open: boolean;
  dataDir: string;
  outDir: string;
}

/** Runs until stopped: Ctrl+C ends it (see cli-main.ts). */
export const runsUntilStopped = true;

export async function main(options: ServeOptions, stop: AbortSignal): Promise<number> {
  const year = announcedYear(options.dataDir, options.year);
  let server: RunningServer;
  try {
    server = await startServer({ dataDir: options.dataDir, outDir: options.outDir, year, port: options.port, warmUp: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`ポート ${options.port} はほかのプログラムが使っています。--port で別の番号を指定するか、省いてください。`);
    if (code === 'EACCES') throw new UserError(`ポート ${options.port} は使えません（権限がありません）。1024 以上の番号を指定してください。`);
    throw error;
  }
  // The one line on stdout: the address, token and all (scripts read it).
  console.log(server.url);
  console.error('ブラウザで上のアドレスを開いてください。終わるには Ctrl+C を押します。');
  if (options.open) openBrowser(server.openingUrl());
  await new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
  await server.close();
  console.error('sheetbook serve を終わりました。');
  return 0;
}

/**
 * The system's own way of opening an address in the default browser (open on macOS, start on Windows, xdg-open
 * elsewhere), given a one-time address: the opener's arguments are in the process list. A failure only says so.
 */
function openBrowser(url: string): void {
  // `start` takes its first quoted argument as a window title, hence the empty one; the address holds no `&`.
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const failed = () => console.error('ブラウザを開けませんでした。上のアドレスを手で開いてください。');
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', failed);
    // xdg-open exits 3 or 4 when it finds no browser.
    child.on('exit', (code) => code !== 0 && code !== null && failed());
    child.unref();
  } catch {
    failed();
  }
}
