// npm run test:scale — booklets of thousands of sheets (test/scale/); too slow for `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    include: ['test/scale/**/*.ts'],
    testTimeout: 600_000,
  },
});
