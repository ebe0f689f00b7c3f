import { defineConfig } from 'vitest/config';
import { testReporting } from '../../../libs/testing/src/vitest-reporting.ts';

export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['**/*.test.ts'],
    pool: 'forks',
    // Ceilings for a hung Postgres, build or browser on a loaded 2-core machine, not performance assertions.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    ...testReporting(),
  },
});
