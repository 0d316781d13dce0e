// Folders watched for saves, for `sheetbook watch`: chokidar (v4), which watches each folder and each file in it
// (fs.watch, inotify on Linux), follows files replaced by a rename and folders made or replaced after the start,
// and names each entry created, written, renamed over or removed.
import { FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface WatchedFolder {
  dir: string;
  /** Its subfolders too. */
  recursive?: boolean;
}

/** Hidden entries (`.git`, caches, editors' `.087.yaml.swp`) and installed packages are never part of what is watched. */
const SKIPPED = (name: string) => name.startsWith('.') || name === 'node_modules';

export class FolderWatch {
  private readonly watcher: FSWatcher;
  /** Resolves once every folder there is is watched; rejects with the error that kept one from being watched. */
  readonly ready: Promise<void>;

  /**
   * `onEvent` gets the absolute path of each entry named by an event (a file or a folder, which may already be
   * gone). Folders that do not exist are watched from the moment they appear.
   */
  constructor(folders: WatchedFolder[], onEvent: (path: string) => void) {
    const roots = new Set(folders.map((f) => resolve(f.dir)));
    const alone = new Set(folders.filter((f) => !f.recursive).map((f) => resolve(f.dir)));
    // One watcher for all (chokidar's depth is one per watcher, and a folder watched at depth 0 does not watch a
    // watched folder that appears in it): the subfolders of a folder watched alone are left out by `ignored`.
    const ignored = (path: string, stats?: Stats) => {
      const full = resolve(path);
      if (roots.has(full)) return false;
      if (SKIPPED(basename(full))) return true;
      return alone.has(dirname(full)) && stats?.isDirectory() === true && ![...roots].some((root) => root.startsWith(`${full}/`));
    };
    this.watcher = new FSWatcher({
      ignoreInitial: true,
      persistent: true,
      // Our own handling of saves by rename (watch.runner's SETTLE_MS): chokidar's would hold a removal back 100 ms.
      atomic: false,
      ...(process.env.SHEETBOOK_CHOKIDAR_PLAIN ? {} : { awaitWriteFinish: { stabilityThreshold: 1, pollInterval: 1 } }),
      ignored,
    });
    this.watcher.on('all', (_event, path) => onEvent(resolve(path)));
    this.ready = new Promise<void>((done, fail) => {
      this.watcher.once('ready', done);
      this.watcher.once('error', fail);
    });
    // After the start, a folder that cannot be watched (removed meanwhile) is watched again when it comes back.
    this.watcher.on('error', () => undefined);
    this.ready.catch(() => this.close());
    this.watcher.add([...roots]);
  }

  close(): void {
    void this.watcher.close();
  }
}
