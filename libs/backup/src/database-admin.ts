import type pg from 'pg';
import { createDatabaseIfMissing } from '@shopops/postgres';
import { withDatabase, type DatabaseTarget } from './database-url.ts';
import { BackupError, describeError } from './errors.ts';
import { connect } from './postgres-client.ts';

/** The server's maintenance database: only needed to create a database when the target does not exist yet. */
export const MAINTENANCE_DATABASE = 'postgres';

/**
 * Creates an empty database (from template0, so any dump restores into it) through `client`, a session
 * on any database of the same server.
 */
export async function createEmptyDatabase(client: pg.ClientBase, name: string, tablespace?: string): Promise<void> {
  try {
    await createDatabaseIfMissing(client, name, { template: 'template0', tablespace });
  } catch (error) {
    throw new BackupError(`cannot create database ${name}: ${describeError(error)}`, {
      remedy: 'create it yourself or use a role with CREATEDB',
      cause: error,
    });
  }
}

/** Creates the target through the maintenance database, saying why that database is needed. */
export async function createTargetDatabase(target: DatabaseTarget, log?: (line: string) => void): Promise<void> {
  log?.(`${target.database} does not exist: creating it through the maintenance database ${MAINTENANCE_DATABASE}`);
  const client = await connect(withDatabase(target, MAINTENANCE_DATABASE)).catch((error: BackupError) => {
    throw new BackupError(
      `${target.database} does not exist, and creating it needs a session on the maintenance database: ${error.message}`,
      { remedy: `create ${target.database} yourself, or grant CONNECT on ${MAINTENANCE_DATABASE}`, cause: error },
    );
  });
  try {
    await createEmptyDatabase(client, target.database);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops a database through `client`; `force` ends sessions still connected to it. */
export async function dropDatabase(client: pg.ClientBase, name: string, force = false): Promise<void> {
  await client.query(`drop database if exists ${client.escapeIdentifier(name)}${force ? ' with (force)' : ''}`);
}
