import type pg from 'pg';
import { applySection } from './apply.ts';
import { withClient } from './connect.ts';
import { MigrateError } from './errors.ts';
import { readMigrations } from './files.ts';
import {
  backfillHistory,
  deleteHistory,
  ensureHistory,
  historyExists,
  insertHistory,
  readHistory,
  type HistoryRow,
} from './history.ts';
import { withAdvisoryLock } from './lock.ts';
import { resolveRunOptions, type ResolvedRunOptions, type RunOptions } from './options.ts';
import { checkDrift, selectPending, selectToRevert, statusOf, type Status } from './plan.ts';
import type { Migration } from './types.ts';

export interface MigrationRun {
  version: string;
  name: string;
  file: string;
  durationMs: number;
}

export interface UpResult {
  applied: MigrationRun[];
}

export interface DownResult {
  reverted: MigrationRun[];
}

export interface RedoResult {
  reverted: MigrationRun;
  applied: MigrationRun;
}

export interface PlannedMigration {
  version: string;
  name: string;
  file: string;
  /** false when the section runs outside a transaction, statement by statement. */
  transaction: boolean;
  sql: string;
}

export interface DryRunResult {
  migrations: PlannedMigration[];
}

/** Applies pending migrations, oldest first, up to and including `target` when given. */
export async function up(options: RunOptions & { target?: string }): Promise<UpResult> {
  return withLockedHistory(options, async (client, o, migrations, history) => {
    const pending = selectPending(migrations, history, options.target, o.allowOutOfOrder);
    if (pending.length === 0) o.log('nothing to apply: the database is up to date');
    const applied: MigrationRun[] = [];
    for (const migration of pending) applied.push(await applyUp(client, o, migration));
    return { applied };
  });
}

/** Reverts the `steps` newest applied migrations (default 1), newest first, each in its own transaction. */
export async function down(options: RunOptions & { steps?: number }): Promise<DownResult> {
  const steps = options.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new MigrateError(`invalid --steps ${steps}`, {
      remedy: 'expected a whole number of migrations to revert, 1 or more',
    });
  }
  return withLockedHistory(options, async (client, o, migrations, history) => {
    const toRevert = selectToRevert(migrations, history, steps, o.table.sql);
    if (toRevert.length === 0) o.log('nothing to revert: no migration is applied');
    const reverted: MigrationRun[] = [];
    for (const migration of toRevert) reverted.push(await applyDown(client, o, migration));
    return { reverted };
  });
}

/** Reverts the newest applied migration and applies it again. */
export async function redo(options: RunOptions): Promise<RedoResult> {
  return withLockedHistory(options, async (client, o, migrations, history) => {
    const [migration] = selectToRevert(migrations, history, 1, o.table.sql);
    if (!migration)
      throw new MigrateError('nothing to redo: no migration is applied', { remedy: 'run `migrate up` first' });
    return { reverted: await applyDown(client, o, migration), applied: await applyUp(client, o, migration) };
  });
}

/** Applied, pending, drifted and missing migrations. Reads only: takes no lock and creates nothing. */
export async function status(options: RunOptions): Promise<Status> {
  const { migrations, history } = await readWithoutWriting(options);
  return statusOf(migrations, history);
}

/** The SQL `up` would run, per file, after the same safety checks. Writes nothing. */
export async function dryRun(options: RunOptions & { target?: string }): Promise<DryRunResult> {
  const { o, migrations, history } = await readWithoutWriting(options);
  checkDrift(statusOf(migrations, history), o.allowDrift);
  const pending = selectPending(migrations, history, options.target, o.allowOutOfOrder);
  return {
    migrations: pending.map((m) => ({
      version: m.version,
      name: m.name,
      file: m.file,
      transaction: m.up.transaction,
      sql: m.up.sql,
    })),
  };
}

type LockedWork<T> = (
  client: pg.Client,
  o: ResolvedRunOptions,
  migrations: Migration[],
  history: HistoryRow[],
) => Promise<T>;

/** One runner per database: everything that writes runs holding the advisory lock, after the drift check. */
async function withLockedHistory<T>(options: RunOptions, work: LockedWork<T>): Promise<T> {
  const o = resolveRunOptions(options);
  const migrations = await readMigrations(o.dir);
  return withClient(o.url, (client) =>
    withAdvisoryLock(client, o.table, o.lockTimeoutMs, o.log, async () => {
      await ensureHistory(client, o.table);
      await backfillHistory(client, o.table, migrations);
      const history = await readHistory(client, o.table);
      checkDrift(statusOf(migrations, history), o.allowDrift);
      return work(client, o, migrations, history);
    }),
  );
}

async function readWithoutWriting(
  options: RunOptions,
): Promise<{ o: ResolvedRunOptions; migrations: Migration[]; history: HistoryRow[] }> {
  const o = resolveRunOptions(options);
  const migrations = await readMigrations(o.dir);
  const history = await withClient(o.url, async (client) =>
    (await historyExists(client, o.table)) ? readHistory(client, o.table) : [],
  );
  return { o, migrations, history };
}

async function applyUp(client: pg.Client, o: ResolvedRunOptions, migration: Migration): Promise<MigrationRun> {
  const durationMs = await applySection(
    client,
    migration,
    'up',
    (ms) => insertHistory(client, o.table, migration, ms),
    o,
  );
  o.log(`applied ${migration.version}_${migration.name} (${durationMs} ms)`);
  return { version: migration.version, name: migration.name, file: migration.file, durationMs };
}

async function applyDown(client: pg.Client, o: ResolvedRunOptions, migration: Migration): Promise<MigrationRun> {
  const durationMs = await applySection(
    client,
    migration,
    'down',
    () => deleteHistory(client, o.table, migration.version),
    o,
  );
  o.log(`reverted ${migration.version}_${migration.name} (${durationMs} ms)`);
  return { version: migration.version, name: migration.name, file: migration.downFile, durationMs };
}
