import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Many test files wait on programs they start (the command line, chromium) more than they compute: on the
    // 2-core machine, 3 files at a time ran the suite in 244 s against 312 s for vitest's default of 1 (and 264 s
    // for 4).
    maxWorkers: Math.max(3, availableParallelism() - 1),
  },
});
