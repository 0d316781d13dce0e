// The resident process's channel (src/resident/): where its socket is, and what the two ends say to each other.
// `sheetbook build` on Linux and macOS hands its command line to a process that stays running between builds, started
// from the start-up snapshot and already warm (src/resident/server.ts); the client (src/resident/client.ts) relays its
// output and exit code. This module is loaded by the client on every build: node's own modules only.
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';

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
  let stamp: string;
  try {
    const s = statSync(blob, { bigint: true });
    stamp = `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return undefined;
  }
  const key = fnv1a(`${blob}\n${stamp}\n${process.version}\n${process.execPath}`);
  const path = join(residentDir(), `${key}.sock`);
  return Buffer.byteLength(path) <= MAX_SOCKET_PATH ? path : undefined;
}

/** A 64-bit FNV-1a hash in hex: a name, not a secret (and node:crypto would cost the client a few ms to load). */
function fnv1a(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
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
