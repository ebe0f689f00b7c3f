import { isAbsolute, join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import {
  commandNeedsDatabase,
  describeError,
  maskUrl,
  MigrateError,
  runMigrateCommand,
  type MigrateIo,
} from '@shopops/migrate';
import { OptionsError, parseOptions } from '../../src/parse-options.ts';
import { resolveDatabaseUrl } from '../../src/database-url.ts';
import { schema, type MigrateExecutorOptions } from './schema.ts';

const io: MigrateIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

/**
 * `nx run <project>:migrate [command]`: resolves the project's migrations folder and database URL,
 * then calls the @shopops/migrate engine's typed API, which prints exactly what its CLI prints.
 * Exit code 3 (status --exit-code found work) fails the target.
 */
export default async function migrateExecutor(rawOptions: MigrateExecutorOptions, context: ExecutorContext) {
  try {
    const { command, env, envProject, ...options } = parseOptions(schema, rawOptions, 'migrate');
    const projectRoot = context.projectsConfigurations.projects[context.projectName!]!.root;
    const fromProject = (path: string) => (isAbsolute(path) ? path : join(context.root, projectRoot, path));
    const dir = fromProject(options.dir);
    const database = commandNeedsDatabase(command)
      ? databaseUrl({ url: options.url, env }, envRoot(envProject, context), context.root)
      : undefined;
    const { exitCode } = await runMigrateCommand(
      command,
      {
        ...options,
        // `nx run api:migrate force 42` puts 42 where `new`'s name goes.
        to: options.to ?? (takesVersion(command) ? options.name : undefined),
        dir,
        file: options.file === undefined ? undefined : fromProject(options.file),
        url: database?.url,
      },
      { ...io, urlSource: database?.source },
    );
    return { success: exitCode === 0 };
  } catch (error) {
    const remedy = error instanceof OptionsError ? `see nx run ${context.projectName}:migrate --help` : undefined;
    io.stderr(
      `${describeError(remedy ? new MigrateError((error as Error).message, { remedy }) : error, process.env)}\n`,
    );
    return { success: false };
  }
}

// resolveDatabaseUrl says what is wrong and what to do in one sentence, `<what>; <remedy>`.
function withRemedy<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    const [what, ...remedy] = (error as Error).message.split('; ');
    throw new MigrateError(what!, { remedy: remedy.join('; ') || undefined });
  }
}

function takesVersion(command: string): boolean {
  return ['up', 'dry-run', 'force', 'baseline'].includes(command);
}

/** The root of the project whose `.env.<env>` files hold DATABASE_URL: --envProject, else this one. */
function envRoot(envProject: string | undefined, context: ExecutorContext): string {
  const name = envProject ?? context.projectName!;
  const project = context.projectsConfigurations.projects[name];
  if (!project) throw new Error(`--envProject: no project named '${name}' in this workspace`);
  return project.root;
}

function databaseUrl(
  options: { url?: string; env?: string },
  projectRoot: string,
  workspaceRoot: string,
): { url: string; source: string } {
  const resolved = withRemedy(() => resolveDatabaseUrl({ ...options, projectRoot, workspaceRoot }));
  // Which database is about to change must never be a guess, and never show the password.
  io.stderr(`migrate: database ${maskUrl(resolved.url)} (from ${resolved.source})\n`);
  if (resolved.warning) io.stderr(`migrate: warning: ${resolved.warning}\n`);
  return resolved;
}
