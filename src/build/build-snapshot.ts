// Build step (npm ci / npm run build), Linux and macOS: the start-up snapshot (src/snapshot/entry.ts) and the
// first lines of dist/cli.js that start node from it. `sheetbook build 087` then starts with the program loaded,
// its functions compiled and the fonts parsed, instead of loading ~300 modules and parsing two fonts.
//
//   1. esbuild bundles dist/snapshot/entry.js and all it loads into one script (Node 20 runs no module files while
//      it makes a snapshot), each module keeping its own __dirname;
//   2. `node --snapshot-blob … --build-snapshot` runs it and writes the snapshot (next to it, then renamed: never
//      a half-written file);
//   3. dist/cli.js gets a few lines of shell in front: start node from the snapshot when it was made by the node
//      that the shell would start, else run dist/cli.js as before. To node those lines are a comment.
//
// On Windows, or without esbuild (a production install), or when anything here fails, nothing is made (any old
// snapshot is removed) and `sheetbook` runs as `node dist/cli.js` does, only slower. The snapshot itself checks
// before each run that the program's files are those it was made from (src/snapshot/freshness.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SNAPSHOT_DIR } from '../snapshot/freshness';

const DIST = resolve(__dirname, '..');
const CLI = join(DIST, 'cli.js');
const BUNDLE = join(SNAPSHOT_DIR, 'sheetbook.snapshot.bundle.cjs');
const INPUTS = join(SNAPSHOT_DIR, 'sheetbook.snapshot.inputs.json');
const BLOB = join(SNAPSHOT_DIR, 'sheetbook.snapshot.blob');
// Loaded only by `publish`/`errata` (charts) and `import` (reading PDFs): left to be loaded from their files when used
// (pdf.js, bundled, finds none of the helpers it loads beside itself).
const EXTERNAL = ['vega', 'vega-lite', 'pdfjs-dist'];
const MARK = '// sheetbook-launcher';

function removeSnapshot(): void {
  for (const file of [BLOB, BUNDLE, INPUTS]) rmSync(file, { force: true });
}

/** dist/cli.js as tsc wrote it, without launcher lines of an earlier build. */
function plainCli(): string {
  const text = readFileSync(CLI, 'utf8');
  if (!text.includes(MARK)) return text;
  return '#!/usr/bin/env node\n' + text.slice(text.indexOf(`${MARK} end\n`) + `${MARK} end\n`.length);
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function inode(file: string): string {
  return String(statSync(file).ino);
}

/**
 * The launcher: a few lines of shell that JavaScript reads as a string and a comment. The snapshot is used when
 * the `node` on PATH is the very file that made it (same inode, not newer than the snapshot).
 */
function launcher(): string {
  const node = process.execPath;
  return [
    '#!/bin/sh',
    `":" /* ${MARK}`,
    `# Made by npm run build (src/build/build-snapshot.ts): start node from the start-up snapshot when the node`,
    `# on PATH made it; otherwise run this file with node, as node dist/cli.js does.`,
    `b=${shellQuote(BLOB)} n=${shellQuote(node)} i=${inode(node)}`,
    'ino() { set -- $(ls -iL "$1" 2>/dev/null); echo "$1"; }',
    'if [ -f "$b" ] && p=$(command -v node) && [ ! "$n" -nt "$b" ] && [ "$(ino "$p")" = "$i" ] && [ "$(ino "$n")" = "$i" ]; then',
    '  exec "$n" --snapshot-blob "$b" "$0" "$@"',
    'fi',
    'exec node "$0" "$@"',
    `*/ ${MARK} end`,
    '',
  ].join('\n');
}

async function bundle(): Promise<string[]> {
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(DIST, 'snapshot', 'entry.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: BUNDLE,
    external: EXTERNAL,
    metafile: true,
    logLevel: 'error',
    plugins: [
      {
        // Each module keeps its own __dirname and __filename (libraries read their data files beside them).
        name: 'dirname',
        setup(build) {
          build.onLoad({ filter: /\.js$/ }, (args) => {
            let contents = readFileSync(args.path, 'utf8').replace(/^#!.*\n/, '\n');
            if (/__dirname|__filename/.test(contents)) {
              contents = `var __dirname = ${JSON.stringify(dirname(args.path))}, __filename = ${JSON.stringify(args.path)};` + contents;
            }
            return { contents, loader: 'js' };
          });
        },
      },
    ],
  });
  // Under `--build-snapshot`, `require` loads only node's own modules. The bundle's other requires (a library's
  // require.resolve, the modules left out above) go to a real require once the snapshot runs.
  const text = readFileSync(BUNDLE, 'utf8');
  writeFileSync(
    BUNDLE,
    `(function (builtinRequire) {
const { createRequire, isBuiltin } = builtinRequire('node:module');
let real;
const userRequire = () => (real ??= createRequire(${JSON.stringify(CLI)}));
const require = function (id) { return isBuiltin(id) ? builtinRequire(id) : userRequire()(id); };
require.resolve = (id, options) => userRequire().resolve(id, options);
const module = { exports: {} }, exports = module.exports;
${text}
})(require);
`,
  );
  // The files the snapshot was made from, with the package.json of every library among them (their versions).
  const files = new Set<string>();
  for (const input of Object.keys(result.metafile!.inputs)) {
    const file = resolve(input);
    files.add(file);
    for (let dir = dirname(file); dir !== dirname(dir) && dir.includes('node_modules'); dir = dirname(dir)) {
      if (existsSync(join(dir, 'package.json'))) {
        files.add(join(dir, 'package.json'));
        break;
      }
    }
  }
  return [...files].sort();
}

async function main(): Promise<void> {
  const lockIndex = process.argv.indexOf('--lock');
  const lock = lockIndex > 0 ? process.argv[lockIndex + 1] : undefined;
  try {
    const windows = process.platform === 'win32';
    let hasEsbuild = true;
    try {
      require.resolve('esbuild');
    } catch {
      hasEsbuild = false;
    }
    if (windows || !hasEsbuild || process.env.SHEETBOOK_NO_SNAPSHOT) {
      removeSnapshot();
      writeFileSync(CLI, plainCli());
      return;
    }
    mkdirSync(SNAPSHOT_DIR, { recursive: true });
    // The launcher first: the snapshot records the files it was made from, dist/cli.js among them.
    if (!lock) writeFileSync(CLI, launcher() + plainCli().replace(/^#!.*\n/, ''));
    chmodSync(CLI, 0o755);
    const inputs = await bundle();
    writeFileSync(INPUTS, JSON.stringify(inputs));
    const partial = `${BLOB}.${process.pid}.partial`;
    const made = spawnSync(process.execPath, ['--snapshot-blob', partial, '--build-snapshot', BUNDLE], {
      encoding: 'utf8',
      env: { ...process.env, SHEETBOOK_SNAPSHOT_INPUTS: INPUTS, NODE_OPTIONS: '' },
    });
    if (made.status !== 0 || !existsSync(partial)) {
      rmSync(partial, { force: true });
      throw new Error(`node --build-snapshot failed (${made.status ?? made.signal}):\n${made.stderr}`);
    }
    // A snapshot that node then refuses to start from (made with other V8 flags, say) would leave `sheetbook` unable
    // to run at all: it is tried before it is put in place.
    const tried = spawnSync(process.execPath, ['--snapshot-blob', partial, CLI, '--version'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    if (tried.status !== 0) {
      rmSync(partial, { force: true });
      throw new Error(`node does not start from the snapshot made (${tried.status ?? tried.signal}):\n${tried.stderr}`);
    }
    renameSync(partial, BLOB);
  } catch (error) {
    removeSnapshot();
    console.error(`sheetbook: no start-up snapshot was made; sheetbook runs without it, only slower to start.\n${(error as Error)?.message ?? error}`);
  } finally {
    if (lock) rmSync(lock, { force: true });
  }
}

void main();
