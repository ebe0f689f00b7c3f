import { basename } from 'node:path';
import {
  createNodesFromFiles,
  type CreateNodes,
  type CreateNodesContext,
  type CreateNodesResult,
  type TargetConfiguration,
} from '@nx/devkit';
import { normalizePluginOptions, type NormalizedPluginOptions, type OpsPluginOptions } from './options.ts';
import { declaredProject } from './project-root.ts';
import {
  backupTargets,
  dockerBuildTarget,
  flyCanaryTarget,
  inputNames,
  migrateTarget,
  smokeTarget,
} from './targets.ts';

const MIGRATIONS = '**/migrations/*.sql';
const DOCKERFILES = '**/Dockerfile';
const SMOKE_FILES = '**/smoke.{yaml,yml,json}';
const FLY_CONFIGS = '**/fly.toml';
const isSmokeFile = (file: string) => /^smoke\.(ya?ml|json)$/.test(basename(file));

/**
 * Infers `migrate` (and the backup targets) for every project with a migrations/ folder of .sql files,
 * `docker-build` for every project with a Dockerfile and `smoke` for every project with a smoke.yaml
 * (or smoke.json) in its root, and `fly-canary` for every project a fly.toml deploys (one in its root, or
 * one elsewhere that the `flyApps` option maps to it), so none of them needs a line of project.json.
 * Each file is handled on its own (createNodesFromFiles): one broken project reports its own error
 * and the rest of the graph still builds.
 */
export const createNodes: CreateNodes<OpsPluginOptions> = [
  `{${MIGRATIONS},${DOCKERFILES},${SMOKE_FILES},${FLY_CONFIGS}}`,
  async (files, rawOptions, context) => {
    const options = normalizePluginOptions(rawOptions);
    const firstFiles = firstFilePerProjectAndKind(files);
    return createNodesFromFiles((file, _options, ctx) => inferFrom(file, options, ctx), firstFiles, options, context);
  },
];

/** The name Nx 20–22 plugins exported; Nx 23 reads `createNodes`, and both are the same function. */
export const createNodesV2 = createNodes;

function inferFrom(file: string, options: NormalizedPluginOptions, context: CreateNodesContext): CreateNodesResult {
  if (basename(file) === 'fly.toml') return inferFromFlyToml(file, options, context);
  if (isSmokeFile(file)) {
    const project = declaredProject(file, context.workspaceRoot, 1);
    if (!project) return {};
    return {
      projects: { [project.root]: { targets: { [options.smokeTargetName]: smokeTarget(project.name, options) } } },
    };
  }
  const isDockerfile = basename(file) === 'Dockerfile';
  const project = declaredProject(file, context.workspaceRoot, isDockerfile ? 1 : 2);
  if (!project) return {};
  const targets: Record<string, TargetConfiguration> = isDockerfile
    ? {
        [options.dockerBuildTargetName]: dockerBuildTarget(
          project.name,
          options,
          inputNames(context.nxJsonConfiguration.namedInputs),
        ),
      }
    : {
        [options.migrateTargetName]: migrateTarget(project.name, options),
        ...(options.backupTargets ? backupTargets(project.name, options) : {}),
      };
  return { projects: { [project.root]: { targets } } };
}

/** The project a fly.toml deploys: the one whose root it is in, or the one `flyApps` maps it to. */
function inferFromFlyToml(
  file: string,
  options: NormalizedPluginOptions,
  context: CreateNodesContext,
): CreateNodesResult {
  const mapped = options.flyApps[file];
  const project = mapped
    ? declaredProject(`${mapped.replace(/\/+$/, '')}/fly.toml`, context.workspaceRoot, 1)
    : declaredProject(file, context.workspaceRoot, 1);
  if (mapped && !project)
    throw new Error(
      `flyApps maps ${file} to ${mapped}, which is not a project (no project.json or package.json there)`,
    );
  if (!project || project.root === '.') return {};
  return {
    projects: {
      [project.root]: { targets: { [options.flyCanaryTargetName]: flyCanaryTarget(project.name, file, options) } },
    },
  };
}

/** A migrations folder holds many files: one of them per folder is enough to infer its targets. */
function firstFilePerProjectAndKind(files: readonly string[]): string[] {
  const seen = new Set<string>();
  return files.filter((file) => {
    // One smoke target per project, whether it has smoke.yaml, smoke.json or both.
    const folder = file.slice(0, file.lastIndexOf('/'));
    const ownKey = basename(file) === 'Dockerfile' || basename(file) === 'fly.toml';
    const key = ownKey ? file : isSmokeFile(file) ? `${folder}/smoke` : folder;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
