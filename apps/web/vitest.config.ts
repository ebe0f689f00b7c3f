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
    // The end-to-end test is its own project (apps/web/e2e, web-e2e), so an API change does not make
    // the storefront affected.
    name: 'unit',
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
});
