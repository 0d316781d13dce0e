// The whole program as one module: what `npm run build` bundles into dist/sheetbook.cjs (src/build/bundle.ts) and
// dist/cli.js then runs (src/bundled.ts). Each command's modules are still loaded only when it runs.
import { runCli as runCommandLine } from './cli-main';
import { useBundledProgram } from './batch/cache';
import { useWorkerScript } from './batch/sheets';
import { warmUp } from './build/warm-up';

/** The bundled program as its loader found it. */
export interface Bundle {
  /** The bundle's SHA-256: the program's identity (the render cache's key). */
  hash: string;
  /** The loader (dist/cli.js), which also starts the worker threads. */
  loader: string;
}

function use(bundle: Bundle): void {
  useBundledProgram(bundle.hash);
  useWorkerScript(bundle.loader);
}

/** The command line, as src/cli.ts runs it. */
export function runCli(argv: string[], bundle: Bundle): Promise<void> {
  use(bundle);
  return runCommandLine(argv);
}

/** A worker thread (src/batch/worker.ts). */
export function runWorker(bundle: Bundle): void {
  use(bundle);
  require('./batch/worker');
}

/** The build step's run of a made-up sheet, before the code cache is taken (src/build/code-cache.ts). */
export function warmUpBundle(bundle: Bundle): Promise<string[]> {
  use(bundle);
  return warmUp();
}
