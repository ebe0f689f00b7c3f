import { resolve } from 'node:path';

const workspaceRoot = resolve(import.meta.dirname, '../../..');

/**
 * Reporter options for the workspace's Vitest configs. Under Nx, each project's run also records its
 * results in reports/tests/<project>.json, so tools/scripts/test-failures.ts can list every failure at
 * the end of a long CI log; run by hand, only the default reporter.
 */
export function testReporting(project = process.env.NX_TASK_TARGET_PROJECT) {
  if (!project) return { reporters: ['default'] };
  return {
    reporters: ['default', 'json'],
    outputFile: { json: resolve(workspaceRoot, 'reports/tests', `${project}.json`) },
  };
}
