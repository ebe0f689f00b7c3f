import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { withDatabase, type DatabaseTarget } from './database-url.ts';
import { copyDatabaseAttributes } from './database-attributes.ts';
import { createEmptyDatabase, dropDatabase } from './database-admin.ts';
import { swapIn, type SwapOptions } from './database-swap.ts';
import { BackupError, describeError } from './errors.ts';
import type { Manifest } from './manifest.ts';
import { restoreArchive } from './pg-restore.ts';
import { connect, withClient } from './postgres-client.ts';
import { databasesOfPattern, previousDatabaseName, restoreStamp, scratchDatabaseName } from './restore-names.ts';
import { analyzeAndCountRows, compareRowCounts, summarizeComparison, type TableComparison } from './row-counts.ts';
import type { ExistingTarget } from './target-state.ts';

export interface SwapRestoreOptions extends SwapOptions {
  jobs: number;
  pgBinDir?: string;
  /** Previous databases to keep (the one just replaced included); older ones are dropped. Default 1. */
  keepPrevious?: number;
  log?: (line: string) => void;
}

export interface SwapRestoreResult {
  tables: TableComparison[];
  /** What the target was renamed to, unless keepPrevious is 0. */
  previous?: string;
  /** Every previous database still on the server, newest first. */
  keptPrevious: string[];
  droppedPrevious: string[];
  downtimeMs: number;
  warnings: string[];
}

/**
 * Restores into a fresh scratch database beside the target, checks its row counts against the manifest,
 * then swaps it in. Until the swap the target is not touched; any failure drops the scratch database.
 */
export async function restoreBySwap(
  target: DatabaseTarget,
  state: ExistingTarget,
  manifest: Manifest,
  archivePath: string,
  options: SwapRestoreOptions,
): Promise<SwapRestoreResult> {
  const stamp = restoreStamp(new Date());
  const scratch = withDatabase(target, scratchDatabaseName(target.database, stamp));
  const previous = previousDatabaseName(target.database, stamp);
  await withClient(target, async (client) => {
    await removeAbandonedScratches(client, target.database, options.log);
    // Beside the target on its disk; naming pg_default explicitly would need CREATE on it, so it is left implied.
    const tablespace = state.tablespace === 'pg_default' ? undefined : state.tablespace;
    await createEmptyDatabase(client, scratch.database, tablespace);
  });
  // Held until the swap: a scratch database with a session is a restore still running, never "abandoned".
  let keeper: pg.Client | undefined = await connect(scratch);
  let tables: TableComparison[];
  let warnings: string[];
  let downtimeMs: number;
  try {
    options.log?.(`restoring into the scratch database ${scratch.database} with ${options.jobs} jobs`);
    await restoreArchive(scratch, archivePath, options);
    tables = compareRowCounts(manifest.tables, await analyzeAndCountRows(keeper));
    const comparison = summarizeComparison(tables);
    if (!comparison.ok) throw new BackupError(`the restored copy differs from the manifest: ${comparison.text}`);
    warnings = await copyDatabaseAttributes(keeper, target.database, scratch.database);
    const handOver = keeper;
    keeper = undefined;
    ({ downtimeMs } = await swapIn(target, scratch.database, previous, handOver, options));
  } catch (error) {
    await keeper?.end().catch(() => undefined);
    await withClient(target, (client) => dropDatabase(client, scratch.database, true)).catch(() => undefined);
    const message = error instanceof BackupError ? error.message : describeError(error);
    throw new BackupError(`${message}; ${target.database} is untouched and the scratch database was dropped`, {
      remedy: error instanceof BackupError ? error.remedy : undefined,
      cause: error,
    });
  }
  options.log?.(`swapped in: ${target.database} was unavailable for ${Math.round(downtimeMs)} ms`);
  const { kept, dropped } = await withClient(target, (client) =>
    keepNewestPrevious(client, target.database, options.keepPrevious ?? 1),
  );
  return {
    tables,
    previous: kept.includes(previous) ? previous : undefined,
    keptPrevious: kept,
    droppedPrevious: dropped,
    downtimeMs,
    warnings,
  };
}

/**
 * Scratch databases of a restore that was killed. One still in use belongs to a restore that is running,
 * and DROP DATABASE (without FORCE) refuses it: then this restore must not go on either.
 */
async function removeAbandonedScratches(client: pg.ClientBase, database: string, log?: (line: string) => void) {
  for (const name of await databasesLike(client, databasesOfPattern(database, 'restore'))) {
    if (!(await dropUnlessInUse(client, name))) {
      throw new BackupError(`another restore into ${database} is running (its scratch database ${name} is in use)`, {
        remedy: 'wait for it to finish, then restore again',
      });
    }
    log?.(`dropped ${name}, the scratch database of an interrupted restore`);
  }
}

/** The sessions of a killed restore take a moment to end; a live restore's keeper session never does. */
async function dropUnlessInUse(client: pg.ClientBase, name: string, waitMs = 3000): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await dropDatabase(client, name);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006') throw error;
      if (Date.now() > deadline) return false;
      await sleep(200);
    }
  }
}

async function keepNewestPrevious(client: pg.ClientBase, database: string, keep: number) {
  const all = (await databasesLike(client, databasesOfPattern(database, 'before'))).sort().reverse();
  const dropped: string[] = [];
  for (const name of all.slice(keep)) {
    // Not dropping an old copy costs disk, not data: the restore has succeeded either way.
    await dropDatabase(client, name, true).then(
      () => dropped.push(name),
      () => undefined,
    );
  }
  return { kept: all.filter((name) => !dropped.includes(name)), dropped };
}

async function databasesLike(client: pg.ClientBase, pattern: string): Promise<string[]> {
  const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [
    pattern,
  ]);
  return rows.map((row) => row.datname);
}
