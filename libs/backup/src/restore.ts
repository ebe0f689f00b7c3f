import { backup } from './backup.ts';
import { parseDatabaseUrl, withDatabase, type DatabaseTarget } from './database-url.ts';
import { createTargetDatabase, dropDatabase, MAINTENANCE_DATABASE } from './database-admin.ts';
import { BackupError } from './errors.ts';
import { resolveBackup } from './inventory.ts';
import type { Manifest } from './manifest.ts';
import { materializeArchive } from './materialize.ts';
import { openStore, type StoreOptions } from './open-store.ts';
import { restoreArchive, restoreInOneTransaction } from './pg-restore.ts';
import { withClient } from './postgres-client.ts';
import { formatDuration, type Reporting } from './progress.ts';
import { restoreBySwap } from './restore-by-swap.ts';
import { guardOverwrite, guardProduction, type OverwriteConsent } from './restore-guard.ts';
import {
  analyzeAndCountRows,
  compareRowCounts,
  formatComparison,
  summarizeComparison,
  type TableComparison,
} from './row-counts.ts';
import { describeTarget, inspectTarget, provenanceComment, type ExistingTarget } from './target-state.ts';
import type { CompressionChoice } from './compression.ts';

export interface RestoreOptions extends StoreOptions, Reporting, OverwriteConsent {
  /** The database to restore into; created when missing. */
  url: string;
  /** Restore into this database on the server of `url` instead of the one `url` names. */
  database?: string;
  /** A backup id or file name, or 'latest' (default: the newest complete backup that is not a safety backup). */
  backup?: string;
  /** pg_restore -j (default 2). */
  jobs?: number;
  /** Previous databases kept after a swap, the one just replaced included (default 1; 0 drops it). */
  keepPrevious?: number;
  /** How long to wait for the target's sessions to end at the swap (default 5000 ms). */
  sessionWaitMs?: number;
  /** Back up the target (to the same destination) before restoring over it. */
  safetyBackup?: boolean;
  safetyBackupCompression?: CompressionChoice;
  pgBinDir?: string;
}

/** How the backup got into the target. */
export type RestoreMethod = 'created' | 'swapped' | 'single-transaction';

export interface RestoreResult {
  id: string;
  database: string;
  method: RestoreMethod;
  /** The target did not exist and was created. */
  created: boolean;
  /** What the target held before; absent when it did not exist. */
  before?: { tables: number; rows: number };
  /** The replaced database, renamed (swapped restores that keep it). */
  previousDatabase?: string;
  keptPrevious: string[];
  droppedPrevious: string[];
  /** How long the target's name answered nothing (swapped restores). */
  downtimeMs?: number;
  safetyBackup?: string;
  tables: TableComparison[];
  warnings: string[];
  durationMs: number;
}

/**
 * Restores a backup so that the target is always either what it was or the backup, never something in
 * between: the guards and the checksum first, then into a new database, or into a scratch database that
 * is swapped in, or (for roles that cannot create databases) in one transaction. Row counts must match.
 */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  const named = parseDatabaseUrl(options.url);
  const target = options.database ? withDatabase(named, options.database) : named;
  guardProduction(target, options);
  const store = openStore(options);
  const manifest = await resolveBackup(store, options.backup, options.log);
  const state = await inspectTarget(target);
  options.log?.(`${describeTarget(target, state)}; restoring ${manifest.id} (database ${manifest.database})`);
  guardOverwrite(target, state, manifest, options);
  const archive = await materializeArchive(store, manifest, options.onProgress);
  try {
    options.log?.(`checksum ok for ${store.describe(manifest.archive.name)}`);
    const safetyBackup = state && options.safetyBackup ? await takeSafetyBackup(target, manifest, options) : undefined;
    const outcome = await restoreByMethod(target, state, manifest, archive.path, options);
    formatComparison(outcome.tables).forEach((line) => options.log?.(line));
    await markProvenance(target, manifest).catch(() =>
      outcome.warnings.push('could not comment the database with its provenance (a later restore will need --force)'),
    );
    outcome.warnings.forEach((warning) => options.log?.(`warning: ${warning}`));
    const durationMs = Date.now() - started;
    options.log?.(
      `restored ${manifest.id} into ${target.database} in ${formatDuration(durationMs)}: ${whatHappened(target, outcome)}`,
    );
    return {
      id: manifest.id,
      database: target.database,
      created: outcome.method === 'created',
      before: state && { tables: Object.keys(state.tables).length, rows: state.rows },
      safetyBackup,
      durationMs,
      ...outcome,
    };
  } finally {
    await archive.cleanup();
  }
}

type Outcome = Pick<
  RestoreResult,
  'method' | 'tables' | 'warnings' | 'previousDatabase' | 'keptPrevious' | 'droppedPrevious' | 'downtimeMs'
>;

async function restoreByMethod(
  target: DatabaseTarget,
  state: ExistingTarget | undefined,
  manifest: Manifest,
  archivePath: string,
  options: RestoreOptions,
): Promise<Outcome> {
  const jobs = options.jobs ?? 2;
  const none = { keptPrevious: [], droppedPrevious: [], warnings: [] };
  if (!state) {
    await createTargetDatabase(target, options.log);
    const tables = await restoreIntoNew(target, manifest, archivePath, { jobs, pgBinDir: options.pgBinDir });
    return { method: 'created', tables, ...none };
  }
  if (state.canSwap) {
    const result = await restoreBySwap(target, state, manifest, archivePath, { ...options, jobs });
    return { method: 'swapped', ...result, previousDatabase: result.previous };
  }
  options.log?.(
    `${target.database}: this role cannot create databases, so the restore runs in one transaction (-j 1) that rolls back on any failure`,
  );
  await restoreInOneTransaction(target, archivePath, manifest.tables, options.pgBinDir);
  const tables = compareRowCounts(manifest.tables, await withClient(target, analyzeAndCountRows));
  return { method: 'single-transaction', tables, ...none };
}

/** Into the database just created: a failure drops it again, so the target is as before (absent). */
async function restoreIntoNew(
  target: DatabaseTarget,
  manifest: Manifest,
  archivePath: string,
  options: { jobs: number; pgBinDir?: string },
): Promise<TableComparison[]> {
  try {
    await restoreArchive(target, archivePath, options);
    const tables = compareRowCounts(manifest.tables, await withClient(target, analyzeAndCountRows));
    const comparison = summarizeComparison(tables);
    if (!comparison.ok) throw new BackupError(`the restored database differs from the manifest: ${comparison.text}`);
    return tables;
  } catch (error) {
    await withClient(withDatabase(target, MAINTENANCE_DATABASE), (client) =>
      dropDatabase(client, target.database, true),
    ).catch(() => undefined);
    const message = error instanceof BackupError ? error.message : String(error);
    throw new BackupError(`${message}; ${target.database} did not exist before and was dropped again`, {
      remedy: error instanceof BackupError ? error.remedy : undefined,
      cause: error,
    });
  }
}

async function takeSafetyBackup(target: DatabaseTarget, manifest: Manifest, options: RestoreOptions) {
  const safety = await backup({
    ...options,
    url: options.url,
    compression: options.safetyBackupCompression,
    safetyBefore: manifest.id,
  });
  options.log?.(`safety backup of ${target.database}: ${safety.location}`);
  return safety.location;
}

/** Lets the next restore of the same source into this database go ahead without --force. */
async function markProvenance(target: DatabaseTarget, manifest: Manifest): Promise<void> {
  await withClient(target, (client) =>
    client.query(
      `comment on database ${client.escapeIdentifier(target.database)} is ${client.escapeLiteral(provenanceComment(manifest.id, manifest.database, new Date()))}`,
    ),
  );
}

function whatHappened(target: DatabaseTarget, outcome: Outcome): string {
  const counts = summarizeComparison(outcome.tables).text;
  if (outcome.method === 'created') return `${target.database} was created; ${counts}`;
  if (outcome.method === 'single-transaction') return `its contents were replaced in one transaction; ${counts}`;
  const previous = outcome.previousDatabase
    ? `the previous database is kept as ${outcome.previousDatabase} (dropped by the next restore; or DROP DATABASE it)`
    : 'the previous database was dropped (--keep-previous 0)';
  return `swapped in (unavailable ${Math.round(outcome.downtimeMs ?? 0)} ms); ${previous}; ${counts}`;
}
