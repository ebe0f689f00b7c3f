import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { MigrateError } from './errors.ts';
import type { Log } from './options.ts';
import { isLockTimeout, postgresErrorAt } from './postgres-error.ts';
import { splitStatements, type Statement } from './statements.ts';
import type { Migration } from './types.ts';

export type Direction = 'up' | 'down';

export interface ApplyOptions {
  statementLockTimeout: string;
  lockRetries: number;
  log: Log;
}

/** Records the run in the history table, inside the migration's transaction when it has one. */
export type RecordRun = (durationMs: number) => Promise<void>;

/**
 * Runs one section of a migration and records it; returns how long its SQL took, in ms.
 * Statements are sent one at a time even inside a transaction, so that any error, including
 * those the server reports without a position (lock timeouts, constraint violations), names its line.
 */
export async function applySection(
  client: pg.Client,
  migration: Migration,
  direction: Direction,
  record: RecordRun,
  options: ApplyOptions,
): Promise<number> {
  const section = direction === 'up' ? migration.up : migration.down!;
  const file = direction === 'up' ? migration.file : migration.downFile;
  const label = `${migration.version}_${migration.name} (${direction})`;
  const statements = await splitStatements(section, file);
  if (section.transaction) refuseTransactionControl(file, statements);
  try {
    return section.transaction
      ? await retryLockTimeouts(label, options, () => runInTransaction(client, file, statements, record, options))
      : await runOutsideTransaction(client, file, label, statements, record, options);
  } catch (error) {
    // Errors of BEGIN, COMMIT or the history write have no statement of the file to point at.
    throw postgresErrorAt(error, { file, sql: '', startLine: section.startLine });
  }
}

/**
 * A COMMIT inside the file would make the statements before it permanent and leave the rest, and
 * the history row, to a second transaction: exactly the half-applied migration this engine prevents.
 * golang-migrate files often carry their own BEGIN/COMMIT, so say what to do about it.
 */
function refuseTransactionControl(file: string, statements: Statement[]): void {
  const control = statements.find((statement) => statement.controlsTransaction);
  if (!control) return;
  throw new MigrateError(
    `${control.sql.trim().split(/\s+/)[0]!.toUpperCase()} in a migration that runs in a transaction`,
    {
      file,
      line: control.line,
      remedy:
        'remove BEGIN/COMMIT/ROLLBACK/SAVEPOINT: each file already runs in its own transaction (or mark the dbmate section `transaction:false` to run it statement by statement)',
    },
  );
}

// All or nothing: the section and its history row commit together, or neither does.
async function runInTransaction(
  client: pg.Client,
  file: string,
  statements: Statement[],
  record: RecordRun,
  options: ApplyOptions,
): Promise<number> {
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('lock_timeout', $1, true)`, [options.statementLockTimeout]);
    const started = performance.now();
    for (const statement of statements) await runStatement(client, file, statement);
    const durationMs = Math.round(performance.now() - started);
    await record(durationMs);
    await client.query('COMMIT');
    return durationMs;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function runOutsideTransaction(
  client: pg.Client,
  file: string,
  label: string,
  statements: Statement[],
  record: RecordRun,
  options: ApplyOptions,
): Promise<number> {
  await client.query(`SELECT set_config('lock_timeout', $1, false)`, [options.statementLockTimeout]);
  const started = performance.now();
  try {
    for (const [index, statement] of statements.entries()) {
      await retryLockTimeouts(`${label} line ${statement.line}`, options, () =>
        runStatement(client, file, statement, alreadyRan(statements.slice(0, index))),
      );
    }
  } finally {
    await client.query('RESET lock_timeout').catch(() => undefined);
  }
  const durationMs = Math.round(performance.now() - started);
  await record(durationMs);
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

// Outside a transaction nothing rolls back, so the user must know what stays applied.
function alreadyRan(done: Statement[]): { note: string; remedy: string } {
  const which =
    done.length > 0
      ? `the statements at lines ${done.map((s) => s.line).join(', ')} already ran and stay applied`
      : 'no earlier statement of it ran';
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
