import { defineConfig } from 'vitest/config';

// Tests start real Postgres clusters and child processes, so the defaults (5 s) are too tight
// on a loaded 2-core machine. These are ceilings for hung tests, not performance assertions.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/.data/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
