import type pg from 'pg';
import type { HistoryTable } from './history-table.ts';
import { quoteIdent } from './history-table.ts';
import type { Migration } from './types.ts';
import { compareVersions } from './versions.ts';

/** One row of the history table; columns an un-adopted dbmate table lacks read as null. */
export interface HistoryRow {
  version: string;
  name: string | null;
  checksum: string | null;
  appliedAt: Date | null;
  durationMs: number | null;
  /** A section that could not roll back failed part-way (golang-migrate's dirty flag). */
  dirty: boolean;
}

/**
 * What is there: nothing, our table (or dbmate's, which has only `version`), or golang-migrate's
 * `(version bigint, dirty boolean)` holding one row, the current version.
 */
export type HistoryShape =
  { kind: 'absent'; schemaExists: boolean } | { kind: 'ours'; missingColumns: string[] } | { kind: 'golang-migrate' };

// Nullable, because rows adopted from dbmate have no values for them.
const ADDED_COLUMNS = [
  'name text',
  'checksum text',
  'applied_at timestamptz',
  'duration_ms integer',
  'dirty boolean NOT NULL DEFAULT false',
];

/** Read-only, so status and dry-run write nothing, not even the history table. */
export async function inspectHistory(client: pg.Client, table: HistoryTable): Promise<HistoryShape> {
  const { rows } = await client.query<{ schema: string | null; columns: Record<string, string> | null }>(
    `SELECT to_regnamespace($1)::text AS schema,
            (SELECT json_object_agg(attname, format_type(atttypid, atttypmod)) FROM pg_attribute
              WHERE attrelid = to_regclass($2) AND attnum > 0 AND NOT attisdropped) AS columns`,
    [quoteIdent(table.schema), table.sql],
  );
  const { schema, columns } = rows[0]!;
  if (!columns) return { kind: 'absent', schemaExists: schema !== null };
  if (/^(bigint|integer)$/.test(columns.version ?? '') && 'dirty' in columns && !('checksum' in columns)) {
    return { kind: 'golang-migrate' };
  }
  const missingColumns = ADDED_COLUMNS.filter((column) => !(column.split(' ')[0]! in columns));
  return { kind: 'ours', missingColumns };
}

/**
 * The applied versions. golang-migrate's table says only "at version V": every file up to V is
 * applied, and V itself is dirty when its flag is set. `migrations` are the files, for that reading.
 */
export async function readHistory(
  client: pg.Client,
  table: HistoryTable,
  shape: HistoryShape,
  migrations: Migration[] = [],
): Promise<HistoryRow[]> {
  if (shape.kind === 'absent') return [];
  if (shape.kind === 'golang-migrate') return readGolangMigrateHistory(client, table, migrations);
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
    dirty: row.dirty === true,
  }));
}

async function readGolangMigrateHistory(
  client: pg.Client,
  table: HistoryTable,
  migrations: Migration[],
): Promise<HistoryRow[]> {
  const { rows } = await client.query<{ version: string; dirty: boolean }>(
    `SELECT version::text AS version, dirty FROM ${table.sql}`,
  );
  return rows.flatMap(({ version, dirty }) => {
    const upTo = migrations.filter((m) => compareVersions(m.version, version) <= 0);
    const current = upTo.find((m) => compareVersions(m.version, version) === 0)?.version;
    const versions = [...upTo.map((m) => m.version), ...(current ? [] : [version])];
    return versions.map((v) => ({
      version: v,
      name: null,
      checksum: null,
      appliedAt: null,
      durationMs: null,
      dirty: dirty && compareVersions(v, version) === 0,
    }));
  });
}

/**
 * Creates the table, or adopts an existing one in place: a dbmate table gets the missing columns,
 * golang-migrate's one row becomes one row per applied file (version as text, like the files').
 * Writes only what is missing: an up-to-date table needs no DDL (and no ACCESS EXCLUSIVE lock) on every run.
 * Returns whether it changed anything.
 */
export async function ensureHistory(
  client: pg.Client,
  table: HistoryTable,
  shape: HistoryShape,
  history: HistoryRow[],
): Promise<boolean> {
  if (shape.kind === 'absent') {
    if (!shape.schemaExists) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(table.schema)}`);
    await client.query(`CREATE TABLE ${table.sql} (version text PRIMARY KEY, ${ADDED_COLUMNS.join(', ')})`);
    return true;
  }
  if (shape.kind === 'golang-migrate') {
    await adoptGolangMigrateTable(client, table, history);
    return true;
  }
  if (shape.missingColumns.length === 0) return false;
  await client.query(
    `ALTER TABLE ${table.sql} ${shape.missingColumns.map((column) => `ADD COLUMN IF NOT EXISTS ${column}`).join(', ')}`,
  );
  return true;
}

async function adoptGolangMigrateTable(client: pg.Client, table: HistoryTable, history: HistoryRow[]): Promise<void> {
  const added = ADDED_COLUMNS.filter((column) => !column.startsWith('dirty '));
  try {
    await client.query('BEGIN');
    await client.query(`DELETE FROM ${table.sql}`);
    await client.query(
      `ALTER TABLE ${table.sql} ALTER COLUMN version TYPE text USING version::text, ALTER COLUMN dirty SET DEFAULT false, ${added.map((c) => `ADD COLUMN ${c}`).join(', ')}`,
    );
    await client.query(`INSERT INTO ${table.sql} (version, dirty) SELECT * FROM unnest($1::text[], $2::boolean[])`, [
      history.map((row) => row.version),
      history.map((row) => row.dirty),
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Rows written by dbmate or golang-migrate have no checksum or name. They take them from the files
 * as they are now, the first time we see them: later edits to those files then count as drift.
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

/** Records a migration as applied (or, with `dirty`, as running); an existing row is overwritten. */
export async function insertHistory(
  client: pg.Client,
  table: HistoryTable,
  migration: Migration,
  durationMs: number | null,
  dirty = false,
): Promise<void> {
  await client.query(
    `INSERT INTO ${table.sql} (version, name, checksum, applied_at, duration_ms, dirty) VALUES ($1, $2, $3, now(), $4, $5)
     ON CONFLICT (version) DO UPDATE SET name = $2, checksum = $3, applied_at = now(), duration_ms = $4, dirty = $5`,
    [migration.version, migration.name, migration.checksum, durationMs, dirty],
  );
}

/**
 * The history write as one SQL text (values escaped by the driver), so it can share a round trip
 * with COMMIT: one per file fewer, which is most of what separates `up` from psql itself.
 */
export function insertHistorySql(
  client: pg.Client,
  table: HistoryTable,
  migration: Migration,
  durationMs?: number,
): string {
  const [version, name, checksum] = [migration.version, migration.name, migration.checksum].map((value) =>
    client.escapeLiteral(value),
  );
  // now() is when the transaction began, so this is how long the section's SQL took.
  const duration =
    durationMs === undefined
      ? `round(extract(epoch FROM clock_timestamp() - now()) * 1000)::integer`
      : Math.round(durationMs);
  return `INSERT INTO ${table.sql} (version, name, checksum, applied_at, duration_ms, dirty) VALUES (${version}, ${name}, ${checksum}, now(), ${duration}, false)
     ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, applied_at = now(), duration_ms = EXCLUDED.duration_ms, dirty = false`;
}

export function deleteHistorySql(client: pg.Client, table: HistoryTable, version: string): string {
  return `DELETE FROM ${table.sql} WHERE version = ${client.escapeLiteral(version)}`;
}

export async function markHistoryDirty(client: pg.Client, table: HistoryTable, version: string): Promise<void> {
  await client.query(`UPDATE ${table.sql} SET dirty = true WHERE version = $1`, [version]);
}

export async function deleteHistory(client: pg.Client, table: HistoryTable, versions: string[]): Promise<void> {
  await client.query(`DELETE FROM ${table.sql} WHERE version = ANY($1::text[])`, [versions]);
}

export async function clearDirty(client: pg.Client, table: HistoryTable): Promise<void> {
  await client.query(`UPDATE ${table.sql} SET dirty = false WHERE dirty`);
}
