import type pg from 'pg';
import type { DatabaseTarget } from './database-url.ts';
import { BackupError, describeError } from './errors.ts';
import { connect } from './postgres-client.ts';
import { countRows } from './row-counts.ts';

export interface ExportedSnapshot {
  /** For `pg_dump --snapshot`. */
  id: string;
  serverVersion: string;
  /** pg_database_size of the database: sizes the upload's parts. */
  databaseBytes: number;
  /** Row counts as the exported snapshot sees them: exactly what pg_dump reads. */
  countRows(): Promise<Record<string, number>>;
  /** Ends the transaction; call only after pg_dump is done with the snapshot. */
  release(): Promise<void>;
}

/**
 * Opens a REPEATABLE READ transaction and exports its snapshot. The transaction must stay open
 * while pg_dump imports and reads it; the row counts come from the same snapshot.
 */
export async function exportSnapshot(target: DatabaseTarget): Promise<ExportedSnapshot> {
  const client = await connect(target);
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{ id: string; version: string; bytes: string }>(
      `select pg_export_snapshot() as id, current_setting('server_version') as version,
              pg_database_size(current_database()) as bytes`,
    );
    const row = rows[0];
    if (!row) throw new Error('pg_export_snapshot() returned nothing');
    return {
      id: row.id,
      serverVersion: row.version,
      databaseBytes: Number(row.bytes),
      countRows: () => countInSnapshot(client, target),
      release: async () => {
        await client.query('rollback').catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new BackupError(`cannot export a snapshot of ${target.display}: ${describeError(error)}`, { cause: error });
  }
}

async function countInSnapshot(client: pg.Client, target: DatabaseTarget) {
  try {
    return await countRows(client);
  } catch (error) {
    throw new BackupError(`counting rows in ${target.display} failed: ${describeError(error)}`, { cause: error });
  }
}
