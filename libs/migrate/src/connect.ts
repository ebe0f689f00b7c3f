import type pg from 'pg';
import { connect as openSession, PostgresConnectError } from '@shopops/postgres';
import { MigrateError } from './errors.ts';
import { maskSecrets, parseDatabaseUrl } from './url.ts';

const SESSION = { applicationName: 'migrate' };

/** Opens one session named `migrate` (visible in pg_stat_activity); connection failures become one clear line. */
export async function connect(url: string): Promise<pg.Client> {
  parseDatabaseUrl(url);
  try {
    return await openSession(url, SESSION);
  } catch (error) {
    if (!(error instanceof PostgresConnectError)) throw error;
    throw new MigrateError(maskSecrets(error.message, url), { remedy: error.remedy, cause: error });
  }
}

/** Runs `fn` with a fresh session and always closes it. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
