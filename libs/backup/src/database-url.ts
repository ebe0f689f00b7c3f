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
    throw new BackupError('no database URL given', {
      remedy: 'pass --url postgres://user@host:5432/db or set DATABASE_URL',
    });
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BackupError(`not a database URL: ${maskSecrets(raw)}`, {
      remedy: 'use the form postgres://user:password@host:5432/database',
    });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new BackupError(`not a postgres:// URL: ${maskSecrets(raw)}`, {
      remedy: 'use the form postgres://user:password@host:5432/database',
    });
  }
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  registerSecret(password);
  url.password = '';
  const database =
    decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres';
  return {
    url: url.toString(),
    password,
    host: url.hostname,
    port: url.port || '5432',
    database,
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
