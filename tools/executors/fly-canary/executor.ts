import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { errorText, planText, resultText, runCanary, type CanaryOptions } from '@shopops/canary';
import { parseOptions } from '../../src/parse-options.ts';
import { schema, type FlyCanaryExecutorOptions } from './schema.ts';

/**
 * `nx run <project>:fly-canary`: paths resolved against the workspace root, the image docker-build
 * recorded and the report beside it under dist/<project>/, the project's smoke file for synthetic load,
 * Ctrl-C wired to the engine's rollback; then the engine's runCanary.
 */
export default async function flyCanaryExecutor(rawOptions: FlyCanaryExecutorOptions, context: ExecutorContext) {
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.stderr.write('fly-canary: finishing the rollback first\n');
    else interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { writeReport, ...options } = parseOptions(schema, rawOptions, 'fly-canary');
    const project = context.projectName!;
    const projectRoot = context.projectsConfigurations.projects[project]!.root;
    const smoke = join(context.root, projectRoot, 'smoke.yaml');
    const resolved: CanaryOptions = {
      ...options,
      imageRecord: options.imageRecord ?? `dist/${project}/image.json`,
      smokeFile: options.smokeFile ?? (existsSync(smoke) ? smoke : undefined),
      report: writeReport ? (options.report ?? `dist/${project}/deploy.json`) : undefined,
    };
    const { report, exitCode } = await runCanary(resolved, {
      cwd: context.root,
      signal: interrupt.signal,
      ...(process.stderr.isTTY ? { progress: (line: string) => process.stderr.write(`${line}\n`) } : {}),
    });
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(report.outcome === 'planned' ? planText(report) : resultText(report));
    return { success: exitCode === 0 };
  } catch (error) {
    process.stderr.write(errorText(error, process.env));
    return { success: false };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
