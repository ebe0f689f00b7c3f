import type pg from 'pg';
import { applySection } from './apply.ts';
import { withClient } from './connect.ts';
import { planSections, type ExecutionMode, type SectionPlan } from './execution-plan.ts';
import { MigrateError } from './errors.ts';
import { readMigrations } from './files.ts';
import {
  backfillHistory,
  deleteHistorySql,
  ensureHistory,
  insertHistory,
  insertHistorySql,
  inspectHistory,
  markHistoryDirty,
  readHistory,
  type HistoryRow,
} from './history.ts';
import { parseHistoryTable, type HistoryTable } from './history-table.ts';
import { withAdvisoryLock } from './lock.ts';
import { resolveRunOptions, type ResolvedRunOptions, type RunOptions } from './options.ts';
import { checkDrift, refuseDirty, selectPending, selectToRevert, statusOf, type Status } from './plan.ts';
import type { Migration } from './types.ts';

export interface MigrationRun {
  version: string;
  name: string;
  file: string;
  durationMs: number;
  /** How it ran: in our transaction, statement by statement, or with the file's own BEGIN/COMMIT. */
  mode: ExecutionMode;
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
  /** false when the section runs outside a transaction of ours. */
  transaction: boolean;
  mode: ExecutionMode;
  /** Why it runs outside our transaction, when it does. */
  reason?: string;
  sql: string;
}

export interface DryRunResult {
  migrations: PlannedMigration[];
}

/** Applies pending migrations, oldest first, up to and including `target` when given. */
export async function up(options: RunOptions & { target?: string }): Promise<UpResult> {
  return withLockedHistory(options, async (client, o, migrations, history, serverVersionNum) => {
    const pending = selectPending(migrations, history, options.target, o.allowOutOfOrder);
    const plans = await planSections(pending, 'up', serverVersionNum);
    if (pending.length === 0) o.log('nothing to apply: the database is up to date');
    const applied: MigrationRun[] = [];
    for (const plan of plans) applied.push(await applyUp(client, o, plan));
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
  return withLockedHistory(options, async (client, o, migrations, history, serverVersionNum) => {
    const plans = await planSections(selectToRevert(migrations, history, steps, o.table.sql), 'down', serverVersionNum);
    if (plans.length === 0) o.log('nothing to revert: no migration is applied');
    const reverted: MigrationRun[] = [];
    for (const plan of plans) reverted.push(await applyDown(client, o, plan));
    return { reverted };
  });
}

/** Reverts the newest applied migration and applies it again. */
export async function redo(options: RunOptions): Promise<RedoResult> {
  return withLockedHistory(options, async (client, o, migrations, history, serverVersionNum) => {
    const [migration] = selectToRevert(migrations, history, 1, o.table.sql);
    if (!migration)
      throw new MigrateError('nothing to redo: no migration is applied', { remedy: 'run `migrate up` first' });
    const [downPlan] = await planSections([migration], 'down', serverVersionNum);
    const [upPlan] = await planSections([migration], 'up', serverVersionNum);
    return { reverted: await applyDown(client, o, downPlan!), applied: await applyUp(client, o, upPlan!) };
  });
}

/** Applied, pending, drifted, missing and dirty migrations. Reads only: takes no lock and creates nothing. */
export async function status(options: RunOptions): Promise<Status> {
  const { migrations, history } = await readWithoutWriting(options);
  return statusOf(migrations, history);
}

/**
 * status on a connection the caller already holds (an application's pool) and files it already read:
 * for a readiness probe, which must not open a session of its own per call. Reads only.
 */
export async function statusOnClient(
  client: pg.ClientBase,
  migrations: Migration[],
  table: HistoryTable = parseHistoryTable(),
): Promise<Status> {
  // inspectHistory and readHistory only query; any client (a pooled one too) will do.
  const session = client as pg.Client;
  const shape = await inspectHistory(session, table);
  return statusOf(migrations, await readHistory(session, table, shape, migrations));
}

/** The SQL `up` would run, per file, how each will run, after the same safety checks. Writes nothing. */
export async function dryRun(options: RunOptions & { target?: string }): Promise<DryRunResult> {
  const { o, migrations, history, serverVersionNum } = await readWithoutWriting(options);
  const state = statusOf(migrations, history);
  refuseDirty(state);
  checkDrift(state, o.allowDrift);
  const pending = selectPending(migrations, history, options.target, o.allowOutOfOrder);
  const plans = await planSections(pending, 'up', serverVersionNum);
  return {
    migrations: plans.map(({ migration: m, mode, reason }) => ({
      version: m.version,
      name: m.name,
      file: m.file,
      transaction: mode === 'transaction',
      mode,
      ...(reason ? { reason } : {}),
      sql: m.up.sql,
    })),
  };
}

export type LockedWork<T> = (
  client: pg.Client,
  o: ResolvedRunOptions,
  migrations: Migration[],
  history: HistoryRow[],
  serverVersionNum: number,
) => Promise<T>;

export interface LockedHistoryChecks {
  /** Refuse a dirty database and drifted files; `force` and `baseline` are what one does about them. */
  safety: boolean;
  /** Runs on the history as found, before anything (adoption included) is written. */
  beforeWrite?: (migrations: Migration[], history: HistoryRow[]) => void;
}

/**
 * One runner per database: everything that writes runs holding the advisory lock. The history is
 * read before anything is written to it, so a dirty database (or drift) is refused untouched.
 */
export async function withLockedHistory<T>(
  options: RunOptions,
  work: LockedWork<T>,
  checks: LockedHistoryChecks = { safety: true },
): Promise<T> {
  const o = resolveRunOptions(options);
  const migrations = await readMigrations(o.dir);
  return withClient(o.url, (client) =>
    withAdvisoryLock(client, o.table, o.lockTimeoutMs, o.log, async () => {
      const serverVersionNum = await serverVersion(client);
      const shape = await inspectHistory(client, o.table);
      let history = await readHistory(client, o.table, shape, migrations);
      if (checks.safety) refuseDirty(statusOf(migrations, history));
      checks.beforeWrite?.(migrations, history);
      const adopted = await ensureHistory(client, o.table, shape, history);
      if (adopted || history.some((row) => row.checksum === null)) {
        await backfillHistory(client, o.table, migrations);
        history = await readHistory(client, o.table, { kind: 'ours', missingColumns: [] }, migrations);
      }
      if (checks.safety) checkDrift(statusOf(migrations, history), o.allowDrift);
      return work(client, o, migrations, history, serverVersionNum);
    }),
  );
}

async function readWithoutWriting(options: RunOptions): Promise<{
  o: ResolvedRunOptions;
  migrations: Migration[];
  history: HistoryRow[];
  serverVersionNum: number;
}> {
  const o = resolveRunOptions(options);
  const migrations = await readMigrations(o.dir);
  return withClient(o.url, async (client) => {
    const [shape, serverVersionNum] = await Promise.all([inspectHistory(client, o.table), serverVersion(client)]);
    return { o, migrations, history: await readHistory(client, o.table, shape, migrations), serverVersionNum };
  });
}

async function serverVersion(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
  return Number(rows[0]!.v);
}

async function applyUp(client: pg.Client, o: ResolvedRunOptions, plan: SectionPlan): Promise<MigrationRun> {
  const { migration } = plan;
  const durationMs = await applySection(
    client,
    plan,
    {
      markDirty: () => insertHistory(client, o.table, migration, null, true),
      record: (ms) => insertHistorySql(client, o.table, migration, ms),
    },
    o,
  );
  o.log(`applied ${migration.version}_${migration.name} (${durationMs} ms${describeMode(plan)})`);
  return { version: migration.version, name: migration.name, file: migration.file, durationMs, mode: plan.mode };
}

async function applyDown(client: pg.Client, o: ResolvedRunOptions, plan: SectionPlan): Promise<MigrationRun> {
  const { migration } = plan;
  const durationMs = await applySection(
    client,
    plan,
    {
      markDirty: () => markHistoryDirty(client, o.table, migration.version),
      record: () => deleteHistorySql(client, o.table, migration.version),
    },
    o,
  );
  o.log(`reverted ${migration.version}_${migration.name} (${durationMs} ms${describeMode(plan)})`);
  return { version: migration.version, name: migration.name, file: migration.downFile, durationMs, mode: plan.mode };
}

function describeMode(plan: SectionPlan): string {
  if (plan.mode === 'transaction') return '';
  return plan.mode === 'as-written' ? ', its own transaction' : ', outside a transaction';
}
