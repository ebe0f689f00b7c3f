import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';
import { testReporting } from '../../libs/testing/src/vitest-reporting.ts';
import { webRoot } from './vite.config.ts';

export default defineConfig({
  root: webRoot,
  plugins: [vue()],
  test: {
    pool: 'forks',
    ...testReporting(),
    projects: [
      {
        extends: true,
        test: { name: 'unit', environment: 'happy-dom', include: ['src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.test.ts'],
          // Ceilings for a hung Postgres, build or browser on a loaded 2-core machine, not performance assertions.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
