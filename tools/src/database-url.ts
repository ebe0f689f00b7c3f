import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseEnv } from 'node:util';

export interface DatabaseUrlSources {
  /** The executor's --url / target option. */
  url?: string;
  /** The executor's --env option: an explicit request for that environment's file. */
  env?: string;
  projectRoot: string;
  workspaceRoot: string;
  environment?: NodeJS.ProcessEnv;
}

export interface ResolvedDatabaseUrl {
  url: string;
  /** Where it came from, for the "using …" line: users must see which database they are about to change. */
  source: string;
  /** Set when the password came on the command line, which Nx prints in its task header. */
  warning?: string;
}

const PASSWORD_ON_COMMAND_LINE =
  '--url carries a password, and Nx prints the command line of every task it runs: pass it through DATABASE_URL or the `.env.<env>` file instead';

/**
 * The URL from --url (or the target's options), else DATABASE_URL from the environment, else from
 * the project's `.env.<env>` file. An explicit --env always means that file: a DATABASE_URL left
 * exported in the shell must not silently redirect `--env staging` to another database.
 */
export function resolveDatabaseUrl(sources: DatabaseUrlSources): ResolvedDatabaseUrl {
  const environment = sources.environment ?? process.env;
  if (sources.url && sources.env) {
    throw new Error('both --url and --env were given; pass only one so it is clear which database is meant');
  }
  if (sources.url) {
    return {
      url: sources.url,
      source: '--url',
      warning: hasPassword(sources.url) ? PASSWORD_ON_COMMAND_LINE : undefined,
    };
  }
  if (!sources.env && environment.DATABASE_URL) return { url: environment.DATABASE_URL, source: 'DATABASE_URL' };

  const env = sources.env ?? environment.ENV ?? 'dev';
  const file = join(sources.workspaceRoot, sources.projectRoot, `.env.${env}`);
  const shown = relative(sources.workspaceRoot, file);
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')).DATABASE_URL : undefined;
  if (fromFile) return { url: fromFile, source: shown };
  throw new Error(
    `no database URL: ${existsSync(file) ? `${shown} has no DATABASE_URL` : `${shown} does not exist`}; ` +
      'pass --url, export DATABASE_URL, or add DATABASE_URL to that file',
  );
}

function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    // Not a URL at all: the engine says so, with its own message; a guess here would only add noise.
    return /:[^:@/]+@/.test(url);
  }
}
