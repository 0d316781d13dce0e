// The resident process's channels (src/resident/): where a client finds it, and what the two ends say to each other.
// `sheetbook build` and `validate` on Linux and macOS hand their command line to a process that stays running between
// runs, started from the start-up snapshot and already warm (src/resident/server.ts); a client relays its output and
// exit code. Two clients, two channels:
//   - src/resident/client.bash, the usual one: bash alone (no node to start), over a loopback TCP port that the
//     resident writes, with a secret token, into a file only the user can read. Request: NUL-separated fields; reply:
//     one line per piece of output (shellLines).
//   - src/resident/client.ts, node, when there is no resident yet (it starts one) or no bash: over the resident's
//     Unix socket, one JSON object per line each way.
// This module is loaded by the node client on every run: node's own modules only.
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { stamp } from '../snapshot/freshness';

/** One command line to run, with what the client's process would have run it with. */
export interface RunRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether the client's stdout and stderr are terminals (the progress bar is drawn only on one). */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
}

/** Ask the resident process to end (tests and the bench end theirs). */
export interface StopRequest {
  stop: true;
}

export type Request = RunRequest | StopRequest;

export type Reply =
  /** Text the command wrote to stdout or stderr. */
  | { out: string }
  | { err: string }
  /** The command ended with this exit code. */
  | { exit: number }
  /** The resident will not run it (its program changed on disk, or the folder is gone): the client runs it itself. */
  | { declined: string };

/**
 * The folder of the user's resident sockets: the system's temporary folder, one folder per user, that only that user
 * may enter (the server checks both before it listens).
 */
export function residentDir(): string {
  return join(tmpdir(), `sheetbook-${process.getuid?.() ?? 'user'}`);
}

/**
 * Whether `dir` is a folder of this user's that no one else may enter: 'missing' when there is none yet. A socket
 * in a folder that someone else could have made is never used (the server would not listen there either).
 */
export function folderState(dir: string): 'private' | 'missing' | 'foreign' {
  try {
    const s = statSync(dir);
    return s.isDirectory() && s.uid === process.getuid?.() && (s.mode & 0o077) === 0 ? 'private' : 'foreign';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'foreign';
  }
}

// Unix socket paths longer than this are refused by some systems (the limit is 104 bytes on macOS).
const MAX_SOCKET_PATH = 100;

/**
 * The socket of the resident process made from the snapshot `blob` by this node: a rebuilt snapshot (a changed
 * program) or another node has another socket, so a client never reaches a resident of another program. Undefined
 * when there is no snapshot, or the path would be too long for a socket.
 */
export function residentSocket(blob: string): string | undefined {
  const identity = stamp(blob);
  if (identity === 'missing') return undefined;
  const key = fnv1a(`${blob}\n${identity}\n${process.version}\n${process.execPath}`);
  const path = join(residentDir(), `${key}.sock`);
  return Buffer.byteLength(path) <= MAX_SOCKET_PATH ? path : undefined;
}

/** A 64-bit FNV-1a hash in hex: a name, not a secret (and node:crypto would cost the client a few ms to load). */
function fnv1a(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

/**
 * The name of the port file of the residents of the snapshot at `blob` run by `node`, for the bash client: the launcher
 * has it written in (src/build/build-snapshot.ts), as bash cannot hash. The file says which resident was started
 * last; a resident of an older program declines (it checks the program's files before every request).
 */
export function portFileKey(blob: string, node: string): string {
  return fnv1a(`${blob}\n${node}`);
}

/**
 * The bash client's request: NUL-separated fields — token, folder, stdout and stderr terminal flags (1/0), the
 * argument count and the arguments, the environment count and NAME=value entries. Undefined until all have arrived.
 */
export function readShellRequest(bytes: Buffer): { token: string; request: RunRequest } | undefined {
  let start = 0;
  const next = (): string | undefined => {
    const end = bytes.indexOf(0, start);
    if (end < 0) return undefined;
    const field = bytes.toString('utf8', start, end);
    start = end + 1;
    return field;
  };
  const [token, cwd, stdoutTTY, stderrTTY, argc] = [next(), next(), next(), next(), next()];
  if (argc === undefined) return undefined;
  const argv: string[] = [];
  for (let i = 0; i < Number(argc); i++) {
    const arg = next();
    if (arg === undefined) return undefined;
    argv.push(arg);
  }
  const envc = next();
  if (envc === undefined) return undefined;
  const env: Record<string, string> = {};
  for (let i = 0; i < Number(envc); i++) {
    const entry = next();
    if (entry === undefined) return undefined;
    const at = entry.indexOf('=');
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return { token: token!, request: { argv, cwd: cwd!, env, stdoutIsTTY: stdoutTTY === '1', stderrIsTTY: stderrTTY === '1' } };
}

/**
 * A reply as the bash client reads it, a line at a time: `o`/`e` and a line of stdout/stderr, `p`/`f` and text without
 * its end of line (the rest follows), `x` and the exit code, `d` and why the resident declined.
 */
export function shellLines(reply: Reply): string {
  if ('exit' in reply) return `x${reply.exit}\n`;
  if ('declined' in reply) return `d${reply.declined.replace(/\n/g, ' ')}\n`;
  const [whole, partial, text] = 'out' in reply ? ['o', 'p', reply.out] : ['e', 'f', reply.err];
  const lines = text.split('\n');
  const last = lines.pop()!;
  return lines.map((line) => `${whole}${line}\n`).join('') + (last ? `${partial}${last}\n` : '');
}

export function send(socket: Socket, message: Request | Reply): void {
  socket.write(`${JSON.stringify(message)}\n`);
}

/** Call `onMessage` with each message that arrives on `socket` (one JSON object per line). */
export function receive<T>(socket: Socket, onMessage: (message: T) => void): void {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      let message: T;
      try {
        message = JSON.parse(line) as T;
      } catch {
        socket.destroy(new Error('unreadable message'));
        return;
      }
      onMessage(message);
    }
  });
}
