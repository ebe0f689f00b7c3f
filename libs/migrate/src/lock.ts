import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { MigrateError } from './errors.ts';
import type { HistoryTable } from './history-table.ts';
import type { Log } from './options.ts';

/** Advisory lock key: one per history table, so runners with different tables do not wait for each other. */
export function lockKey(table: HistoryTable): string {
  return createHash('sha256').update(`migrate:${table.sql}`).digest().readBigInt64BE(0).toString();
}

/**
 * Runs `fn` holding the session advisory lock. The lock is polled with pg_try_advisory_lock:
 * a waiting pg_advisory_lock would sit in a transaction that CREATE INDEX CONCURRENTLY, run by
 * the holder, waits for, and neither would ever finish.
 */
export async function withAdvisoryLock<T>(
  client: pg.Client,
  table: HistoryTable,
  timeoutMs: number,
  log: Log,
  fn: () => Promise<T>,
): Promise<T> {
  const key = lockKey(table);
  await acquire(client, key, timeoutMs, log);
  try {
    return await fn();
  } finally {
    // If the session broke, the server has already released its locks.
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
  }
}

async function acquire(client: pg.Client, key: string, timeoutMs: number, log: Log): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      key,
    ]);
    if (rows[0]!.locked) return;
    if (Date.now() >= deadline) throw await lockTimeoutError(client, key, timeoutMs);
    if (attempt === 0) log(`another runner holds the migration lock; waiting up to ${timeoutMs} ms`);
    // Jittered so that many waiting runners do not poll in lockstep.
    await sleep(Math.min(100 + Math.random() * 150, Math.max(0, deadline - Date.now())));
  }
}

async function lockTimeoutError(client: pg.Client, key: string, timeoutMs: number): Promise<MigrateError> {
  const { rows } = await client.query<{
    pid: number;
    application_name: string;
    client_addr: string | null;
    backend_start: Date;
  }>(
    `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
    [key],
  );
  const holder = rows[0];
  const who = holder
    ? ` (pid ${holder.pid}, application_name '${holder.application_name}'${holder.client_addr ? ` from ${holder.client_addr}` : ''}, connected since ${holder.backend_start.toISOString()})`
    : '';
  return new MigrateError(`another migration runner holds the lock${who}; gave up after ${timeoutMs} ms`, {
    remedy: holder
      ? `wait for it to finish or raise --lock-timeout; if it is stuck, end it with SELECT pg_terminate_backend(${holder.pid})`
      : 'wait for it to finish or raise --lock-timeout',
  });
}
