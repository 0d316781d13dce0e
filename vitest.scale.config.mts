// npm run test:scale — what is too slow for `npm test`: booklets of thousands of sheets (test/scale/), and the full
// sweeps of tests that `npm test` runs on a sample (SHEETBOOK_SCALE=1: every sentence in every field, 200 watch saves).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    include: ['test/scale/**/*.ts', 'test/sentence-corpus.test.ts', 'test/text-layer.test.ts'],
    env: { SHEETBOOK_SCALE: '1' },
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
