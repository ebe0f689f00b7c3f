import { MigrateError } from './errors.ts';
import { parseHistoryTable, type HistoryTable } from './history-table.ts';
import { migrateOptionsSchema, POSTGRES_DURATION } from './option-schema.ts';
import { parseDatabaseUrl } from './url.ts';

export type Log = (line: string) => void;

/** What every command that talks to the database accepts. */
export interface ConnectionOptions {
  /** postgres:// or postgresql:// URL. */
  url: string;
  /** History table, `table` or `schema.table`; default public.schema_migrations. */
  table?: string;
  /** Receives one progress line per event (applied file, retry, wait); default: nothing. */
  log?: Log;
}

export interface RunOptions extends ConnectionOptions {
  /** Folder of migration files. */
  dir: string;
  /** How long to wait for another runner's lock, in ms; default 60000. */
  lockTimeoutMs?: number;
  /** Postgres lock_timeout for each migration's statements, e.g. '5s'; default '5s'. */
  statementLockTimeout?: string;
  /** How often a migration that hit lock_timeout is retried; default 3. */
  lockRetries?: number;
  /** Run even though applied files changed. */
  allowDrift?: boolean;
  /** Apply pending files older than the newest applied one. */
  allowOutOfOrder?: boolean;
}

export interface ResolvedRunOptions {
  url: string;
  dir: string;
  table: HistoryTable;
  log: Log;
  lockTimeoutMs: number;
  statementLockTimeout: string;
  lockRetries: number;
  allowDrift: boolean;
  allowOutOfOrder: boolean;
}

// The defaults of the one option schema, so the library and both hosts agree.
const DEFAULTS = migrateOptionsSchema.parse({});

/** Validates options up front, so a typo fails before anything touches the database. */
export function resolveRunOptions(options: RunOptions): ResolvedRunOptions {
  parseDatabaseUrl(options.url);
  const resolved: ResolvedRunOptions = {
    url: options.url,
    dir: options.dir,
    table: parseHistoryTable(options.table),
    log: options.log ?? (() => undefined),
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULTS.lockTimeout,
    statementLockTimeout: options.statementLockTimeout ?? DEFAULTS.statementLockTimeout,
    lockRetries: options.lockRetries ?? DEFAULTS.lockRetries,
    allowDrift: options.allowDrift ?? false,
    allowOutOfOrder: options.allowOutOfOrder ?? false,
  };
  requireNonNegativeInteger(resolved.lockTimeoutMs, '--lock-timeout', 'milliseconds, e.g. 60000');
  requireNonNegativeInteger(resolved.lockRetries, '--lock-retries', 'a count, e.g. 3');
  if (!POSTGRES_DURATION.test(resolved.statementLockTimeout)) {
    throw new MigrateError(`invalid --statement-lock-timeout ${JSON.stringify(resolved.statementLockTimeout)}`, {
      remedy: 'give a Postgres duration such as 5s, 500ms, 1min or 1h',
    });
  }
  return resolved;
}

function requireNonNegativeInteger(value: number, option: string, expected: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new MigrateError(`invalid ${option} ${value}`, { remedy: `expected ${expected}` });
  }
}
