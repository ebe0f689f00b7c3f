import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config';
import { testReporting } from './libs/testing/src/vitest-reporting.ts';

/**
 * The Vitest settings every project shares; each project's vitest.config.ts is `testConfig()` (plus
 * what is its own), and @nx/vitest infers its `test` target from that file.
 *
 * Tests start real Postgres clusters and child processes, so the defaults (5 s) are too tight on a
 * loaded 2-core machine. These are ceilings for hung tests, not performance assertions.
 */
const shared = defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/.data/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Removes the directories tests took with scratchDir() once each file is done.
    setupFiles: [fileURLToPath(new URL('./libs/testing/src/vitest-setup.ts', import.meta.url))],
    ...testReporting(),
  },
});

export function testConfig(own: ViteUserConfig = {}): ViteUserConfig {
  return mergeConfig(shared, own);
}
