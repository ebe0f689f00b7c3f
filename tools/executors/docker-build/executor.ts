import type { ExecutorContext } from '@nx/devkit';
import { dockerBuild } from '../../src/docker/docker-build.ts';
import { parseOptions } from '../../src/parse-options.ts';
import { schema, type DockerBuildExecutorOptions } from './schema.ts';

/**
 * `nx run <project>:docker-build`: checks the Dockerfile policy, builds and tags the image with
 * docker buildx, docker or podman, and records it in dist/<project>/image.json.
 */
export default async function dockerBuildExecutor(rawOptions: DockerBuildExecutorOptions, context: ExecutorContext) {
  try {
    const options = parseOptions(schema, rawOptions, 'docker-build');
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
