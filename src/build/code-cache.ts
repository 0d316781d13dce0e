// Build step (src/build/bundle.ts): V8's code cache of the bundled program. The bundle is compiled as every run
// compiles it (src/bundled.ts), runs `build` of a made-up sheet (src/build/warm-up.ts), and V8's data is then taken:
// it holds the compiled code of every function the run needed, not just of the bundle's top level.
import { join, resolve } from 'node:path';
import { renameSync, writeFileSync } from 'node:fs';
import { CODE_CACHE_FILE, codeCacheFile, loadBundle } from '../bundled';

const DIST = resolve(__dirname, '..');

async function main(): Promise<void> {
  const { program, hash, script } = loadBundle(DIST, { useCache: false });
  await program.warmUpBundle({ hash, loader: join(DIST, 'cli.js') });
  const file = join(DIST, CODE_CACHE_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, codeCacheFile(hash, script.createCachedData()));
  renameSync(temp, file);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
