// The start-up snapshot (Linux and macOS; made by `npm run build`, see src/build/build-snapshot.ts). This module,
// bundled with everything it loads into one script, runs once under `node --build-snapshot`: it loads the
// program, parses the fonts and runs one made-up sheet through `build` (src/snapshot/warm-up.ts), and V8 keeps
// the resulting heap — functions compiled — in a file. `sheetbook` (dist/cli.js, see its first lines) starts node
// from that file, and the function below runs the command line with nothing left to load.
//
// What a run reads is read at run time, as always: the city's data, the sheet, templates/ (compiled templates are
// kept in memory keyed by their text) and fonts (the parsed fonts are used only while the font files are the
// same files: src/pipeline/sheet.ts). What the snapshot holds of the program itself — dist/ and the libraries —
// is checked before every run (src/snapshot/freshness.ts); when any of it changed, the run loads the program
// from its files as `node dist/cli.js` does, and a new snapshot is made in the background.
import { closeSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { startupSnapshot } from 'node:v8';
import { runCli } from '../cli-main';
import { prepareFonts } from '../pipeline/sheet';
import { fingerprint, SNAPSHOT_DIR, staleness, type Fingerprint } from './freshness';
import { warmUp } from './warm-up';

const DIST_DIR = resolve(__dirname, '..');

let kept: Fingerprint | undefined;

async function prepare(): Promise<void> {
  const fonts = prepareFonts();
  await warmUp();
  // The warm-up's laid-out strings are dropped; the fonts' tables stay read.
  fonts.trimCaches(0);
  prepareFonts(fonts);
  const inputs = JSON.parse(readFileSync(process.env.SHEETBOOK_SNAPSHOT_INPUTS!, 'utf8')) as string[];
  kept = fingerprint(inputs, DIST_DIR);
}

/** The program as `node dist/cli.js` runs it, in this process; and a fresh snapshot made in the background. */
function fromFiles(why: string): void {
  if (process.env.SHEETBOOK_DEBUG) console.error(`sheetbook: the start-up snapshot is out of date (${why}); loading the program from its files`);
  rebuildInBackground();
  const cli = join(DIST_DIR, 'cli.js');
  createRequire(cli)(cli);
}

function rebuildInBackground(): void {
  const lock = join(SNAPSHOT_DIR, 'sheetbook.snapshot.lock');
  try {
    // One rebuild at a time; a lock left by a rebuild that died is ignored after ten minutes.
    try {
      if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { force: true });
    } catch {
      // no lock
    }
    closeSync(openSync(lock, 'wx'));
    const child = spawn(process.execPath, [join(DIST_DIR, 'build', 'build-snapshot.js'), '--lock', lock], { detached: true, stdio: 'ignore' });
    child.unref();
  } catch {
    // another rebuild is under way, or the folder is read-only: the program still runs from its files
  }
}

/**
 * A script restored from a snapshot has no module loader of its own for `import()` (vega, for the charts): node
 * uses the main context's, and says so with an ExperimentalWarning on every such run. That one note is dropped.
 */
function quietDynamicImport(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    if (String((warning as Error)?.message ?? warning).startsWith('vm.USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}

if (startupSnapshot.isBuildingSnapshot()) {
  prepare().then(
    () => {
      startupSnapshot.setDeserializeMainFunction(() => {
        const why = kept ? staleness(kept, DIST_DIR) : 'no fingerprint';
        if (why) return fromFiles(why);
        quietDynamicImport();
        void runCli(process.argv.slice(2));
      });
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
