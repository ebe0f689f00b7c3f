import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CreateNodesResultV2, CreateNodesV2, TargetConfiguration } from '@nx/devkit';

export interface OpsPluginOptions {
  /** Name of the inferred migration target. */
  migrateTargetName?: string;
  /** Name of the inferred image build target. */
  dockerBuildTargetName?: string;
}

/**
 * Infers a `migrate` target for every project that holds a migrations/ folder of .sql files, and a
 * `docker-build` target for every project with a Dockerfile, so neither needs a line of project.json.
 */
export const createNodesV2: CreateNodesV2<OpsPluginOptions> = [
  '{**/migrations/*.sql,**/Dockerfile}',
  (files, options, context) => {
    const migrateName = options?.migrateTargetName ?? 'migrate';
    const dockerBuildName = options?.dockerBuildTargetName ?? 'docker-build';
    const migrations = files.filter((file) => file.endsWith('.sql'));
    const dockerfiles = files.filter((file) => basename(file) === 'Dockerfile');
    const results: CreateNodesResultV2 = [];
    for (const [projectRoot, file] of firstFilePerProject(migrations, context.workspaceRoot, 2)) {
      results.push([file, { projects: { [projectRoot]: { targets: { [migrateName]: migrateTarget() } } } }]);
    }
    for (const [projectRoot, file] of firstFilePerProject(dockerfiles, context.workspaceRoot, 1)) {
      const targets = { [dockerBuildName]: dockerBuildTarget() };
      results.push([file, { projects: { [projectRoot]: { targets } } }]);
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

function dockerBuildTarget(): TargetConfiguration {
  return {
    executor: '@shopops/ops:docker-build',
    // Safe to cache: the output records the image ID, and the inputs cover everything in the context
    // the Dockerfile can read (the project, its dependencies, the lockfile, the engine's arguments).
    cache: true,
    inputs: [
      'production',
      '^production',
      '{workspaceRoot}/package-lock.json',
      '{workspaceRoot}/.dockerignore',
      // The build steps the Dockerfiles run (bundling, production node_modules).
      '{workspaceRoot}/docker/**/*',
    ],
    outputs: ['{workspaceRoot}/dist/{projectName}/image.json'],
    metadata: {
      description: 'Check the Dockerfile policy, build and tag the image, record it in dist/<project>/image.json',
      technologies: ['docker'],
    },
  };
}

/** One entry per project root (`depth` folders above the file), only where a project is declared. */
function firstFilePerProject(files: readonly string[], workspaceRoot: string, depth: 1 | 2): Map<string, string> {
  const roots = new Map<string, string>();
  for (const file of files) {
    const projectRoot = depth === 2 ? dirname(dirname(file)) : dirname(file);
    if (roots.has(projectRoot)) continue;
    const declared = ['project.json', 'package.json'].some((f) => existsSync(join(workspaceRoot, projectRoot, f)));
    if (declared) roots.set(projectRoot, file);
  }
  return roots;
}
