// `sheetbook build` and `validate` on Linux and macOS, when the bash client (src/resident/client.bash) finds no
// resident, or there is no bash: hand the command line to the resident process (src/resident/server.ts) over its Unix
// socket and relay its output and exit code, starting the resident first when there is none. Run as
// `node dist/resident/client.js <snapshot blob> <inode of the node that made it> <dist/cli.js> build …` (by the
// launcher at the top of dist/cli.js, or by the bash client); the resident is used when the start-up snapshot is.
// Whenever the resident cannot serve — it will not start, its program changed, it went away before answering — the
// command runs in a process of its own (from the snapshot when it can), as it would without a resident. Only node's
// own modules are loaded here, and only those a run that the resident serves needs.
import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { folderState, receive, residentSocket, send, type Reply } from './channel';

const [blob, nodeInode, cli, ...argv] = process.argv.slice(2);

/**
 * The launcher's own test, made here at no cost of its own (it is `node` on PATH that runs this file): the snapshot is
 * there and was made by this very node (same inode, not newer than the snapshot). Otherwise node would refuse it.
 */
function snapshotUsable(): boolean {
  try {
    const node = statSync(process.execPath);
    return String(node.ino) === nodeInode && node.mtimeMs <= statSync(blob).mtimeMs;
  } catch {
    return false;
  }
}
/** How long a resident may take to start before the client gives up on it and runs the build itself. */
const START_TIMEOUT_MS = 20_000;
const RETRY_MS = 5;

/** The build in a process of its own, started from the snapshot as the launcher would have. */
function runHere(): void {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const snapshot = snapshotUsable() ? ['--snapshot-blob', blob] : [];
  const child = spawnSync(process.execPath, [...snapshot, cli, ...argv], { stdio: 'inherit', env: { ...process.env, SHEETBOOK_RESIDENT: '0' } });
  if (child.signal) process.kill(process.pid, child.signal);
  process.exitCode = child.status ?? 70;
}

function startResident(socketPath: string): ChildProcess {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const child = spawn(process.execPath, ['--snapshot-blob', blob, cli], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, SHEETBOOK_RESIDENT_SOCKET: socketPath, SHEETBOOK_RESIDENT_BLOB: blob },
  });
  child.unref();
  return child;
}

function ask(socket: Socket): void {
  let answered = false;
  let relayed = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // Ctrl+C: the resident sees this client go and tidies up as this process would; then die of the same signal.
    socket.destroy();
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  receive<Reply>(socket, (reply) => {
    if ('out' in reply) {
      relayed = true;
      process.stdout.write(reply.out);
    } else if ('err' in reply) {
      relayed = true;
      process.stderr.write(reply.err);
    } else if ('exit' in reply) {
      answered = true;
      if (process.env.SHEETBOOK_DEBUG) console.error('sheetbook: served by the resident process');
      process.exitCode = reply.exit;
      socket.destroy();
    } else if ('declined' in reply) {
      answered = true;
      if (process.env.SHEETBOOK_DEBUG) console.error(`sheetbook: the resident process declined (${reply.declined}); running here`);
      socket.destroy();
      runHere();
    }
  });
  const lost = () => {
    if (answered) return;
    answered = true;
    if (!relayed) return runHere();
    console.error('sheetbook の常駐プロセスが、処理の途中で終わりました。もう一度実行してください。');
    process.exitCode = 70;
  };
  socket.on('close', lost);
  socket.on('error', () => undefined);
  send(socket, { argv, cwd: process.cwd(), env: process.env, stdoutIsTTY: process.stdout.isTTY === true, stderrIsTTY: process.stderr.isTTY === true });
}

function main(): void {
  const socketPath = snapshotUsable() ? residentSocket(blob) : undefined;
  if (!socketPath) return runHere();
  let resident: 'none' | 'starting' | 'ended' = 'none';
  let gaveUp = false;
  const started = Date.now();
  const giveUp = () => {
    gaveUp = true;
    runHere();
  };
  const attempt = () => {
    if (folderState(dirname(socketPath)) === 'foreign') return giveUp();
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      ask(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (gaveUp) return;
      const none = error.code === 'ENOENT' || error.code === 'ECONNREFUSED';
      // A resident that ended without serving (the program changed, no private folder) and no other one answering.
      if (!none || resident === 'ended' || Date.now() - started > START_TIMEOUT_MS) return giveUp();
      if (resident === 'none') {
        resident = 'starting';
        startResident(socketPath).once('exit', () => {
          resident = 'ended';
        });
      }
      setTimeout(attempt, RETRY_MS);
    });
  };
  attempt();
}

main();
