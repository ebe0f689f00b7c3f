import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CreateNodesResultV2, CreateNodesV2, TargetConfiguration } from '@nx/devkit';

export interface OpsPluginOptions {
  /** Name of the inferred migration target. */
  migrateTargetName?: string;
}

/**
 * Infers a `migrate` target for every project that holds a migrations/ folder of .sql files,
 * so `nx run <project>:migrate` works without a line of project.json.
 */
export const createNodesV2: CreateNodesV2<OpsPluginOptions> = [
  '**/migrations/*.sql',
  (files, options, context) => {
    const targetName = options?.migrateTargetName ?? 'migrate';
    const results: CreateNodesResultV2 = [];
    for (const [projectRoot, file] of firstFilePerProject(files, context.workspaceRoot)) {
      results.push([file, { projects: { [projectRoot]: { targets: { [targetName]: migrateTarget() } } } }]);
    }
    return results;
  },
];

function migrateTarget(): TargetConfiguration {
  return {
    executor: '@shopops/ops:migrate',
    // Talks to a live database: a cached "success" would skip real work.
    cache: false,
    metadata: {
      description: 'Apply, inspect or check the SQL migrations in migrations/',
      technologies: ['postgres'],
    },
  };
}

/** One entry per project root (the folder holding migrations/), only where a project is declared. */
function firstFilePerProject(files: readonly string[], workspaceRoot: string): Map<string, string> {
  const roots = new Map<string, string>();
  for (const file of files) {
    const projectRoot = dirname(dirname(file));
    if (roots.has(projectRoot)) continue;
    const declared = ['project.json', 'package.json'].some((f) => existsSync(join(workspaceRoot, projectRoot, f)));
    if (declared) roots.set(projectRoot, file);
  }
  return roots;
}
