import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { errorText, jsonReport, resultText, runSmoke, type SmokeOptions } from '@shopops/smoke';
import { parseOptions } from '../../src/parse-options.ts';
import { schema, type SmokeExecutorOptions } from './schema.ts';

/**
 * `nx run <project>:smoke`: the project's smoke file, reports under the workspace root, and by
 * default the image docker-build recorded as the build expected to answer; then the engine's runSmoke.
 */
export default async function smokeExecutor(rawOptions: SmokeExecutorOptions, context: ExecutorContext) {
  try {
    const { imageRecord, ...options } = parseOptions(schema, rawOptions, 'smoke');
    const expectsFlags = options.expectVersion !== undefined || options.expectCommit !== undefined;
    const projectRoot = join(context.root, context.projectsConfigurations.projects[context.projectName!]!.root);
    const inWorkspace = (path: string | undefined) => (path && !isAbsolute(path) ? join(context.root, path) : path);
    const resolved: SmokeOptions = {
      ...options,
      file: options.file ? join(projectRoot, options.file) : defaultFile(projectRoot),
      expectImage:
        inWorkspace(options.expectImage) ?? (imageRecord && !expectsFlags ? recordedImage(context) : undefined),
      caFile: inWorkspace(options.caFile),
      junit: inWorkspace(options.junit),
      report: inWorkspace(options.report),
    };
    if (resolved.expectImage && !options.expectImage)
      console.error(`smoke: expecting the build of ${resolved.expectImage}`);
    const result = await runSmoke(resolved, {
      ...(process.stderr.isTTY ? { progress: (line: string) => process.stderr.write(`${line}\n`) } : {}),
    });
    process.stdout.write(options.json ? jsonReport(result) : resultText(result));
    return { success: result.exitCode === 0 };
  } catch (error) {
    process.stderr.write(errorText(error, process.env));
    return { success: false };
  }
}

function defaultFile(projectRoot: string): string {
  return (
    ['smoke.yaml', 'smoke.yml', 'smoke.json'].map((name) => join(projectRoot, name)).find(existsSync) ??
    join(projectRoot, 'smoke.yaml')
  );
}

/** dist/<project>/image.json, what docker-build wrote, when it did, unless a version or commit is given. */
function recordedImage(context: ExecutorContext): string | undefined {
  const path = join(context.root, 'dist', context.projectName!, 'image.json');
  return existsSync(path) ? path : undefined;
}
