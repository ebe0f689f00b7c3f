import type pg from 'pg';
import { MigrateError } from './errors.ts';
import { clearDirty, deleteHistory, insertHistory } from './history.ts';
import { DEFAULT_HISTORY_TABLE, type HistoryTable } from './history-table.ts';
import type { RunOptions } from './options.ts';
import { migrationAt } from './plan.ts';
import { withLockedHistory } from './runner.ts';
import type { Migration } from './types.ts';
import { compareVersions } from './versions.ts';

export interface ForceResult {
  /** The version the database is now recorded at. */
  version: string;
  /** Versions whose dirty mark was cleared. */
  cleared: string[];
  /** Versions above `version` that are no longer recorded as applied. */
  forgotten: string[];
}

export interface BaselineResult {
  version: string;
  /** Every version recorded as applied, oldest first. */
  recorded: string[];
}

/**
 * golang-migrate's escape hatch after a failure outside a transaction: records the database as being
 * at `version` (that file applied, nothing above it) and clears the dirty mark. Runs no SQL of the files.
 */
export async function force(options: RunOptions & { version: string }): Promise<ForceResult> {
  return withLockedHistory(
    options,
    async (client, o, migrations, history) => {
      const migration = migrationAt(migrations, options.version, 'force');
      const forgotten = history
        .filter((row) => compareVersions(row.version, migration.version) > 0)
        .map((row) => row.version);
      const cleared = history.filter((row) => row.dirty).map((row) => row.version);
      await inTransaction(client, async () => {
        await deleteHistory(client, o.table, forgotten);
        await clearDirty(client, o.table);
        // An applied row keeps when it was applied; only the dirty mark goes.
        if (!history.some((row) => row.version === migration.version)) {
          await insertHistory(client, o.table, migration, null);
        }
      });
      o.log(
        `forced ${migration.version}_${migration.name}${forgotten.length ? `; no longer recorded: ${forgotten.join(', ')}` : ''}`,
      );
      return { version: migration.version, cleared, forgotten };
    },
    { safety: false, beforeWrite: (migrations) => migrationAt(migrations, options.version, 'force') },
  );
}

/**
 * Marks a database that already has the schema (made by hand, or by another tool) as migrated up
 * to and including `version`, like Alembic's `stamp`. Only on a database without history: on one
 * with history it would hide what really ran.
 */
export async function baseline(options: RunOptions & { version: string }): Promise<BaselineResult> {
  return withLockedHistory(
    options,
    async (client, o, migrations) => {
      const target = migrationAt(migrations, options.version, 'baseline');
      const recorded = migrations.filter((m) => compareVersions(m.version, target.version) <= 0);
      await inTransaction(client, () => recordAll(client, o.table, recorded));
      o.log(`baseline: recorded ${recorded.length} migrations as applied, up to ${target.version}_${target.name}`);
      return { version: target.version, recorded: recorded.map((m) => m.version) };
    },
    {
      safety: false,
      beforeWrite: (migrations, history) => {
        migrationAt(migrations, options.version, 'baseline');
        if (history.length > 0)
          throw alreadyHasHistory(
            options.table,
            history.map((row) => row.version),
          );
      },
    },
  );
}

function alreadyHasHistory(table: string | undefined, versions: string[]): MigrateError {
  const newest = [...versions].sort(compareVersions).at(-1);
  return new MigrateError(
    `baseline: ${table ?? DEFAULT_HISTORY_TABLE} already records ${versions.length} applied migration${versions.length === 1 ? '' : 's'} (newest ${newest}); refusing to overwrite real history`,
    {
      remedy:
        'baseline is for a database that has the schema but no history; to move the recorded version use `migrate force <version>`',
    },
  );
}

async function recordAll(client: pg.Client, table: HistoryTable, migrations: Migration[]): Promise<void> {
  await client.query(
    `INSERT INTO ${table.sql} (version, name, checksum, applied_at, dirty)
     SELECT version, name, checksum, now(), false FROM unnest($1::text[], $2::text[], $3::text[]) AS f(version, name, checksum)`,
    [migrations.map((m) => m.version), migrations.map((m) => m.name), migrations.map((m) => m.checksum)],
  );
}

async function inTransaction(client: pg.Client, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
