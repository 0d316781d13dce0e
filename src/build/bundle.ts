// Build step (npm ci / npm run build), after tsc: the bundled program.
//
//   1. esbuild bundles dist/program.js (src/program.ts) and everything it loads into dist/sheetbook.cjs, one script
//      (pdf.js, used only by import, stays in its files);
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
// Loaded only by `import` (reading PDFs), an ES module (required: node 20.19 and later load it so): left in its files.
const EXTERNAL = ['pdfjs-dist'];

/**
 * `source` with every character beyond ASCII in its regular expression literals written as an escape (the same
 * pattern): esbuild escapes them in strings but not in regular expressions. With comments gone (minified
 * whitespace), the bundle is then ASCII, and its loader makes a one-byte string of it without decoding UTF-8
 * (src/bundled.ts). A file that is ASCII already is returned as it is.
 */
export function asciiRegExps(source: string, fileName: string): string {
  if (!/[^\x00-\x7f]/.test(source)) return source;
  const ts = require('typescript') as typeof import('typescript');
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const literals: { start: number; end: number }[] = [];
  const visit = (node: import('typescript').Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) literals.push({ start: node.getStart(file), end: node.end });
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const { start, end } of literals.reverse()) {
    const literal = source.slice(start, end);
    const unicode = /\/[a-z]*u[a-z]*$/.test(literal);
    // (An escaped character, `\円`, is the character itself: its backslash goes with it.)
    const escaped = literal.replace(/(\\*)([^\x00-\x7f])/gu, (_match, slashes: string, ch: string) => {
      const kept = slashes.length % 2 === 1 ? slashes.slice(1) : slashes;
      const cp = ch.codePointAt(0)!;
      if (cp <= 0xffff) return `${kept}\\u${cp.toString(16).padStart(4, '0')}`;
      if (unicode) return `${kept}\\u{${cp.toString(16)}}`;
      return kept + Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16)}`).join('');
    });
    out = out.slice(0, start) + escaped + out.slice(end);
  }
  return out;
}

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
    // Comments and indentation are a third of the bundle, read and hashed on every run.
    minifyWhitespace: true,
    write: false,
    outfile: BUNDLE,
    logLevel: 'error',
    plugins: [
      {
        name: 'module-paths',
        setup(build) {
          build.onLoad({ filter: /\.c?js$/, namespace: 'file' }, (args) => {
            let contents = asciiRegExps(readFileSync(args.path, 'utf8').replace(/^#!.*\n/, '\n'), args.path);
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

if (require.main === module) void main();
