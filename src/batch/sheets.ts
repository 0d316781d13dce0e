// Process many sheets: reuse what the cache has, spread the rest over the machine's cores, report progress.
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker as WorkerThread } from 'node:worker_threads';
import type { RenderCache } from './cache';
import type { Workspace } from '../pipeline/sheet';
import { checkOnly, processSheet, type SheetResult } from './sheet-job';

export interface Progress {
  start(total: number): void;
  advance(result: SheetResult): void;
  finish(): void;
}

// Below this many sheets to render, starting worker threads costs more than it saves.
const WORKER_THRESHOLD = 8;
// The compiled worker entry (src/worker.ts). Run from TypeScript sources (the tests), there is none, and sheets are
// processed in this thread instead: the same code, without the parallelism.
let WORKER_SCRIPT = join(__dirname, '..', 'worker.js');

/** The bundled program (src/program.ts) starts its workers from its own loader, so that they run the same code. */
export function useWorkerScript(file: string): void {
  WORKER_SCRIPT = file;
}
// A worker keeps some 30 MB alive (fonts, one sheet's pages), but left alone V8 lets each heap grow to 150 MB and
// more before collecting: with a ceiling it collects sooner, and a booklet of 1,000 sheets stays within 512 MB.
const WORKER_LIMITS = { maxOldGenerationSizeMb: 192 };

function restoreBuffers(result: SheetResult): SheetResult {
  if (result.rendered) {
    for (const page of result.rendered.pages) page.content = Buffer.from(page.content.buffer, page.content.byteOffset, page.content.byteLength);
  }
  return result;
}

async function inWorkers(
  files: string[],
  dataDir: string,
  templatesDir: string | undefined,
  render: boolean,
  onResult: (i: number, r: SheetResult) => void,
  here?: () => ((file: string) => SheetResult) | undefined,
) {
  const threads = Math.max(1, Math.min(availableParallelism(), Math.ceil(files.length / WORKER_THRESHOLD)));
  // With `here`, this thread takes sheets too, as one of the threads: one worker fewer to start.
  const count = here ? Math.max(1, threads - 1) : threads;
  // Sheets per message: checking one takes a few milliseconds, and a message costs a fraction of one.
  const batch = render ? 1 : 4;
  let next = 0;
  const helping = async () => {
    const check = here?.();
    if (!check) return; // the workers do it all
    while (next < files.length) {
      const id = next++;
      onResult(id, check(files[id]));
      await new Promise((resolve) => setImmediate(resolve)); // take in the workers' results, send them more
    }
  };
  const working = Array.from({ length: count }, () => {
    return new Promise<void>((done, fail) => {
      // Loaded when first needed, not with this module: a one-sheet build starts no worker.
      const { Worker } = require('node:worker_threads') as { Worker: typeof WorkerThread };
      const worker = new Worker(WORKER_SCRIPT, { workerData: { dataDir, templatesDir }, resourceLimits: WORKER_LIMITS });
      let open = 0;
      let ended = false;
      const send = () => {
        if (next >= files.length) {
          if (open === 0 && !ended) {
            ended = true;
            void worker.terminate().then(() => done());
          }
          return;
        }
        const ids = Array.from({ length: Math.min(batch, files.length - next) }, () => next++);
        open++;
        worker.postMessage({ ids, files: ids.map((id) => files[id]), render });
      };
      worker.on('message', (message: { ids: number[]; results: SheetResult[] }) => {
        open--;
        send();
        message.ids.forEach((id, k) => onResult(id, restoreBuffers(message.results[k])));
      });
      worker.on('error', fail);
      // Two messages in flight per worker, so that it starts the next while this thread takes in the last.
      send();
      send();
    });
  });
  // The workers first: they start loading while this thread opens its workspace.
  await Promise.all([...working, helping()]);
}

/** Whether this many sheets are worth worker threads (and there are workers to start). */
export function worthWorkers(count: number): boolean {
  return count >= WORKER_THRESHOLD && existsSync(WORKER_SCRIPT);
}

/**
 * Check sheets in worker threads (for validate): the workers start at once. With `here` (which opens this thread's
 * workspace, or gives undefined when it cannot), this thread checks sheets as well, in place of one worker: it has
 * the program loaded already, and a worker must first load it. Rejects when a worker cannot open its workspace
 * (templates/layout.yaml wrong).
 */
export async function checkInWorkers(
  files: string[],
  dataDir: string,
  templatesDir?: string,
  here?: () => ((file: string) => SheetResult) | undefined,
): Promise<SheetResult[]> {
  const results: SheetResult[] = new Array(files.length);
  await inWorkers(files, dataDir, templatesDir, false, (i, r) => (results[i] = r), here);
  return results;
}

/**
 * Results in the order of `files`; each sheet is taken from the cache, or checked and rendered (and cached).
 * With `render: false` sheets are only checked (for validate), and nothing is cached.
 */
export async function processSheets(
  files: string[],
  workspace: Workspace,
  cache: RenderCache | undefined,
  progress?: Progress,
  render = true,
): Promise<SheetResult[]> {
  const results: SheetResult[] = new Array(files.length);
  const keys = files.map((f) => cache?.keyFor(f));
  const misses: number[] = [];
  progress?.start(files.length);
  files.forEach((file, i) => {
    const hit = keys[i] ? cache!.get(keys[i]!, file) : undefined;
    if (hit) {
      results[i] = { ...restoreBuffers(hit), key: keys[i] };
      progress?.advance(hit);
    } else misses.push(i);
  });
  const store = (i: number, result: SheetResult) => {
    results[i] = keys[i] ? { ...result, key: keys[i] } : result;
    if (cache && keys[i]) cache.put(keys[i]!, result);
    progress?.advance(result);
  };
  if (worthWorkers(misses.length)) {
    await inWorkers(misses.map((i) => files[i]), workspace.dataDir, workspace.templates.dir, render, (j, r) => store(misses[j], r));
  } else {
    for (const i of misses) store(i, render ? processSheet(files[i], workspace) : checkOnly(files[i], workspace));
  }
  progress?.finish();
  return results;
}
