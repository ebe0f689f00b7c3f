import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { withDatabase, type DatabaseTarget } from './database-url.ts';
import { BackupError, describeError } from './errors.ts';
import { connect } from './postgres-client.ts';

export interface SwapOptions {
  /** How long to wait for the target's sessions to end before giving up (default 5 s). */
  sessionWaitMs?: number;
}

/**
 * Puts the restored `scratch` database in the target's place: refuse new sessions on the target, end
 * the open ones, rename the target to `previous` and the scratch to the target. `keeper` is a session
 * on the scratch database (renames must come from another database); it is closed here. Returns how
 * long the target's name answered nothing. On failure the target is left as it was.
 */
export async function swapIn(
  target: DatabaseTarget,
  scratch: string,
  previous: string,
  keeper: pg.Client,
  options: SwapOptions = {},
): Promise<{ downtimeMs: number }> {
  const q = (name: string) => keeper.escapeIdentifier(name);
  const started = performance.now();
  await keeper.query(`alter database ${q(target.database)} with allow_connections false`);
  try {
    await endSessions(keeper, target.database, options.sessionWaitMs ?? 5000);
    await keeper.query(`alter database ${q(target.database)} rename to ${q(previous)}`);
  } catch (error) {
    await keeper.query(`alter database ${q(target.database)} with allow_connections true`).catch(() => undefined);
    await keeper.end().catch(() => undefined);
    throw new BackupError(
      `could not take ${target.database} offline to swap in the restored copy: ${describeError(error)}`,
      {
        remedy: 'stop or pause what keeps sessions open on it (or use a role that may end them), then restore again',
        cause: error,
      },
    );
  }
  await keeper.query(`alter database ${q(previous)} with allow_connections true`);
  await keeper.end();
  const onPrevious = await connect(withDatabase(target, previous));
  try {
    await onPrevious.query(`alter database ${q(scratch)} rename to ${q(target.database)}`);
    return { downtimeMs: performance.now() - started };
  } catch (error) {
    await onPrevious.end().catch(() => undefined);
    await renameBack(target, scratch, previous);
    throw new BackupError(`could not rename the restored copy to ${target.database}: ${describeError(error)}`, {
      remedy: 'the target was renamed back and is as it was; restore again',
      cause: error,
    });
  } finally {
    await onPrevious.end().catch(() => undefined);
  }
}

/** Ends every other session on the database, waiting until they are gone or the time is up. */
async function endSessions(client: pg.ClientBase, database: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await client.query<{ pid: number; role: string }>(
      'select pid, usename as role from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    );
    if (rows.length === 0) return;
    const refused = new Set<string>();
    for (const { pid, role } of rows) {
      await client.query('select pg_terminate_backend($1)', [pid]).catch(() => refused.add(role));
    }
    if (Date.now() > deadline) {
      const roles = refused.size > 0 ? ` (not allowed to end those of ${[...refused].join(', ')})` : '';
      throw new Error(`${rows.length} sessions still connected after ${waitMs} ms${roles}`);
    }
    await sleep(20);
  }
}

async function renameBack(target: DatabaseTarget, scratch: string, previous: string): Promise<void> {
  const client = await connect(withDatabase(target, scratch));
  try {
    await client.query(
      `alter database ${client.escapeIdentifier(previous)} rename to ${client.escapeIdentifier(target.database)}`,
    );
  } catch (error) {
    throw new BackupError(
      `the swap failed half-way and ${target.database} could not be renamed back: it is now ${previous}: ${describeError(error)}`,
      { remedy: `rename it yourself: ALTER DATABASE "${previous}" RENAME TO "${target.database}"`, cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
