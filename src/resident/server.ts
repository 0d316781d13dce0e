// The resident process: `sheetbook build` and `validate` kept running between runs, so that a corrected sheet is
// rebuilt by code V8 has already optimised rather than by a new process that starts cold (40-50 ms of work instead of
// about 250).
//
// It is the start-up snapshot kept running (started by src/resident/client.ts with SHEETBOOK_RESIDENT_SOCKET set;
// src/snapshot/entry.ts calls serve()), answering on two channels (src/resident/channel.ts): a Unix socket for the
// node client and a loopback port, with a token, for the bash client. It runs one command line at a time, exactly as
// a process of its own would: in the client's folder, with its environment, its output relayed. What a run reads is
// read for each request as always (sheets, city data, templates; the fonts are parsed again when their files change).
// The program itself is checked before each request: when any of its files changed since the snapshot was made, the
// request is declined (the client runs it itself) and the resident ends. It also ends after some idle minutes, when
// its snapshot is replaced or its socket removed, on a signal, and when a client goes away mid-run (Ctrl+C): it
// removes the temporary files of unfinished writes, as the client's own process would have, and dies.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCommand } from '../cli-main';
import { keepFontsForEveryWorkspace } from '../pipeline/sheet';
import { removePendingTemporaries } from '../pipeline/write';
import { stamp as fileStamp } from '../snapshot/freshness';
import { warmUp } from '../snapshot/warm-up';
import { folderState, portFileKey, readShellRequest, receive, send, shellLines, type Reply, type Request, type RunRequest } from './channel';

/** Minutes without a request after which the resident ends (SHEETBOOK_RESIDENT_IDLE_SECONDS sets it in seconds). */
const IDLE_MINUTES = 15;
/** How often an idle resident looks whether its snapshot and socket are still its own. */
const LOOK_EVERY_MS = 2_000;

/** Warm-up rounds in a resident's life, and the quiet before each. */
const WARM_UP_ROUNDS = 20;
const WARM_UP_AFTER_IDLE_MS = 100;

/** Exit codes of a resident that never served (the client then runs the build itself). */
const NOT_SERVING = 75;

/** A bash client's request is a command line and a few variables: anything larger is not one. */
const MAX_SHELL_REQUEST = 1 << 20;

/** A client connection and how to answer on it (JSON on the Unix socket, lines on the bash client's port). */
interface Peer {
  socket: Socket;
  reply(message: Reply): void;
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

interface Served {
  socketPath: string;
  blob: string;
  /** Undefined while the program on disk is the one in memory; otherwise what changed. */
  staleness: () => string | undefined;
}

/** The socket folder exists, belongs to this user, and no one else may enter it. */
function privateFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  return folderState(dir) === 'private';
}

/** Whether a resident answers on `socketPath`. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Listen on `socketPath`, taking over a socket file left by a resident that died; false when another one answers. */
async function listen(server: Server, socketPath: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const failure = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(socketPath, () => {
        server.off('error', resolve);
        resolve(undefined);
      });
    });
    if (!failure) return true;
    if (failure.code !== 'EADDRINUSE' || (await answers(socketPath))) return false;
    try {
      unlinkSync(socketPath);
    } catch {
      return false;
    }
  }
  return false;
}

export async function serve({ socketPath, blob, staleness }: Served): Promise<void> {
  // Nothing of the first client's is kept: each request brings its own folder and environment.
  process.chdir('/');
  // What `ps` and `top` show (otherwise the node command line that started it).
  process.title = 'sheetbook-resident';
  const server = createServer();
  if (!privateFolder(dirname(socketPath)) || !(await listen(server, socketPath))) process.exit(NOT_SERVING);
  const ownSocket = fileStamp(socketPath);
  // Beside the socket, for whoever wants to know which process it is.
  const pidFile = socketPath.replace(/\.sock$/, '.pid');
  writeFileSync(pidFile, `${process.pid}\n`);
  const ownBlob = fileStamp(blob);
  // The bash client's port file (below).
  const portFile = join(dirname(socketPath), `${portFileKey(blob, process.execPath)}.port`);
  let portLine: string | undefined;
  keepFontsForEveryWorkspace();

  // The warm-up rounds' folders live here, so that the resident takes them along whenever it ends.
  let warmUpRoot: string | undefined;
  const end = (code = 0): never => {
    server.close();
    try {
      if (portLine && readFileSync(portFile, 'utf8') === portLine) rmSync(portFile, { force: true });
    } catch {
      // gone, or another resident's
    }
    if (warmUpRoot) rmSync(warmUpRoot, { recursive: true, force: true });
    if (fileStamp(socketPath) === ownSocket) rmSync(socketPath, { force: true });
    try {
      if (readFileSync(pidFile, 'utf8') === `${process.pid}\n`) rmSync(pidFile, { force: true });
    } catch {
      // gone, or another resident's
    }
    process.exit(code);
  };

  const idleSeconds = Number(process.env.SHEETBOOK_RESIDENT_IDLE_SECONDS) || IDLE_MINUTES * 60;
  let lastRequest = Date.now();
  let busy = false;
  const look = setInterval(() => {
    if (busy) return;
    if (Date.now() - lastRequest > idleSeconds * 1000) end();
    // A rebuilt snapshot means a changed program, whose clients go to a resident of their own; a removed socket
    // means no client can reach this one any more.
    if (fileStamp(blob) !== ownBlob || fileStamp(socketPath) !== ownSocket) end();
  }, Math.min(LOOK_EVERY_MS, idleSeconds * 1000));

  // One command line at a time: each one takes over the process's folder, environment and output.
  let queue = Promise.resolve();

  // While it is young, the resident uses its idle moments to run the made-up sheet of the snapshot through `build`
  // (src/snapshot/warm-up.ts, in a temporary folder), so that V8 has optimised the code before the next correction
  // arrives rather than during it. A round takes a few tens of ms; a request that comes meanwhile waits for it.
  let warmUps = 0;
  let warmUpTimer: NodeJS.Timeout | undefined;
  const warmUpWhenIdle = () => {
    if (warmUps >= WARM_UP_ROUNDS || process.env.SHEETBOOK_RESIDENT_WARM_UP === '0') return;
    clearTimeout(warmUpTimer);
    warmUpTimer = setTimeout(() => {
      queue = queue.then(async () => {
        warmUps++;
        busy = true;
        try {
          warmUpRoot ??= mkdtempSync(join(tmpdir(), 'sheetbook-resident-'));
          await warmUp(warmUpRoot);
        } catch {
          warmUps = WARM_UP_ROUNDS; // nothing to gain from a warm-up that fails
        } finally {
          busy = false;
        }
        warmUpWhenIdle();
      });
    }, WARM_UP_AFTER_IDLE_MS);
  };
  server.on('connection', (client: Socket) => {
    let taken = false;
    receive<Request>(client, (request) => {
      if (taken) return;
      taken = true;
      if ('stop' in request) {
        // After what is under way (a warm-up round, or builds asked for before).
        queue = queue.then(() => {
          client.end();
          end();
        });
        return;
      }
      clearTimeout(warmUpTimer);
      queue = queue.then(() => run({ socket: client, reply: (message) => send(client, message) }, request as RunRequest));
    });
    client.on('error', () => undefined);
  });

  // The bash client's channel: a loopback port, answered only with the token of the port file (which only this user
  // can read). Anyone else who connects is cut off.
  const token = randomBytes(16).toString('hex');
  const shell = createServer((client: Socket) => {
    client.on('error', () => undefined);
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length > MAX_SHELL_REQUEST) return client.destroy();
      const parsed = readShellRequest(received);
      if (!parsed) return;
      client.off('data', onData);
      if (!sameToken(parsed.token, token)) return client.destroy();
      clearTimeout(warmUpTimer);
      queue = queue.then(() => run({ socket: client, reply: (message) => client.write(shellLines(message)) }, parsed.request));
    };
    client.on('data', onData);
  });
  portLine = await new Promise<string | undefined>((resolve) => {
    shell.once('error', () => resolve(undefined));
    shell.listen(0, '127.0.0.1', () => resolve(`${(shell.address() as AddressInfo).port} ${token}\n`));
  });
  if (portLine) {
    // Written whole (beside it, then renamed) and readable by this user only.
    const partial = `${portFile}.${process.pid}`;
    writeFileSync(partial, portLine, { mode: 0o600 });
    renameSync(partial, portFile);
  }

  // Asked to end (a shutdown, kill): as a build's own process would, without its unfinished files.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      removePendingTemporaries();
      end(128 + (signal === 'SIGHUP' ? 1 : signal === 'SIGINT' ? 2 : 15));
    });
  }

  let current: Peer | undefined;
  process.on('uncaughtException', (error) => {
    if (current && !current.socket.destroyed) {
      current.reply({ err: `予期しないエラーが起きました: ${error?.message ?? error}\n` });
      current.reply({ exit: 70 });
      current.socket.end();
    }
    removePendingTemporaries();
    setImmediate(() => end(70));
  });

  async function run(peer: Peer, request: RunRequest): Promise<void> {
    const client = peer.socket;
    if (client.destroyed) return;
    const reply = (message: Reply) => {
      if (!client.destroyed) peer.reply(message);
    };
    const changed = staleness();
    if (changed) {
      reply({ declined: `the program changed (${changed})` });
      client.end();
      end();
    }
    try {
      process.chdir(request.cwd);
    } catch {
      reply({ declined: 'the folder is not there' });
      client.end();
      return;
    }
    busy = true;
    current = peer;
    // The client going away mid-build is its Ctrl+C: do what its own process would have done, and die.
    const abandoned = () => {
      removePendingTemporaries();
      end(130);
    };
    client.once('close', abandoned);
    const saved = { env: process.env, stdout: process.stdout.write, stderr: process.stderr.write, stdoutIsTTY: process.stdout.isTTY, stderrIsTTY: process.stderr.isTTY };
    process.env = request.env;
    process.stdout.write = relay((text) => reply({ out: text }));
    process.stderr.write = relay((text) => reply({ err: text }));
    process.stdout.isTTY = request.stdoutIsTTY;
    process.stderr.isTTY = request.stderrIsTTY;
    let code: number;
    try {
      code = await runCommand(request.argv);
    } finally {
      process.env = saved.env;
      process.stdout.write = saved.stdout;
      process.stderr.write = saved.stderr;
      process.stdout.isTTY = saved.stdoutIsTTY;
      process.stderr.isTTY = saved.stderrIsTTY;
      process.exitCode = undefined;
      process.chdir('/');
      client.off('close', abandoned);
      current = undefined;
      busy = false;
      lastRequest = Date.now();
    }
    reply({ exit: code });
    client.end();
    warmUpWhenIdle();
  }
}

/** A stream's write() that hands the text to `sink` instead. */
function relay(sink: (text: string) => void): typeof process.stdout.write {
  return ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) => {
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) process.nextTick(done);
    return true;
  }) as typeof process.stdout.write;
}
