import { backup } from './backup.ts';
import { parseDatabaseUrl, type DatabaseTarget } from './database-url.ts';
import { createDatabase, databaseExists } from './database-admin.ts';
import { BackupError } from './errors.ts';
import { resolveBackup } from './inventory.ts';
import { materializeArchive } from './materialize.ts';
import { openStore, type StoreOptions } from './open-store.ts';
import { restoreArchive } from './pg-restore.ts';
import { withClient } from './postgres-client.ts';
import { formatDuration, type Reporting } from './progress.ts';
import { productionReason, type ProtectionPolicy } from './protection.ts';
import { compareRowCounts, countRows, formatComparison, type TableComparison } from './row-counts.ts';
import type { CompressionChoice } from './compression.ts';

export interface RestoreOptions extends StoreOptions, Reporting, ProtectionPolicy {
  /** The database to restore into; created when missing. */
  url: string;
  /** A backup id or file name, or 'latest' (default). */
  backup?: string;
  /** pg_restore -j (default 2). */
  jobs?: number;
  /** Must equal the target database's name when the target looks like production. */
  confirm?: string;
  /** Back up the target (to the same destination) before restoring over it. */
  safetyBackup?: boolean;
  safetyBackupCompression?: CompressionChoice;
  pgBinDir?: string;
  /** Environment consulted for ENV=prod (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface RestoreResult {
  id: string;
  database: string;
  created: boolean;
  safetyBackup?: string;
  tables: TableComparison[];
  durationMs: number;
}

/**
 * Restores a backup into the target: production guard first, then the checksum (before anything is
 * touched), an optional safety backup, pg_restore -j N from a seekable file, and a row-count comparison.
 */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  const target = parseDatabaseUrl(options.url);
  guardProduction(target, options);
  const store = openStore(options);
  const manifest = await resolveBackup(store, options.backup);
  const archive = await materializeArchive(store, manifest, options.onProgress);
  try {
    options.log?.(`checksum ok for ${store.describe(manifest.archive.name)}`);
    const exists = await databaseExists(target);
    let safetyBackup: string | undefined;
    if (exists && options.safetyBackup) {
      const safety = await backup({ ...options, url: options.url, compression: options.safetyBackupCompression });
      safetyBackup = safety.location;
      options.log?.(`safety backup of ${target.database}: ${safety.location}`);
    }
    if (!exists) await createDatabase(target);
    options.log?.(`restoring ${manifest.id} into ${target.display} with ${options.jobs ?? 2} jobs`);
    await restoreArchive(target, archive.path, options.jobs ?? 2, options.pgBinDir);
    const tables = compareRowCounts(manifest.tables, await withClient(target, countRows));
    formatComparison(tables).forEach((line) => options.log?.(line));
    const bad = tables.filter((t) => !t.ok && t.expected !== undefined);
    if (bad.length > 0) {
      throw new BackupError(
        `restored ${target.database} differs from the manifest: ${bad.map((t) => `${t.table} ${t.expected}→${t.actual ?? '-'}`).join(', ')}`,
        { remedy: 'check pg_restore warnings and whether something wrote to the database during the restore' },
      );
    }
    const durationMs = Date.now() - started;
    options.log?.(`restored ${manifest.id} into ${target.database} in ${formatDuration(durationMs)}`);
    return { id: manifest.id, database: target.database, created: !exists, safetyBackup, tables, durationMs };
  } finally {
    await archive.cleanup();
  }
}

function guardProduction(target: DatabaseTarget, options: RestoreOptions) {
  const reason = productionReason(target, options, options.env);
  if (!reason || options.confirm === target.database) return;
  throw new BackupError(`refusing to restore into ${target.display}: it looks like production (${reason})`, {
    remedy: `pass --confirm=${target.database} if you really mean to overwrite it`,
  });
}
