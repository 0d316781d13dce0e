// Folders watched for saves, for `sheetbook watch`. Each folder has its own fs.watch (inotify on Linux), which
// names every entry of the folder that is created, written, renamed over or removed — so a file replaced by a
// rename (vim's backupcopy=no, VS Code, sheetbook's own atomic writes) is seen like one written in place.
// Node 20's recursive fs.watch is not used: on Linux it watches each file on its own, loses sight of a file once it
// has been replaced by a rename, and names files relative to the working directory.
//
// Why not chokidar (issue 20, point 6). chokidar 4.0.3 was tried in this module's place (commit 45ff432; its best
// setting found: one watcher for all folders, awaitWriteFinish at 1 ms) and measured. It loses what `watch` needs:
// - It names a change only after an fs.stat of its own (and, with awaitWriteFinish, a poll), so the events of a
//   change are not yet in when watch.runner takes in what came during a round (one turn of the event loop): a
//   template changed while a sheet was being checked came too late, and the sheet was printed with the templates
//   of before (test/watch.test.ts "never prints a sheet with the templates of before": fails 3 runs out of 3).
// - Without awaitWriteFinish it drops a change to a file that comes within 50 ms of the one before (a throttle
//   written into chokidar, not an option): writes 15 ms apart were not all named (test/folder-watch.test.ts "after
//   every write"). watch would miss such a save whenever it lands after the check of the one before is confirmed.
// - It watches every file: for a year of 1,000 sheets, 1,028 inotify watches against these 5; start-up to
//   "監視しています" 590-695 ms against 350-620 ms; 85 MB resident against 77 MB. And it starts asynchronously
//   (startWatch would have to wait for its 'ready').
// (A folder replaced whole under the same name is followed, but chokidar names the files in it, not the folder.)
// Nor is it faster. `BENCH_ONLY=watch BENCH_WATCH_BASELINE=<the other build>/dist/cli.js npm run bench`, the two
// builds' saves in turn, on a shared 2-core machine; median save→PDF (ms), then the CPU of the watch thread (ms),
// for 1 sheet written / renamed into place, 2 sheets in turn written / renamed; chokidar | ours:
//   run 1 (load 9):   87 57 100 92, cpu 36 32 35 33  |  92 80 56 123, cpu 37 33 35 33
//   run 2 (swapped):  58 54 49 55,  cpu 34 33 33 30  |  51 55 54 49,  cpu 32 30 31 30
//   run 4:            50 39 43 60,  cpu 33 29 31 30  |  45 40 39 78,  cpu 30 28 29 29
//   run 3, chokidar without awaitWriteFinish: 59 55 70 55, cpu 33 30 31 31  |  53 55 54 47, cpu 32 30 31 30
// The medians move with the machine's load (the wait for a core is 5-80 ms of them); the CPU is the same or
// 1-3 ms more per save with chokidar. So this module stays: 120 lines, no dependency.
import { watch, readdirSync, statSync, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';

export interface WatchedFolder {
  dir: string;
  /** Its subfolders too (found again whenever one is created, renamed or removed). */
  recursive?: boolean;
}

interface Watch {
  watcher: FSWatcher;
  /** The folder's inode: a folder removed and made again (a checkout) is a new folder and is watched anew. */
  ino: number;
}

/** Hidden folders (`.git`, caches) and installed packages are never part of what is watched. */
const SKIPPED_FOLDER = (name: string) => name.startsWith('.') || name === 'node_modules';

export class FolderWatch {
  private readonly watches = new Map<string, Watch>();
  private closed = false;
  /** Resolves once every folder there is is watched: at once, as the constructor watches them before it returns. */
  readonly ready: Promise<void> = Promise.resolve();

  /**
   * `onEvent` gets the absolute path of each entry named by an event (a file or a folder, which may already be
   * gone). Folders that do not exist are watched from the moment they appear in a watched folder.
   */
  constructor(
    private readonly folders: WatchedFolder[],
    private readonly onEvent: (path: string) => void,
  ) {
    const failures = this.sync();
    if (failures.length > 0) {
      this.close();
      throw failures[0];
    }
  }

  /** The folders watched now (absolute). */
  get watching(): string[] {
    return [...this.watches.keys()];
  }

  /** Every folder that should be watched, as it is on disk now. */
  private wanted(): Map<string, number> {
    const found = new Map<string, number>();
    const visit = (dir: string, recursive: boolean) => {
      let ino: number;
      try {
        const stat = statSync(dir);
        if (!stat.isDirectory()) return;
        ino = stat.ino;
      } catch {
        return; // not there (yet)
      }
      found.set(dir, ino);
      if (!recursive) return;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) if (entry.isDirectory() && !SKIPPED_FOLDER(entry.name)) visit(join(dir, entry.name), true);
    };
    for (const folder of this.folders) visit(resolve(folder.dir), folder.recursive ?? false);
    return found;
  }

  /**
   * Watch the folders there are now, stop watching those that are gone or were replaced. Gives the errors of folders
   * that could not be watched (at start, they stop the command; later, the folder is tried again on the next event).
   */
  private sync(): Error[] {
    const failures: Error[] = [];
    if (this.closed) return failures;
    const wanted = this.wanted();
    for (const [dir, current] of this.watches) {
      if (wanted.get(dir) !== current.ino) {
        current.watcher.close();
        this.watches.delete(dir);
      }
    }
    for (const [dir, ino] of wanted) {
      if (this.watches.has(dir)) continue;
      let watcher: FSWatcher;
      try {
        watcher = watch(dir, { persistent: true }, (type, name) => this.event(dir, type, name));
      } catch (error) {
        failures.push(error as Error);
        continue;
      }
      // A folder removed while watched: forget it; the next event of its parent watches it again if it comes back.
      watcher.on('error', () => {
        watcher.close();
        if (this.watches.get(dir)?.watcher === watcher) this.watches.delete(dir);
      });
      this.watches.set(dir, { watcher, ino });
    }
    return failures;
  }

  private event(dir: string, type: string, name: string | Buffer | null): void {
    if (this.closed) return;
    // An entry created, renamed or removed may be a folder to watch (or one to stop watching).
    if (type === 'rename' || name === null) this.sync();
    this.onEvent(name === null ? dir : join(dir, name.toString()));
  }

  close(): void {
    this.closed = true;
    for (const { watcher } of this.watches.values()) watcher.close();
    this.watches.clear();
  }
}
