// The bundled program (src/build/bundle.ts, src/bundled.ts): dist/cli.js is a plain node script that runs
// dist/sheetbook.cjs, compiled from its code cache. It writes the same bytes as the program run from its modules,
// its worker threads run the same bundle, it never runs a code cache made for other code, and a copy of the package
// reads its own templates.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { bundledSheet, makeDataDir } from './helpers/data';
import { asciiRegExps } from '../src/build/bundle';
import { parsePdf } from './helpers/pdf';

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
const { loadBundle } = require(join(DIST, 'bundled.js')) as typeof import('../src/bundled');

const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `sheetbook-${prefix}-`));

/** The program from its module files, as tsc's own dist/cli.js runs it. */
function fromModules(root: string, args: string[]) {
  const script = `require(${JSON.stringify(join(root, 'dist', 'lazy-modules'))}); require(${JSON.stringify(join(root, 'dist', 'cli-main'))}).runCli(process.argv.slice(1));`;
  return spawnSync(process.execPath, ['-e', script, ...args], { encoding: 'utf8' });
}

const cli = (root: string, args: string[], nodeArgs: string[] = []) => spawnSync(process.execPath, [...nodeArgs, join(root, 'dist', 'cli.js'), ...args], { encoding: 'utf8' });

/** A copy of the package in a folder of its own (its libraries shared by a link). */
function copyPackage(): string {
  const root = tempDir('package');
  for (const dir of ['dist', 'templates', 'fonts']) cpSync(join(ROOT, dir), join(root, dir), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  mkdirSync(join(root, 'src'));
  cpSync(join(ROOT, 'src', 'model'), join(root, 'src', 'model'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}

describe('the bundled program', () => {
  it('is started by dist/cli.js, a plain node script, and nothing of a start-up snapshot is left', () => {
    const text = readFileSync(join(DIST, 'cli.js'), 'utf8');
    expect(text.split('\n')[0]).toBe('#!/usr/bin/env node');
    // The whole file is JavaScript: no shell lines in front of it.
    expect(() => new vm.Script(text.replace(/^#!.*/, ''))).not.toThrow();
    expect(text).toContain("require('./bundled')");
    expect(existsSync(join(DIST, 'sheetbook.cjs'))).toBe(true);
    expect(existsSync(join(DIST, 'snapshot'))).toBe(false);
    expect(readdirSync(DIST, { recursive: true }).filter((f) => /blob|snapshot|resident/.test(String(f)))).toEqual([]);
    const version = cli(ROOT, ['--version']);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(loadBundle(DIST).cached, 'the code cache made by the build is taken').toBe(true);
  });

  it("prints nothing of node's own in English: a booklet (its overview and charts included) has no ExperimentalWarning", () => {
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    const booklet = cli(ROOT, ['booklet', '--data', dataDir, '--out', tempDir('out')]);
    expect(booklet.status, booklet.stderr).toBe(0);
    expect(booklet.stdout + booklet.stderr).not.toMatch(/Warning|--trace-warnings/);
  });

  it('writes the same bytes as the program run from its modules', () => {
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087'), '088.yaml': bundledSheet('088') });
    const [a, b] = [tempDir('out'), tempDir('out')];
    const bundled = cli(ROOT, ['build', '--data', dataDir, '--out', a]);
    expect(bundled.status, bundled.stderr).toBe(0);
    const modules = fromModules(ROOT, ['build', '--data', dataDir, '--out', b]);
    expect(modules.status, modules.stderr).toBe(0);
    const untimed = (text: string, out: string) => text.replaceAll(out, 'OUT').replace(/（[0-9.]+ 秒）/g, '');
    expect(untimed(bundled.stdout, a)).toBe(untimed(modules.stdout, b));
    for (const pdf of ['087.pdf', '088.pdf']) expect(readFileSync(join(a, '2021', pdf)).equals(readFileSync(join(b, '2021', pdf))), pdf).toBe(true);
  });

  it('runs its worker threads from the bundle too, not from the module files', () => {
    // Every script node compiles from a file under dist/, in the main thread and in the workers.
    const hook = join(tempDir('hook'), 'hook.cjs');
    writeFileSync(
      hook,
      `const Module = require('node:module');
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  if (filename.startsWith(${JSON.stringify(DIST)})) process.stderr.write('loaded ' + filename + '\\n');
  return compile.call(this, content, filename);
};
`,
    );
    const sheets = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`${100 + i}.yaml`, { ...bundledSheet('087'), number: 100 + i }]));
    const checked = cli(ROOT, ['validate', makeDataDir(sheets)], ['--require', hook]);
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toContain('12 ファイルを検査しました: エラー 0 件');
    const loaded = checked.stderr.split('\n').filter((l) => l.startsWith('loaded ')).map((l) => l.slice(DIST.length + 8));
    // dist/cli.js twice: the main thread and a worker.
    expect(loaded.filter((f) => f === 'cli.js').length).toBeGreaterThanOrEqual(2);
    expect([...new Set(loaded)].sort()).toEqual(['bundled.js', 'cli.js']);
  });

  it('never runs a code cache made for other code, even of the same length', async () => {
    const root = copyPackage();
    const bundleFile = join(root, 'dist', 'sheetbook.cjs');
    expect(loadBundle(join(root, 'dist')).cached, 'a copy of the package takes the cache made for its bundle').toBe(true);
    // 作成 (the line of each PDF written) becomes 作我: the same number of bytes in the bundle.
    const original = readFileSync(bundleFile, 'latin1');
    const changed = original.replaceAll('\\u4F5C\\u6210: ', '\\u4F5C\\u6211: ');
    expect(changed).not.toBe(original);
    expect(changed.length).toBe(original.length);
    writeFileSync(bundleFile, changed, 'latin1');

    // V8 alone would take the old code (it compares the length of the source only): the loader's own check matters.
    const cache = readFileSync(join(root, 'dist', 'sheetbook.cjs.cache')).subarray(32);
    const unchecked = new vm.Script(readFileSync(bundleFile, 'utf8'), { filename: bundleFile, cachedData: cache });
    expect(unchecked.cachedDataRejected).toBe(false);

    expect(loadBundle(join(root, 'dist')).cached).toBe(false);
    const out = tempDir('out');
    const run = cli(root, ['build', '087', '--data', makeDataDir({ '087.yaml': bundledSheet('087') }), '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('作我: ');
    expect(run.stdout).not.toContain('作成: ');
    expect((await parsePdf(readFileSync(join(out, '2021', '087.pdf')))).pageCount).toBe(2);
  });

  it('inflates the Unicode tables as tiny-inflate does, which it stands in for', () => {
    // Every table fontkit, linebreak and unicode-properties inflate at start-up, and made-up streams of every kind.
    const script = `
const { deflateRawSync } = require('node:zlib');
const tinyInflate = require('tiny-inflate');
const inflate = require(${JSON.stringify(join(DIST, 'build', 'inflate.js'))});
const calls = [];
require.cache[require.resolve('tiny-inflate')].exports = (source, dest) => (calls.push([source.slice(), dest.length]), tinyInflate(source, dest));
require('fontkit'); require('linebreak'); require('unicode-properties');
const random = Buffer.from(Array.from({ length: 50000 }, (_, i) => (i * 7919) % 251 ^ (i >> 9)));
for (const level of [0, 1, 9]) for (const extra of [-10, 0, 10]) {
  const source = deflateRawSync(random, { level });
  calls.push([source, random.length + extra]);
}
let same = 0;
for (const [source, length] of calls) {
  const a = tinyInflate(source, new Uint8Array(length));
  const b = inflate(source, new Uint8Array(length));
  if (Buffer.from(a).equals(Buffer.from(b)) && a.length === b.length) same++;
}
console.log(JSON.stringify({ calls: calls.length, same }));
`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const { calls, same } = JSON.parse(run.stdout);
    expect(calls).toBeGreaterThan(9);
    expect(same).toBe(calls);
  });

  it('is ASCII: regular expressions keep their meaning with their characters written as escapes', () => {
    expect(readFileSync(join(DIST, 'sheetbook.cjs')).every((b) => b < 0x80)).toBe(true);
    const cases: [string, string[]][] = [
      ['/(千円|円|人)$/', ['24857千円', '3人', '円', 'yen']],
      ['/[０-９．，－]/g', ['１２．３', '12.3', '－']],
      ['/^[、。，．・ー）」』】〕！？ぁぃ)\\]},.:;!?]/', ['、です', 'ー', ')', 'a']],
      ['/\\円|\\\\円/', ['円', '\\円', '\\']],
      ['/[0-9０-９][%％\\p{Script=Han}]/gu', ['5千', '５％', '5a']],
      ['/𠮷|[𠮷]/', ['𠮷', '\ud842', 'x']],
      ['/𠮷+|[𠮷]/u', ['𠮷𠮷', '\ud842', 'x']],
      ['/a/', ['a']],
    ];
    for (const [literal, samples] of cases) {
      const source = `module.exports = [${literal}, "文字列は esbuild が escape する"];`;
      const escaped = asciiRegExps(source, 'case.js');
      expect(escaped.slice(0, escaped.indexOf(', "')), literal).toMatch(/^[\x00-\x7f]*$/);
      const run = (code: string) => {
        const module = { exports: [] as unknown[] };
        new Function('module', code)(module);
        return module.exports[0] as RegExp;
      };
      const [before, after] = [run(source), run(escaped)];
      expect(after.flags).toBe(before.flags);
      for (const sample of samples) expect([literal, sample, sample.replace(after, '|')]).toEqual([literal, sample, sample.replace(before, '|')]);
    }
  });

  it('in a copy of the package, reads the copy’s own templates', async () => {
    const root = copyPackage();
    const partial = join(root, 'templates', 'partials', 'basic-info.hbs');
    writeFileSync(partial, readFileSync(partial, 'utf8').replace('{{label "budgetItem" part="section"}}', '"事業の基本情報（改訂見本）"'));
    const dataDir = makeDataDir({ '087.yaml': bundledSheet('087') });
    const [copied, here] = [tempDir('out'), tempDir('out')];
    const run = cli(root, ['build', '087', '--data', dataDir, '--out', copied]);
    expect(run.status, run.stderr).toBe(0);
    expect((await parsePdf(readFileSync(join(copied, '2021', '087.pdf')))).text).toContain('事業の基本情報（改訂見本）');
    const original = cli(ROOT, ['build', '087', '--data', dataDir, '--out', here]);
    expect(original.status, original.stderr).toBe(0);
    expect((await parsePdf(readFileSync(join(here, '2021', '087.pdf')))).text).not.toContain('改訂見本');
  });
});
