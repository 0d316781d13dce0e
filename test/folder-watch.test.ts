// The folder watcher under `sheetbook watch` (src/commands/folder-watch.ts), on its own: what watch.runner relies on.
// Every write to a file is followed by an event naming it (however soon after the one before: the runner checks a
// sheet again only when told it changed), and so are renames over a file, removals, and files in folders made or
// replaced after the start.
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderWatch, type WatchedFolder } from '../src/commands/folder-watch';

/** Generous: a slow machine is never mistaken for a failure. */
const WAIT_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const open: FolderWatch[] = [];
afterEach(() => {
  for (const w of open.splice(0)) w.close();
});

/** A watcher of `folders` that notes when each path was named. */
async function watching(folders: WatchedFolder[]) {
  const events: { path: string; at: number }[] = [];
  const w = new FolderWatch(folders, (path) => events.push({ path, at: performance.now() }));
  open.push(w);
  await w.ready;
  /** Resolves once `path` has been named after `since` (performance.now()); rejects after WAIT_MS. */
  const namedAfter = async (path: string, since: number) => {
    const started = performance.now();
    while (!events.some((e) => e.path === path && e.at > since)) {
      if (performance.now() - started > WAIT_MS) throw new Error(`${path} not named after the write (events: ${JSON.stringify(events.map((e) => e.path))})`);
      await sleep(2);
    }
  };
  return { events, namedAfter };
}

const folder = () => mkdtempSync(join(tmpdir(), 'sheetbook-folder-watch-'));

describe('FolderWatch', () => {
  it('names a file after every write, however soon after the one before', async () => {
    const dir = folder();
    const file = join(dir, '087.yaml');
    writeFileSync(file, 'a: 0\n');
    const { namedAfter } = await watching([{ dir }]);
    // Saves 15 ms apart (an editor's second write, a save just after a rebuild): each is seen.
    for (let i = 1; i <= 4; i++) {
      const at = performance.now();
      writeFileSync(file, `a: ${i}\n`);
      await namedAfter(file, at);
      await sleep(15);
    }
  });

  it('names a file renamed over another, a removed file, and writes to the file that took its place', async () => {
    const dir = folder();
    const file = join(dir, '087.yaml');
    writeFileSync(file, 'a: 0\n');
    const { namedAfter } = await watching([{ dir }]);
    let at = performance.now();
    writeFileSync(join(dir, '.087.yaml.tmp'), 'a: 1\n');
    renameSync(join(dir, '.087.yaml.tmp'), file);
    await namedAfter(file, at);
    // The new file (a new inode) is watched too.
    await sleep(15);
    at = performance.now();
    writeFileSync(file, 'a: 2\n');
    await namedAfter(file, at);
    at = performance.now();
    unlinkSync(file);
    await namedAfter(file, at);
  });

  it('watches subfolders made after the start, and a folder replaced whole', async () => {
    const dir = folder();
    const { namedAfter } = await watching([{ dir, recursive: true }]);
    const sub = join(dir, 'partials');
    let at = performance.now();
    mkdirSync(sub);
    await namedAfter(sub, at);
    await sleep(15);
    at = performance.now();
    writeFileSync(join(sub, 'a.hbs'), 'a');
    await namedAfter(join(sub, 'a.hbs'), at);
    // Replaced as a checkout does: the old folder moved away, a new one made, the old one removed.
    renameSync(sub, `${sub}.old`);
    mkdirSync(sub);
    writeFileSync(join(sub, 'a.hbs'), 'b');
    rmSync(`${sub}.old`, { recursive: true });
    await sleep(50);
    at = performance.now();
    writeFileSync(join(sub, 'a.hbs'), 'c');
    await namedAfter(join(sub, 'a.hbs'), at);
  });

  it('watches a folder that appears after the start', async () => {
    const parent = folder();
    const dir = join(parent, '2022');
    const { namedAfter } = await watching([{ dir: parent }, { dir }]);
    mkdirSync(dir);
    await sleep(50);
    const at = performance.now();
    writeFileSync(join(dir, '087.yaml'), 'a: 1\n');
    await namedAfter(join(dir, '087.yaml'), at);
  });
});
