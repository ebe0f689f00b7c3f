import { isAbsolute, join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { z } from 'zod';
import { maskSecrets, runCli } from '@shopops/backup';
import { resolveDatabaseUrl } from '../database-url.ts';
import { parseOptions } from '../parse-options.ts';
import { toBackupCliArguments, type BackupCommand, type CommandOptions } from './cli-arguments.ts';

/** Which commands read or write a database, and so need its URL. */
const NEEDS_DATABASE: Record<BackupCommand, (options: CommandOptions) => boolean> = {
  backup: () => true,
  restore: () => true,
  verify: (options) => options.drill !== false,
  list: () => false,
  prune: () => false,
};

/**
 * The body of every backup executor: validate the options with the executor's schema, resolve the
 * database URL and a workspace-relative destination, then run the @shopops/backup CLI in-process.
 */
export async function runBackupCommand(
  command: BackupCommand,
  schema: z.ZodType<CommandOptions>,
  rawOptions: unknown,
  context: ExecutorContext,
  target: string = command,
): Promise<{ success: boolean }> {
  try {
    const options = parseOptions(schema, rawOptions, target);
    const destination = options.destination ?? process.env.BACKUP_DESTINATION ?? 'backups';
    const url = NEEDS_DATABASE[command](options) ? databaseUrl(options, context, target) : undefined;
    const args = toBackupCliArguments(
      command,
      { ...options, destination: inWorkspace(destination, context.root) },
      url,
    );
    const exitCode = await runCli(args, { env: process.env });
    return { success: exitCode === 0 };
  } catch (error) {
    console.error(maskSecrets(`${target}: ${(error as Error).message}`));
    return { success: false };
  }
}

function databaseUrl(options: CommandOptions, context: ExecutorContext, target: string): string {
  const projectName = options.envProject ?? context.projectName!;
  const project = context.projectsConfigurations.projects[projectName];
  if (!project) throw new Error(`--envProject: no project named '${projectName}' in this workspace`);
  const { url, source, warning } = resolveDatabaseUrl({
    ...options,
    projectRoot: project.root,
    workspaceRoot: context.root,
  });
  if (warning) console.error(`${target}: warning: ${warning}`);
  // Which database is about to be read or overwritten must never be a guess, and never show the password.
  console.error(maskSecrets(`${target}: database ${url} (from ${source})`));
  return url;
}

/** Relative directories mean the workspace root, wherever Nx was started from. */
function inWorkspace(destination: string, workspaceRoot: string): string {
  if (destination.startsWith('s3://') || isAbsolute(destination)) return destination;
  return join(workspaceRoot, destination);
}
