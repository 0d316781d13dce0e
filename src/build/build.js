// `npm run build` (also run by `npm ci`, `npm start` and `npm test`): generated types → tsc → precompiled
// validators → the bundled program and its code cache (bundle.ts) → the browser editor (web.ts, into dist/web/).
// It is skipped when nothing it reads has changed since the last build: a digest of every input's
// content (not its time, so a `git pull` that brings other files is seen, and one that brings none is not) is kept
// beside the output. Plain JavaScript because it runs before anything is compiled.
const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-inputs');
/** What the build writes, so that a deleted dist/ (or part of it) is built again. */
const OUTPUTS = ['cli.js', 'pipeline/sheet.js', 'build/sheet-validator.js', 'sheetbook.cjs', 'sheetbook.cjs.cache', 'web/index.html', 'web/app.js'];

/** Every file the build reads: the sources (the generated types follow from the schema), the compiler's settings,
 *  and the exact versions of the libraries (the validators are ajv's code). */
function inputFiles(root) {
  const sources = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .filter((file) => !file.includes(`${join('src', 'model', 'generated')}`));
  // fonts/fonts.json names the font the browser editor's page is given (src/build/web.ts).
  return [...sources, join(root, 'tsconfig.json'), join(root, 'package.json'), join(root, 'package-lock.json'), join(root, 'fonts', 'fonts.json')]
    .filter((file) => existsSync(file))
    .sort();
}

function inputsDigest(root = ROOT) {
  const hash = createHash('sha256');
  hash.update(`node ${process.version}\n`);
  for (const file of inputFiles(root)) hash.update(`${relative(root, file)}\n`).update(readFileSync(file)).update('\n');
  return hash.digest('hex');
}

/** True when dist/ holds the build of exactly these inputs. */
function upToDate(digest = inputsDigest()) {
  return OUTPUTS.every((file) => existsSync(join(DIST, file))) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === digest;
}

function run(script, args) {
  execFileSync(process.execPath, [script, ...args], { cwd: ROOT, stdio: 'inherit' });
}

function build() {
  const digest = inputsDigest();
  if (!process.argv.includes('--force') && upToDate(digest)) return;
  // The stamp goes first, so that a build that fails half-way is never taken for a finished one. dist/ is made
  // afresh: nothing of an earlier build (a module since removed, an old bundle) stays behind.
  rmSync(STAMP, { force: true });
  rmSync(DIST, { recursive: true, force: true });
  run(join(ROOT, 'src', 'build', 'generate-types.js'), []);
  run(require.resolve('typescript/bin/tsc', { paths: [ROOT] }), ['-p', 'tsconfig.json']);
  run(join(DIST, 'build', 'compile-validator.js'), []);
  run(join(DIST, 'build', 'bundle.js'), []);
  run(join(DIST, 'build', 'web.js'), []);
  writeFileSync(`${STAMP}.tmp`, digest);
  renameSync(`${STAMP}.tmp`, STAMP);
}

module.exports = { inputsDigest, upToDate };

if (require.main === module) {
  try {
    build();
  } catch (error) {
    // tsc and the steps have printed their own errors.
    if (error.status === undefined) console.error(`ビルドに失敗しました: ${error.message}`);
    process.exit(error.status || 1);
  }
}
