import type pg from 'pg';
import { connect as openSession, PostgresConnectError } from '@shopops/postgres';
import { connectionString, type DatabaseTarget } from './database-url.ts';
import { BackupError } from './errors.ts';
import { maskSecrets } from './mask.ts';

const SESSION = { applicationName: 'backup' };

/** One session named `backup`; a failure to connect becomes a BackupError whose cause keeps the SQLSTATE. */
export async function connect(target: DatabaseTarget): Promise<pg.Client> {
  try {
    return await openSession(connectionString(target), SESSION);
  } catch (error) {
    if (!(error instanceof PostgresConnectError)) throw error;
    throw new BackupError(maskSecrets(error.message), { remedy: error.remedy, cause: error });
  }
}

export async function withClient<T>(target: DatabaseTarget, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(target);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
