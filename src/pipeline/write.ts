// Stage 6 — output: files appear whole or not at all.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const TEMP = /^\.(.+)\.([0-9]+)\.tmp$/;
const pending = new Set<string>();

/**
 * Remove the temporary files of writes still under way in this process. For the program's own signal handlers
 * (on Ctrl+C or a polite kill); a library installs none. A hard kill is tidied by the next run.
 */
export function removePendingTemporaries(): void {
  for (const temp of pending) rmSync(temp, { force: true });
  pending.clear();
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove temporary files left by runs that were killed outright. */
export function removeStaleTemporaries(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const match = TEMP.exec(name);
    if (match && !processIsAlive(Number(match[2]))) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Write to a temporary file beside the target, flush it, then rename it into place (atomic on one file system).
 * `durable: false` skips the flush to disk, for caches that are only ever a shortcut.
 */
export function writeFileAtomic(target: string, bytes: Buffer | Uint8Array, { durable = true } = {}): void {
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(target)}.${process.pid}.tmp`);
  pending.add(temp);
  try {
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, bytes);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  } finally {
    pending.delete(temp);
  }
}
