import type { TargetConfiguration } from '@nx/devkit';
import type { NormalizedPluginOptions } from './options.ts';

/** The backup targets inferred beside migrate, by name. Listing and pruning touch only the backup store. */
const BACKUP_TARGETS = {
  backup: {
    executor: 'backup',
    needsDatabase: true,
    description: 'Back up this project’s database to ./backups, $BACKUP_DESTINATION or --destination',
  },
  restore: {
    executor: 'restore',
    needsDatabase: true,
    description: 'Restore a backup (default: the latest) into the database of --url or the environment',
  },
  backups: {
    executor: 'backup-list',
    needsDatabase: false,
    description: 'List the backups at the destination, newest first',
  },
  'backup-verify': {
    executor: 'backup-verify',
    needsDatabase: true,
    description: 'Checksum, full read and restore drill of a backup (default: the latest)',
  },
  'backup-prune': {
    executor: 'backup-prune',
    needsDatabase: false,
    description: 'Show (with --apply, delete) the backups the retention policy no longer keeps',
  },
} as const;

/** What the inferred targets read: `production` where the workspace defines it, as the official plugins do. */
export interface InputNames {
  production: string;
}

export function inputNames(namedInputs: Record<string, unknown> | undefined): InputNames {
  return { production: namedInputs && 'production' in namedInputs ? 'production' : 'default' };
}

const helpFor = (projectName: string, target: string, args: string[]) => ({
  command: `npx nx run ${projectName}:${target} --help`,
  example: { args },
});

export function migrateTarget(projectName: string, options: NormalizedPluginOptions): TargetConfiguration {
  return {
    executor: '@shopops/ops:migrate',
    // Talks to a live database: a cached "success" would skip real work.
    cache: false,
    ...(options.envProject ? { options: { envProject: options.envProject } } : {}),
    metadata: {
      description: 'Apply, inspect or check the SQL migrations in migrations/ (dbmate or golang-migrate files)',
      technologies: ['postgres'],
      help: helpFor(projectName, options.migrateTargetName, ['status', '--exit-code']),
    },
  };
}

export function dockerBuildTarget(
  projectName: string,
  options: NormalizedPluginOptions,
  inputs: InputNames,
): TargetConfiguration {
  return {
    executor: '@shopops/ops:docker-build',
    // Safe to cache: the output records the image ID, and the inputs cover everything in the context
    // the Dockerfile can read (the project, its dependencies, the lockfile, the engine's arguments).
    cache: true,
    inputs: [
      inputs.production,
      `^${inputs.production}`,
      '{workspaceRoot}/package-lock.json',
      '{workspaceRoot}/.dockerignore',
      ...options.dockerBuildInputs,
    ],
    outputs: ['{workspaceRoot}/dist/{projectName}/image.json'],
    metadata: {
      description: 'Check the Dockerfile policy, build and tag the image, record it in dist/<project>/image.json',
      technologies: ['docker'],
      help: helpFor(projectName, options.dockerBuildTargetName, ['--dry-run']),
    },
  };
}

/** backup, restore, backups, backup-verify and backup-prune: the database of a project with migrations. */
export function backupTargets(
  projectName: string,
  options: NormalizedPluginOptions,
): Record<string, TargetConfiguration> {
  const envProject = options.envProject ?? projectName;
  return Object.fromEntries(
    Object.entries(BACKUP_TARGETS).map(([name, { executor, needsDatabase, description }]) => [
      name,
      {
        executor: `@shopops/ops:${executor}`,
        // Reads or changes a live database and a backup store outside the workspace.
        cache: false,
        ...(needsDatabase ? { options: { envProject } } : {}),
        metadata: {
          description,
          technologies: ['postgres'],
          help: helpFor(projectName, name, name === 'backup' ? ['--verify'] : []),
        },
      } satisfies TargetConfiguration,
    ]),
  );
}

export function smokeTarget(projectName: string, options: NormalizedPluginOptions): TargetConfiguration {
  return {
    executor: '@shopops/ops:smoke',
    // Checks a live deployment: the answer changes with every deploy, never with the inputs.
    cache: false,
    metadata: {
      description: 'Run the smoke checks of smoke.yaml against a deployment (--url) and say which build answered',
      technologies: ['http'],
      help: helpFor(projectName, options.smokeTargetName, ['--url', 'http://127.0.0.1:8080']),
    },
  };
}

/** `config` is the fly.toml's path from the workspace root, which the executor resolves paths against. */
export function flyCanaryTarget(
  projectName: string,
  flyToml: string,
  options: NormalizedPluginOptions,
): TargetConfiguration {
  return {
    executor: '@shopops/ops:fly-canary',
    // Changes a live Fly app: nothing about it follows from the inputs.
    cache: false,
    options: { config: flyToml },
    metadata: {
      description: `Release dist/${projectName}/image.json to the Fly app of ${flyToml} machine by machine, analysed at each step, rolled back on failure`,
      technologies: ['fly.io'],
      help: helpFor(projectName, options.flyCanaryTargetName, ['--dryRun']),
    },
  };
}
