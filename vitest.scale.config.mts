// npm run test:scale — booklets of thousands of sheets (test/scale/); too slow for `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Builds through the launcher run in a process of their own; test/resident.test.ts turns the resident on itself.
    env: { SHEETBOOK_RESIDENT: '0' },
    globalSetup: ['test/helpers/global-setup.ts'],
    include: ['test/scale/**/*.ts'],
    testTimeout: 600_000,
  },
});
