import type { ExecutorContext } from '@nx/devkit';
import { rejoinSplitSpecs, startsCacheSpec, startsSecretSpec } from '../../src/docker/buildkit-specs.ts';
import { dockerBuild } from '../../src/docker/docker-build.ts';
import { parseOptions } from '../../src/parse-options.ts';
import { schema, type DockerBuildExecutorOptions } from './schema.ts';

/**
 * `nx run <project>:docker-build`: checks the Dockerfile policy, builds and tags the image with
 * docker buildx, docker or podman, and records it in dist/<project>/image.json.
 */
export default async function dockerBuildExecutor(rawOptions: DockerBuildExecutorOptions, context: ExecutorContext) {
  try {
    const options = parseOptions(schema, withWholeSpecs(rawOptions), 'docker-build');
    const projectName = context.projectName!;
    const record = await dockerBuild({
      ...options,
      workspaceRoot: context.root,
      projectRoot: context.projectsConfigurations.projects[projectName]!.root,
      projectName,
      // Progress and commands go to stderr, so --json leaves stdout to the record.
      log: (line) => console.error(line),
    });
    if (options.json && record) process.stdout.write(JSON.stringify(record, null, 2) + '\n');
    return { success: true };
  } catch (error) {
    console.error(`docker-build: ${(error as Error).message}`);
    return { success: false };
  }
}

/** The cache and secret specs as written, though Nx split a command-line value at its commas (buildkit-specs.ts). */
function withWholeSpecs(options: DockerBuildExecutorOptions): DockerBuildExecutorOptions {
  const rejoined = (items: unknown, startsSpec: (piece: string) => boolean) =>
    Array.isArray(items) && items.every((item) => typeof item === 'string')
      ? rejoinSplitSpecs(items, startsSpec)
      : items;
  return {
    ...options,
    ...(options.cacheFrom !== undefined && { cacheFrom: rejoined(options.cacheFrom, startsCacheSpec) as string[] }),
    ...(options.cacheTo !== undefined && { cacheTo: rejoined(options.cacheTo, startsCacheSpec) as string[] }),
    ...(options.secrets !== undefined && { secrets: rejoined(options.secrets, startsSecretSpec) as string[] }),
  };
}
