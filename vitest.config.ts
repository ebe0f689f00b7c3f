import { defineConfig } from 'vitest/config';
import { testReporting } from './libs/testing/src/vitest-reporting.ts';

// Tests start real Postgres clusters and child processes, so the defaults (5 s) are too tight
// on a loaded 2-core machine. These are ceilings for hung tests, not performance assertions.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/.data/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Removes the directories tests took with scratchDir() once each file is done.
    setupFiles: ['libs/testing/src/vitest-setup.ts'],
    ...testReporting(),
  },
});
