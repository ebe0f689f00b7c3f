import type pg from 'pg';
import type { HistoryTable } from './history-table.ts';
import { quoteIdent } from './history-table.ts';
import type { Migration } from './types.ts';

/** One row of the history table; columns an un-adopted dbmate table lacks read as null. */
export interface HistoryRow {
  version: string;
  name: string | null;
  checksum: string | null;
  appliedAt: Date | null;
  durationMs: number | null;
}

/** Read-only check, so status and dry-run write nothing, not even the history table. */
export async function historyExists(client: pg.Client, table: HistoryTable): Promise<boolean> {
  const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table.sql]);
  return rows[0]!.exists;
}

// Nullable, because rows adopted from dbmate have no values for them.
const ADDED_COLUMNS = ['name text', 'checksum text', 'applied_at timestamptz', 'duration_ms integer'];

/**
 * Creates the table, or adopts an existing one in place (a dbmate table has only `version`).
 * Writes only what is missing: a runner without CREATE on the database, or an up-to-date
 * table, needs no DDL (and no ACCESS EXCLUSIVE lock on the table) on every run.
 */
export async function ensureHistory(client: pg.Client, table: HistoryTable): Promise<void> {
  const { rows } = await client.query<{ schema: string | null; columns: string[] | null }>(
    `SELECT to_regnamespace($1)::text AS schema,
            (SELECT array_agg(attname::text) FROM pg_attribute
              WHERE attrelid = to_regclass($2) AND attnum > 0 AND NOT attisdropped) AS columns`,
    [quoteIdent(table.schema), table.sql],
  );
  const { schema, columns } = rows[0]!;
  if (!schema) await client.query(`CREATE SCHEMA ${quoteIdent(table.schema)}`);
  if (!columns) {
    await client.query(`CREATE TABLE ${table.sql} (version text PRIMARY KEY, ${ADDED_COLUMNS.join(', ')})`);
    return;
  }
  const missing = ADDED_COLUMNS.filter((column) => !columns.includes(column.split(' ')[0]!));
  if (missing.length > 0) {
    await client.query(
      `ALTER TABLE ${table.sql} ${missing.map((column) => `ADD COLUMN IF NOT EXISTS ${column}`).join(', ')}`,
    );
  }
}

/**
 * Rows written by dbmate have no checksum or name. They take them from the files as they are
 * now, the first time we see them: later edits to those files then count as drift.
 */
export async function backfillHistory(client: pg.Client, table: HistoryTable, migrations: Migration[]): Promise<void> {
  if (migrations.length === 0) return;
  await client.query(
    `UPDATE ${table.sql} AS h SET checksum = f.checksum, name = f.name
       FROM unnest($1::text[], $2::text[], $3::text[]) AS f(version, name, checksum)
      WHERE h.version = f.version AND h.checksum IS NULL`,
    [migrations.map((m) => m.version), migrations.map((m) => m.name), migrations.map((m) => m.checksum)],
  );
}

export async function readHistory(client: pg.Client, table: HistoryTable): Promise<HistoryRow[]> {
  // to_jsonb reads whatever columns exist, so an un-adopted dbmate table reads without writing to it.
  const { rows } = await client.query<{ row: Record<string, unknown> }>(
    `SELECT to_jsonb(h) AS row FROM ${table.sql} AS h`,
  );
  return rows.map(({ row }) => ({
    version: String(row.version),
    name: (row.name as string | undefined) ?? null,
    checksum: (row.checksum as string | undefined) ?? null,
    appliedAt: row.applied_at ? new Date(row.applied_at as string) : null,
    durationMs: (row.duration_ms as number | undefined) ?? null,
  }));
}

export async function insertHistory(
  client: pg.Client,
  table: HistoryTable,
  migration: Migration,
  durationMs: number,
): Promise<void> {
  await client.query(
    `INSERT INTO ${table.sql} (version, name, checksum, applied_at, duration_ms) VALUES ($1, $2, $3, now(), $4)`,
    [migration.version, migration.name, migration.checksum, durationMs],
  );
}

export async function deleteHistory(client: pg.Client, table: HistoryTable, version: string): Promise<void> {
  await client.query(`DELETE FROM ${table.sql} WHERE version = $1`, [version]);
}
