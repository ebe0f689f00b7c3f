import { isAbsolute, join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { z } from 'zod';
import { executeBackupCommand, maskSecrets, type BackupCommand, type BackupCommandOptions } from '@shopops/backup';
import { resolveDatabaseUrl } from '../database-url.ts';
import { parseOptions } from '../parse-options.ts';
import type { NxDatabaseOptions } from './options.ts';

/** Which commands read or write a database, and so need its URL. */
const NEEDS_DATABASE: Record<BackupCommand, (options: { drill?: boolean }) => boolean> = {
  backup: () => true,
  restore: () => true,
  verify: (options) => options.drill !== false,
  list: () => false,
  prune: () => false,
};

/**
 * The body of every backup executor: validate with the executor's schema (the engine's, extended),
 * resolve the database URL and workspace-relative paths, then call the engine's typed API, which
 * prints exactly what the `backup` CLI prints.
 */
export async function runBackupCommand<C extends BackupCommand>(
  command: C,
  schema: z.ZodType<BackupCommandOptions<C> & Partial<NxDatabaseOptions>>,
  rawOptions: unknown,
  context: ExecutorContext,
  target: string = command,
): Promise<{ success: boolean }> {
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  const exitCode = await executeBackupCommand(
    command,
    () => {
      const { env, envProject, ...options } = asUsage(() => parseOptions(schema, rawOptions, target));
      const inWorkspace = (path: string | undefined) =>
        path === undefined || path.startsWith('s3://') || isAbsolute(path) ? path : join(context.root, path);
      const resolved = {
        ...options,
        destination: inWorkspace(options.destination ?? process.env.BACKUP_DESTINATION ?? 'backups'),
      } as BackupCommandOptions<C> & { metricsFile?: string };
      if ('metricsFile' in resolved) resolved.metricsFile = inWorkspace(resolved.metricsFile);
      if (NEEDS_DATABASE[command](resolved as { drill?: boolean })) {
        (resolved as { url?: string }).url = databaseUrl({ ...options, env, envProject }, context, target);
      }
      return resolved;
    },
    io,
  );
  return { success: exitCode === 0 };
}

function databaseUrl(options: Partial<NxDatabaseOptions>, context: ExecutorContext, target: string): string {
  const projectName = options.envProject ?? context.projectName!;
  const project = context.projectsConfigurations.projects[projectName];
  if (!project) throw new ExecutorUsage(`--envProject: no project named '${projectName}' in this workspace`);
  const { url, source, warning } = asUsage(() =>
    resolveDatabaseUrl({ ...options, projectRoot: project.root, workspaceRoot: context.root }),
  );
  if (warning) console.error(`${target}: warning: ${warning}`);
  // Which database is about to be read or overwritten must never be a guess, and never show the password.
  console.error(maskSecrets(`${target}: database ${url} (from ${source})`));
  return url;
}

function asUsage<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw new ExecutorUsage((error as Error).message);
  }
}

/** A problem with the executor's options or the workspace: said in one line, with where to look. */
class ExecutorUsage extends Error {
  readonly remedy = 'see the target’s --help (nx run <project>:<target> --help)';
}
