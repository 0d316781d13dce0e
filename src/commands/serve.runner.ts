// `sheetbook serve`: the editor's web server (src/server/), until Ctrl+C.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { UserError } from '../model/errors';
import { displayPath } from '../model/report';
import { DataFileError } from '../pipeline/data-file';
import { accountsOn, readUsersFile, usersFilePath } from '../pipeline/users';
import { isLoopback } from '../server/auth';
import { startServer, type RunningServer } from '../server/server';
import { announcedYear } from './target-year';

export interface ServeOptions {
  year?: number;
  port?: number;
  open: boolean;
  dataDir: string;
  outDir: string;
  /** The address to listen on (127.0.0.1 unless given). */
  host?: string;
  /** The addresses people open besides the server's own (a DNS name, a reverse proxy). */
  origins?: string[];
  /** The certificate and key files of HTTPS. */
  tls?: { cert: string; key: string };
}

/** Runs until stopped: Ctrl+C ends it (see cli-main.ts). */
export const runsUntilStopped = true;

export async function main(options: ServeOptions, stop: AbortSignal): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const accounts = accountsOn(options.dataDir);
  if (!accounts && !isLoopback(host)) {
    throw new UserError(
      `--host ${host} は使えません。このコンピューターの外から使えるのは、アカウント（${displayPath(usersFilePath(options.dataDir))}）があるときだけです（token だけでは、ほかの人に読まれ書き換えられるおそれがあります）。sheetbook users add でアカウントを作ってから始めてください。`,
      2,
    );
  }
  if (accounts) {
    // A broken users.yaml stops the start, as any data file with errors does.
    const { findings } = readUsersFile(usersFilePath(options.dataDir));
    if (findings.length > 0) throw new DataFileError(findings);
  }
  const tls = options.tls && { cert: readTlsFile(options.tls.cert, '証明書'), key: readTlsFile(options.tls.key, '秘密鍵') };
  const year = announcedYear(options.dataDir, options.year);
  let server: RunningServer;
  try {
    server = await startServer({ dataDir: options.dataDir, outDir: options.outDir, year, port: options.port, warmUp: true, host, origins: options.origins, tls });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRNOTAVAIL') throw new UserError(`アドレス ${host} はこのコンピューターのものではありません。--host にこのコンピューターの IP アドレスか 0.0.0.0 を指定してください。`);
    if (tls && /PEM|certificate|key|asn1|x509/i.test(String((error as Error).message))) {
      throw new UserError(`HTTPS の証明書か秘密鍵を使えません（${(error as Error).message}）。PEM の形の、対になる証明書（--tls-cert）と秘密鍵（--tls-key）を指定してください。`);
    }
    if (code === 'EADDRINUSE') throw new UserError(`ポート ${options.port} はほかのプログラムが使っています。--port で別の番号を指定するか、省いてください。`);
    if (code === 'EACCES') throw new UserError(`ポート ${options.port} は使えません（権限がありません）。1024 以上の番号を指定してください。`);
    throw error;
  }
  // The one line on stdout: the address, token and all (scripts read it).
  console.log(server.url);
  if (server.accounts) {
    console.error(`アカウントでの利用です（${displayPath(usersFilePath(options.dataDir))} の ${server.accountCount} 人）。名前とパスワードでログインします。`);
    const beyond = isLoopback(host) ? 'このコンピューターの中だけ' : host === '0.0.0.0' || host === '::' ? `このコンピューターのすべてのアドレス（${host}）` : `${host}`;
    console.error(`${beyond}で待ち受けます（${server.names.origins.join('、')}）。${tls ? 'HTTPS です。' : isLoopback(host) ? '' : 'HTTPS ではありません（--tls-cert と --tls-key、またはリバースプロキシで HTTPS にしてください）。'}`);
  }
  console.error('ブラウザで上のアドレスを開いてください。終わるには Ctrl+C を押します。');
  if (options.open) openBrowser(server.openingUrl());
  await new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
  await server.close();
  console.error('sheetbook serve を終わりました。');
  return 0;
}

function readTlsFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UserError(`HTTPS の${what}「${file}」を読めません（${(error as NodeJS.ErrnoException).code ?? (error as Error).message}）。`);
  }
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
