import { withDatabase, type DatabaseTarget } from './database-url.ts';
import { BackupError, describeError } from './errors.ts';
import { withClient } from './postgres-client.ts';

/** Database-level commands go through the server's maintenance database. */
const maintenance = (target: DatabaseTarget) => withDatabase(target, 'postgres');

export async function databaseExists(target: DatabaseTarget): Promise<boolean> {
  return withClient(maintenance(target), async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [target.database]);
    return (rowCount ?? 0) > 0;
  });
}

export async function createDatabase(target: DatabaseTarget): Promise<void> {
  await withClient(maintenance(target), async (client) => {
    try {
      await client.query(`create database ${client.escapeIdentifier(target.database)}`);
    } catch (error) {
      throw new BackupError(`cannot create database ${target.database} on ${target.host}: ${describeError(error)}`, {
        remedy: 'create it yourself or use a role with CREATEDB',
        cause: error,
      });
    }
  });
}

export async function dropDatabase(target: DatabaseTarget): Promise<void> {
  await withClient(maintenance(target), async (client) => {
    await client.query(`drop database if exists ${client.escapeIdentifier(target.database)} with (force)`);
  });
}
