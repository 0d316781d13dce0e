// Build step (npm ci / npm run build), after tsc: the bundled program.
//
//   1. esbuild bundles dist/program.js (src/program.ts) and everything it loads into dist/sheetbook.cjs, one script
//      (vega, vega-lite and pdf.js, used only by publish, errata and import, stay in their files);
//   2. src/build/code-cache.ts runs it once on a made-up sheet and keeps V8's compiled code in dist/sheetbook.cjs.cache;
//   3. dist/cli.js, tsc's output of src/cli.ts, is replaced by a plain node script that runs the bundle (src/bundled.ts).
//
// Each file is written beside its place and renamed into it, and dist/cli.js last: a build that fails half-way leaves
// tsc's dist/cli.js, which runs the program from its modules. So does running tsc alone afterwards (it writes
// dist/cli.js again): the bundle is only ever run by the loader written with it.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { BUNDLE_FILE, CODE_CACHE_FILE } from '../bundled';
import { LAZY_MODULES } from '../lazy-modules';

const DIST = resolve(__dirname, '..');
const CLI = join(DIST, 'cli.js');
const BUNDLE = join(DIST, BUNDLE_FILE);
const CODE_CACHE = join(DIST, CODE_CACHE_FILE);
// Loaded only by `publish`/`errata` (charts) and `import` (reading PDFs), as ES modules: left in their files.
const EXTERNAL = ['vega', 'vega-lite', 'pdfjs-dist'];

/** Write `bytes` to `file` through a temporary file beside it. */
function writeWhole(file: string, bytes: string | Buffer): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, file);
}

/**
 * The program in one script: a function expression that takes CommonJS's five arguments. Each module keeps its own
 * __dirname and __filename (the program finds templates/ and fonts/ from them, libraries their data files), as paths
 * from the bundle's folder: a moved or copied package reads its own files, never those of the place it was built in.
 */
async function bundle(): Promise<string> {
  const esbuild = require('esbuild') as typeof import('esbuild');
  const lazy = new RegExp(`^(${LAZY_MODULES.map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
  const result = await esbuild.build({
    entryPoints: [join(DIST, 'program.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    write: false,
    outfile: BUNDLE,
    logLevel: 'error',
    plugins: [
      {
        name: 'module-paths',
        setup(build) {
          build.onLoad({ filter: /\.c?js$/, namespace: 'file' }, (args) => {
            let contents = readFileSync(args.path, 'utf8').replace(/^#!.*\n/, '\n');
            if (/__dirname|__filename/.test(contents)) {
              const dir = JSON.stringify(relative(DIST, dirname(args.path)));
              const file = JSON.stringify(relative(DIST, args.path));
              contents = `var __dirname = __bundlePath(${dir}), __filename = __bundlePath(${file});` + contents;
            }
            return { contents, loader: 'js' };
          });
        },
      },
      {
        // unicode-trie's tables inflated by zlib rather than in JavaScript (src/build/inflate.ts).
        name: 'inflate',
        setup(build) {
          build.onResolve({ filter: /^tiny-inflate$/ }, () => ({ path: join(DIST, 'build', 'inflate.js') }));
        },
      },
      {
        // What src/lazy-modules.ts does for modules loaded from their files: these are evaluated on first use.
        name: 'lazy-modules',
        setup(build) {
          build.onResolve({ filter: lazy }, (args) => (args.pluginData?.lazy ? undefined : { path: args.path, namespace: 'lazy', pluginData: { resolveDir: args.resolveDir } }));
          build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
            resolveDir: args.pluginData.resolveDir,
            pluginData: { lazy: true },
            loader: 'js',
            contents: `let real;
const target = () => (real ??= require(${JSON.stringify(args.path)}));
module.exports = new Proxy(function lazyModule() {}, {
  apply: (_t, thisArg, args) => Reflect.apply(target(), thisArg, args),
  construct: (_t, args) => Reflect.construct(target(), args),
  get: (_t, key) => Reflect.get(target(), key),
  has: (_t, key) => Reflect.has(target(), key),
});
`,
          }));
        },
      },
    ],
  });
  const text = result.outputFiles[0].text;
  return `(function (exports, require, module, __filename, __dirname) {
const __bundleDir = __dirname;
const __bundlePath = (path) => require('node:path').join(__bundleDir, path);
${text}
})
`;
}

/** dist/cli.js as the build leaves it: the bundle, or (in a worker thread) the bundle's worker. */
const LOADER = `#!/usr/bin/env node
// Written by \`npm run build\` (src/build/bundle.ts) in place of tsc's output of src/cli.ts: sheetbook as one
// bundled script, compiled from its code cache (src/bundled.ts). Worker threads start from this file too.
'use strict';
const { isMainThread } = require('node:worker_threads');
const { loadBundle } = require('./bundled');
const { program, hash } = loadBundle(__dirname);
const bundle = { hash, loader: __filename };
if (isMainThread) void program.runCli(process.argv.slice(2), bundle);
else program.runWorker(bundle);
`;

function run(script: string, args: string[]): void {
  const made = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (made.status !== 0) throw new Error(`${script} ${args.join(' ')}: ${made.status ?? made.signal}\n${made.stdout}${made.stderr}`);
}

async function main(): Promise<void> {
  rmSync(CODE_CACHE, { force: true });
  rmSync(BUNDLE, { force: true });
  try {
    writeWhole(BUNDLE, await bundle());
    run(join(DIST, 'build', 'code-cache.js'), []);
    // The loader is tried before it replaces tsc's dist/cli.js.
    const trial = join(DIST, `cli.${process.pid}.trial.js`);
    writeFileSync(trial, LOADER);
    try {
      run(trial, ['--version']);
    } finally {
      rmSync(trial, { force: true });
    }
    writeWhole(CLI, LOADER);
    chmodSync(CLI, 0o755);
  } catch (error) {
    rmSync(CODE_CACHE, { force: true });
    rmSync(BUNDLE, { force: true });
    console.error(`プログラムを 1 つのファイルにまとめられませんでした: ${(error as Error)?.message ?? error}`);
    process.exitCode = 1;
  }
}

void main();
