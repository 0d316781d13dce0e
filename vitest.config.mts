import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

// Test files that replace modules (vi.mock) or count what a module-level cache does run in a fresh module registry;
// the others share their worker's modules, loaded once per worker instead of once per file: loading them took a
// minute of the suite's time (vitest's "import"), and the suite ran in 250–254 s against 299 s (2 cores,
// alternating runs; every test passes both ways, and with the files shuffled).
const OWN_MODULES = ['test/add-field.test.ts', 'test/official-text-form.test.ts', 'test/measured-texts.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Many test files wait on programs they start (the command line, chromium) more than they compute: on the
    // 2-core machine, 3 files at a time ran the suite in 244 s against 312 s for vitest's default of 1 (and 264 s
    // for 4).
    maxWorkers: Math.max(3, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: 'own-modules', include: OWN_MODULES, isolate: true } },
      { extends: true, test: { name: 'shared-modules', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...OWN_MODULES], isolate: false } },
    ],
  },
});
