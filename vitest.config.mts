import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Builds through the launcher run in a process of their own; test/resident.test.ts turns the resident on itself.
    env: { SHEETBOOK_RESIDENT: '0' },
    globalSetup: ['test/helpers/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
