import { EXPECTED_FORM, parsePostgresUrl, PostgresUrlError, type PostgresUrl } from '@shopops/postgres';
import { BackupError } from './errors.ts';
import { maskSecrets, registerSecret } from './mask.ts';

export interface DatabaseTarget {
  /** The URL without its password, safe to pass on a command line. */
  url: string;
  /** The password, for PGPASSWORD, so it never shows in a process listing. */
  password?: string;
  host: string;
  port: string;
  database: string;
  /** For messages. */
  display: string;
}

export function parseDatabaseUrl(raw: string | undefined): DatabaseTarget {
  if (!raw) {
    throw new BackupError('no database URL given', { remedy: `pass --url ${EXPECTED_FORM} or set DATABASE_URL` });
  }
  let parsed: PostgresUrl;
  try {
    parsed = parsePostgresUrl(raw);
  } catch (error) {
    if (error instanceof PostgresUrlError) throw new BackupError(error.message, { remedy: error.remedy });
    throw error;
  }
  registerSecret(parsed.password);
  return {
    url: parsed.url.toString(),
    password: parsed.password,
    host: parsed.host,
    port: String(parsed.port),
    database: parsed.database,
    display: maskSecrets(raw),
  };
}

/** The same server, another database: used for scratch and new databases. */
export function withDatabase(target: DatabaseTarget, database: string): DatabaseTarget {
  const url = new URL(target.url);
  url.pathname = `/${encodeURIComponent(database)}`;
  return { ...target, url: url.toString(), database, display: maskSecrets(url.toString()) };
}

/** Connection string for node-postgres, password included. */
export function connectionString(target: DatabaseTarget): string {
  const url = new URL(target.url);
  if (target.password) url.password = encodeURIComponent(target.password);
  return url.toString();
}

/** Environment for libpq tools: the password travels in PGPASSWORD, not argv. */
export function libpqEnv(target: DatabaseTarget): NodeJS.ProcessEnv {
  return target.password ? { PGPASSWORD: target.password } : {};
}
