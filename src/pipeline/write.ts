// Stage 6 — output: files appear whole or not at all.
// Each file is written to a temporary file beside it, every byte checked and flushed to the disk, then renamed into
// place. A command that writes several files (booklet, publish, errata) stages them all first and renames them only
// when every one is complete: a disk that fills up half-way, a failing device or a file held open changes nothing.
import {
  closeSync,
  copyFileSync,
  existsSync,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** `.<name>.<pid>.tmp`: a file being written; `.<name>.<pid>.old`: the file it replaces, kept until all are in place. */
const TEMP = /^\.(.+)\.([0-9]+)\.(tmp|old)$/;
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
 * A file that could not be written or put in place. `path` is the file the user asked for (never the temporary
 * one); `code` and `syscall` are the file system's; `together` is how many files the command was writing at once,
 * none of which was changed. src/model/errors.ts turns it into the Japanese message.
 */
export class WriteFailure extends Error {
  readonly code: string;
  readonly syscall: string;
  constructor(
    readonly path: string,
    cause: unknown,
    readonly together: number,
  ) {
    const e = cause as NodeJS.ErrnoException;
    super(`${path}: ${e?.message ?? cause}`, { cause });
    this.name = 'WriteFailure';
    this.code = typeof e?.code === 'string' ? e.code : 'EIO';
    this.syscall = e?.syscall ?? 'write';
  }
}

/** The error of a write the file system took without an error but without a byte, twice in a row. */
const stalled = () => Object.assign(new Error('the write took no bytes'), { code: 'ESHORTWRITE', syscall: 'write' });

/** Write every byte: a write may take fewer than asked (a disk filling up, a signal); carry on until all are in. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  let idle = 0;
  while (offset < bytes.byteLength) {
    const written = writeSync(fd, bytes, offset, bytes.byteLength - offset);
    if (written > 0) {
      offset += written;
      idle = 0;
    } else if (++idle >= 2) {
      throw stalled();
    }
  }
}

/** Flush a folder's entries (the renames in it) to the disk, where the system allows it (not on Windows). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // a folder cannot be opened or flushed here: the renames are as durable as the system makes them
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const tempFor = (target: string, kind: 'tmp' | 'old') => join(dirname(target), `.${basename(target)}.${process.pid}.${kind}`);

/** Remove the folders made for `target` (from its own up to `made`, the first one made), those left empty. */
function removeMadeFolders(target: string, made: string | undefined): void {
  if (!made) return;
  const top = resolve(made);
  for (let dir = resolve(dirname(target)); dir.startsWith(top); dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (or gone): what is above it stays too
    }
    if (dir === top) return;
  }
}

/**
 * Write `bytes` to a new temporary file beside `target`, all of them, flushed unless `durable` is false. `made` is
 * the first folder made for it, if any, to be removed again when nothing is put in place.
 */
function writeTemporary(target: string, bytes: Uint8Array, durable: boolean, mode?: number): { temp: string; made?: string } {
  const made = mkdirSync(dirname(target), { recursive: true });
  const temp = tempFor(target, 'tmp');
  pending.add(temp);
  try {
    const fd = openSync(temp, 'w', mode);
    try {
      writeAll(fd, bytes);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return { temp, made };
  } catch (error) {
    rmSync(temp, { force: true });
    pending.delete(temp);
    removeMadeFolders(target, made);
    throw error;
  }
}

interface Staged {
  target: string;
  temp: string;
  /** The file it replaces, linked (or copied) aside while the renames run, to be put back if one fails. */
  old?: string;
  /** Renamed into place. */
  placed?: boolean;
  /** The first folder made for it (removed again if nothing is put in place). */
  made?: string;
  onCommit?: () => void;
}

/**
 * Files written together or not at all. `stage` writes each to its temporary file at once (so the bytes need not be
 * kept in memory); `commit` puts them all in place, and if one cannot be put in place, puts back the ones already
 * replaced. Any failure removes every temporary file and throws a WriteFailure naming the file; `abort` gives up.
 */
export class FileTransaction {
  private readonly staged: Staged[] = [];
  private readonly durable: boolean;
  private readonly mode: number | undefined;

  /** `mode`: the permissions of the files made (0o600 for data/users.yaml); the system's default without it. */
  constructor({ durable = true, mode }: { durable?: boolean; mode?: number } = {}) {
    this.durable = durable;
    this.mode = mode;
  }

  get size(): number {
    return this.staged.length;
  }

  /** Write `bytes` for `target` (not yet in place). `onCommit` runs once every file is in place. */
  stage(target: string, bytes: Buffer | Uint8Array, onCommit?: () => void): void {
    const again = this.staged.findIndex((s) => s.target === target);
    if (again >= 0) this.staged.splice(again, 1); // the same file twice: the later bytes (its temporary file is rewritten)
    try {
      this.staged.push({ target, ...writeTemporary(target, bytes, this.durable, this.mode), onCommit });
    } catch (error) {
      const together = this.staged.length + 1;
      this.abort();
      throw new WriteFailure(target, error, together);
    }
  }

  /** Put every staged file in place, in the order staged; all or none. */
  commit(): void {
    const together = this.staged.length;
    let current: Staged | undefined;
    try {
      if (together > 1) {
        for (const s of this.staged) {
          current = s;
          s.old = this.keepAside(s.target);
        }
      }
      for (const s of this.staged) {
        current = s;
        renameSync(s.temp, s.target);
        pending.delete(s.temp);
        s.placed = true;
      }
    } catch (error) {
      this.putBack();
      throw new WriteFailure(current!.target, error, together);
    }
    if (this.durable) for (const dir of new Set(this.staged.map((s) => dirname(s.target)))) syncFolder(dir);
    for (const s of this.staged) if (s.old) rmSync(s.old, { force: true });
    const done = this.staged.splice(0);
    for (const s of done) s.onCommit?.();
  }

  /** Remove every temporary file; nothing was put in place. */
  abort(): void {
    for (const s of this.staged.splice(0).reverse()) {
      rmSync(s.temp, { force: true });
      pending.delete(s.temp);
      removeMadeFolders(s.target, s.made);
    }
  }

  /** A second name for the file `target` replaces (a copy where links are not possible), or undefined when none. */
  private keepAside(target: string): string | undefined {
    let isFile: boolean;
    try {
      isFile = lstatSync(target).isFile();
    } catch {
      return undefined; // a new file
    }
    // A folder (or anything else) in the way: the rename below fails and names it.
    if (!isFile) return undefined;
    const old = tempFor(target, 'old');
    rmSync(old, { force: true });
    pending.add(old);
    try {
      linkSync(target, old);
    } catch {
      copyFileSync(target, old);
    }
    return old;
  }

  /** After a failed commit: the files already replaced get their old contents back; new ones go. */
  private putBack(): void {
    for (const s of this.staged.splice(0).reverse()) {
      try {
        if (s.placed && s.old) renameSync(s.old, s.target);
        else if (s.placed) unlinkSync(s.target);
      } catch {
        // left as the new file, whole
      }
      for (const file of [s.temp, s.old]) {
        if (!file) continue;
        rmSync(file, { force: true });
        pending.delete(file);
      }
      removeMadeFolders(s.target, s.made);
    }
  }
}

/**
 * Write one file whole or not at all: a temporary file beside it, every byte checked and flushed, then renamed into
 * place (atomic on one file system) and its folder flushed. `durable: false` skips the flushes, for caches that are
 * only ever a shortcut: a crash may lose such a file, but no failure leaves part of one. Throws a WriteFailure.
 */
export function writeFileAtomic(target: string, bytes: Buffer | Uint8Array, { durable = true, mode }: { durable?: boolean; mode?: number } = {}): void {
  const transaction = new FileTransaction({ durable, mode });
  transaction.stage(target, bytes);
  transaction.commit();
}

/**
 * Write a file that must not exist yet (a new sheet): whole or not at all, and never over a file that appeared in the
 * meantime (EEXIST, as the `wx` flag). Throws a WriteFailure.
 */
export function writeNewFile(target: string, bytes: Buffer | Uint8Array): void {
  let temp: string;
  try {
    ({ temp } = writeTemporary(target, bytes, true));
  } catch (error) {
    throw new WriteFailure(target, error, 1);
  }
  try {
    try {
      linkSync(temp, target); // fails with EEXIST rather than replace
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || existsSync(target)) throw error;
      renameSync(temp, target); // a file system without links
    }
    syncFolder(dirname(target));
  } catch (error) {
    throw new WriteFailure(target, error, 1);
  } finally {
    rmSync(temp, { force: true });
    pending.delete(temp);
  }
}

/**
 * Append one record (a line ending in `\n`) to a log such as data/<year>/history.jsonl, in one write of the whole
 * line to a file opened for appending (O_APPEND: concurrent appends never interleave), flushed to the disk before it
 * returns. A line torn by an earlier kill is closed first with a `\n` of its own, so that it never runs into this one:
 * its reader skips the torn line and reads every other whole. Throws a WriteFailure naming the log.
 */
export function appendRecord(target: string, line: string): void {
  if (!line.endsWith('\n') || line.indexOf('\n') !== line.length - 1) throw new Error('appendRecord: one line ending in \\n');
  let fd: number | undefined;
  try {
    const created = !existsSync(target);
    if (created) mkdirSync(dirname(target), { recursive: true });
    fd = openSync(target, 'a+');
    const size = fstatSync(fd).size;
    let torn = false;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      torn = last[0] !== 0x0a;
    }
    writeAll(fd, Buffer.from(torn ? `\n${line}` : line, 'utf8'));
    fsyncSync(fd);
    if (created) syncFolder(dirname(target));
  } catch (error) {
    throw new WriteFailure(target, error, 1);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
