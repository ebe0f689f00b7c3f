import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { maskUrl, runCli } from '@shopops/migrate';
import { parseOptions } from '../../src/parse-options.ts';
import { toCliArguments, needsDatabase } from './cli-arguments.ts';
import { resolveDatabaseUrl } from '../../src/database-url.ts';
import { schema, type MigrateExecutorOptions } from './schema.ts';

/**
 * `nx run <project>:migrate [command]`: resolves the project's migrations folder and database URL,
 * then runs the @shopops/migrate engine. Exit code 3 (status --exit-code found work) fails the target.
 */
export default async function migrateExecutor(rawOptions: MigrateExecutorOptions, context: ExecutorContext) {
  try {
    const options = parseOptions(schema, rawOptions, 'migrate');
    const projectRoot = context.projectsConfigurations.projects[context.projectName!]!.root;
    const paths = {
      dir: join(context.root, projectRoot, options.dir),
      schemaFile: join(context.root, projectRoot, options.schemaFile),
    };
    const url = needsDatabase(options.command)
      ? databaseUrl(options, envRoot(options.envProject, context), context.root)
      : '';
    const exitCode = await runCli(toCliArguments(options, url, paths), process.env);
    return { success: exitCode === 0 };
  } catch (error) {
    console.error(`migrate: ${(error as Error).message}`);
    return { success: false };
  }
}

/** The root of the project whose `.env.<env>` files hold DATABASE_URL: --envProject, else this one. */
function envRoot(envProject: string | undefined, context: ExecutorContext): string {
  const name = envProject ?? context.projectName!;
  const project = context.projectsConfigurations.projects[name];
  if (!project) throw new Error(`--envProject: no project named '${name}' in this workspace`);
  return project.root;
}

function databaseUrl(options: { url?: string; env?: string }, projectRoot: string, workspaceRoot: string): string {
  const { url, source } = resolveDatabaseUrl({ ...options, projectRoot, workspaceRoot });
  // Which database is about to change must never be a guess, and never show the password.
  console.error(`migrate: database ${maskUrl(url)} (from ${source})`);
  return url;
}
