import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { SectionPlan } from './execution-plan.ts';
import type { Log } from './options.ts';
import { isLockTimeout, postgresErrorAt } from './postgres-error.ts';
import type { Statement } from './statements.ts';
import { transactionControl } from './transaction-needs.ts';

export interface ApplyOptions {
  statementLockTimeout: string;
  lockRetries: number;
  log: Log;
}

/** What a run writes to the history table around a section. */
export interface HistoryWrites {
  /** Before a section that nothing can roll back: golang-migrate's dirty mark, committed at once. */
  markDirty: () => Promise<void>;
  /**
   * After the section, the SQL text that records it (clearing the dirty mark): sent with COMMIT in
   * one round trip when the section runs in our transaction. Without `durationMs` the server
   * measures it: the time since the transaction began.
   */
  record: (durationMs?: number) => string;
}

/**
 * Runs one planned section and records it; returns how long its SQL took, in ms.
 * Statements are sent one at a time even inside a transaction, so that any error, including
 * those the server reports without a position (lock timeouts, constraint violations), names its line.
 */
export async function applySection(
  client: pg.Client,
  plan: SectionPlan,
  history: HistoryWrites,
  options: ApplyOptions,
): Promise<number> {
  const label = `${plan.migration.version}_${plan.migration.name} (${plan.direction})`;
  try {
    if (plan.mode === 'transaction') {
      return await retryLockTimeouts(label, options, () => runInTransaction(client, plan, history, options));
    }
    return await runOutsideTransaction(client, plan, label, history, options);
  } catch (error) {
    // Errors of BEGIN, COMMIT or the history write have no statement of the file to point at.
    throw postgresErrorAt(error, { file: plan.file, sql: '', startLine: plan.section.startLine });
  }
}

/**
 * All or nothing: the section and its history row commit together, or neither does. The whole
 * transaction goes in one round trip (as psql would send a file); an error the server places by
 * position maps straight back to its line. Errors without a position (constraint violations, lock
 * timeouts) are looked for statement by statement, in a second transaction, to name their line.
 */
async function runInTransaction(
  client: pg.Client,
  plan: SectionPlan,
  history: HistoryWrites,
  options: ApplyOptions,
): Promise<number> {
  const started = performance.now();
  // No newline before the section's own text, so the server's position counts the file's lines.
  const text = `${begin(options)}; ${plan.section.sql}\n;${history.record()}; COMMIT`;
  try {
    await client.query(text);
    return Math.round(performance.now() - started);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (!(error as { position?: string }).position) return runStatementByStatement(client, plan, history, options);
    throw postgresErrorAt(error, { file: plan.file, sql: text, startLine: plan.section.startLine });
  }
}

// The duration was checked against POSTGRES_DURATION (digits and a unit): safe to quote as it is.
function begin(options: ApplyOptions): string {
  return `BEGIN; SET LOCAL lock_timeout = '${options.statementLockTimeout}'`;
}

async function runStatementByStatement(
  client: pg.Client,
  plan: SectionPlan,
  history: HistoryWrites,
  options: ApplyOptions,
): Promise<number> {
  try {
    await client.query(begin(options));
    const started = performance.now();
    for (const statement of plan.statements) await runStatement(client, plan.file, statement);
    const durationMs = Math.round(performance.now() - started);
    await client.query(`${history.record(durationMs)}; COMMIT`);
    return durationMs;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * `no-transaction` and `as-written`: each statement commits on its own, or within the file's own
 * BEGIN … COMMIT. A lock_timeout is retried per statement, except inside the file's transaction,
 * which the failure has already aborted.
 */
async function runOutsideTransaction(
  client: pg.Client,
  plan: SectionPlan,
  label: string,
  history: HistoryWrites,
  options: ApplyOptions,
): Promise<number> {
  if (plan.marksDirty) await history.markDirty();
  await client.query(`SELECT set_config('lock_timeout', $1, false)`, [options.statementLockTimeout]);
  const started = performance.now();
  let inFileTransaction = false;
  try {
    for (const [index, statement] of plan.statements.entries()) {
      const run = () => runStatement(client, plan.file, statement, alreadyRan(plan, plan.statements.slice(0, index)));
      if (inFileTransaction) await run();
      else await retryLockTimeouts(`${label} line ${statement.line}`, options, run);
      const change = transactionControl(statement.node);
      if (change) inFileTransaction = change === 'opens' || (inFileTransaction && change === 'neutral');
    }
  } catch (error) {
    if (inFileTransaction) await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.query('RESET lock_timeout').catch(() => undefined);
  }
  const durationMs = Math.round(performance.now() - started);
  await client.query(history.record(durationMs));
  return durationMs;
}

async function runStatement(
  client: pg.Client,
  file: string,
  statement: Statement,
  extra?: { note: string; remedy: string },
): Promise<void> {
  try {
    await client.query(statement.sql);
  } catch (error) {
    throw postgresErrorAt(error, { file, sql: statement.sql, startLine: statement.line }, extra);
  }
}

// Outside our transaction nothing rolls back, so the user must know what stays applied.
function alreadyRan(plan: SectionPlan, done: Statement[]): { note: string; remedy: string } {
  const which =
    done.length > 0
      ? `the statements at lines ${done.map((s) => s.line).join(', ')} already ran and stay applied`
      : 'no earlier statement of it ran';
  const version = plan.migration.version;
  if (plan.marksDirty) {
    return {
      note: `; it runs outside a transaction of ours (${plan.reason}): ${which}, but for any in the file's own open transaction, which rolled back; dirty at ${version}`,
      remedy: `dirty at ${version}: fix the database, then \`migrate force ${version}\` (records it as applied; force the previous version instead to run it again)`,
    };
  }
  return {
    note: `; this section runs outside a transaction (transaction:false): ${which}`,
    remedy:
      'make the file idempotent (IF NOT EXISTS / IF EXISTS) and run again; a failed CREATE INDEX CONCURRENTLY leaves an INVALID index: drop it with DROP INDEX CONCURRENTLY IF EXISTS <name>',
  };
}

/** Retries lock_timeout failures with exponential backoff; anything else, or the last failure, is thrown. */
async function retryLockTimeouts<T>(label: string, options: ApplyOptions, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isLockTimeout(error) || attempt > options.lockRetries) throw error;
      const delayMs = 250 * 2 ** (attempt - 1);
      options.log(
        `${label}: lock_timeout (${options.statementLockTimeout}) waiting for a lock; retry ${attempt} of ${options.lockRetries} in ${delayMs} ms`,
      );
      await sleep(delayMs);
    }
  }
}
