// Runs the bundled program: dist/sheetbook.cjs, the whole program and its libraries in one script that
// `npm run build` makes (src/build/bundle.ts), compiled with the V8 code cache the build took after a warm-up run
// (src/build/code-cache.ts). One file read and compiled from a cache instead of some 300 modules looked up, read and
// compiled one by one, and no function compiled twice: that is most of a one-sheet build's start.
//
// The cache is used only for the very bundle it was made from: it starts with the bundle's SHA-256, which is taken
// again on every run (V8's own check compares only the length of the source). V8 then refuses it itself when node,
// V8 or its flags differ, and the bundle is compiled from its text as any script is.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import vm from 'node:vm';
import type * as Program from './program';

export const BUNDLE_FILE = 'sheetbook.cjs';
export const CODE_CACHE_FILE = 'sheetbook.cjs.cache';
/** The bundle's SHA-256, in front of V8's data in the cache file. */
const HASH_BYTES = 32;

export interface LoadedBundle {
  program: typeof Program;
  hash: string;
  script: vm.Script;
  /** True when V8 took the code cache. */
  cached: boolean;
}

/** The cache file's bytes: the bundle's SHA-256, then V8's data. */
export function codeCacheFile(bundleHash: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(bundleHash, 'hex'), data]);
}

/**
 * Compile and run the bundle in `distDir` (its top level only: each module runs when first required). The bundle is a
 * function expression taking CommonJS's five arguments; its `require` is the bundle's own, for node's modules and the
 * libraries left out of it. Throws when there is no bundle.
 */
export function loadBundle(distDir: string, { useCache = true } = {}): LoadedBundle {
  const file = resolve(distDir, BUNDLE_FILE);
  const bytes = readFileSync(file);
  const hash = createHash('sha256').update(bytes).digest('hex');
  let cachedData: Buffer | undefined;
  if (useCache) {
    try {
      const cache = readFileSync(join(distDir, CODE_CACHE_FILE));
      if (cache.subarray(0, HASH_BYTES).toString('hex') === hash) cachedData = cache.subarray(HASH_BYTES);
    } catch {
      // no cache: compiled from the text
    }
  }
  // The build makes the bundle ASCII (src/build/bundle.ts): a one-byte string, copied rather than decoded.
  const text = isAscii?.(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  // No dynamic import() in the bundle (pdf.js, an ES module, is required), so no loader for one: node calls the
  // option for it experimental and says so on stderr when it is used.
  const script = new vm.Script(text, { filename: file, cachedData });
  const module = { exports: {} as typeof Program };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return { program: module.exports, hash, script, cached: cachedData !== undefined && !script.cachedDataRejected };
}
