import { parseDatabaseUrl } from './database-url.ts';
import { restoreDrill, type DrillResult } from './drill.ts';
import { BackupError } from './errors.ts';
import { resolveBackup } from './inventory.ts';
import { materializeArchive } from './materialize.ts';
import { openStore, type StoreOptions } from './open-store.ts';
import { readWholeArchive } from './pg-restore.ts';
import { formatDuration, type Reporting } from './progress.ts';
import { formatComparison } from './row-counts.ts';

export interface VerifyOptions extends StoreOptions, Reporting {
  /** A backup id or file name, or 'latest' (default). */
  backup?: string;
  /** Server for the restore drill (any database on it; a scratch database is created and dropped). Without it, no drill. */
  url?: string;
  /** pg_restore -j for the drill (default 2). */
  jobs?: number;
  pgBinDir?: string;
}

export interface VerifyResult {
  id: string;
  /** The database the backup is of. */
  database: string;
  location: string;
  checksum: 'ok';
  fullRead: 'ok';
  drill?: DrillResult;
  durationMs: number;
}

/** Checksum, a full read of the archive, and (with a server) a restore drill whose row counts must match the manifest. */
export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  const store = openStore(options);
  const server = options.url ? parseDatabaseUrl(options.url) : undefined;
  const manifest = await resolveBackup(store, options.backup, options.log);
  const location = store.describe(manifest.archive.name);
  options.log?.(`verifying ${location}`);
  const archive = await materializeArchive(store, manifest, options.onProgress);
  try {
    options.log?.(`checksum ok: sha256 ${manifest.archive.sha256.slice(0, 16)}…, ${manifest.archive.size} bytes`);
    await readWholeArchive(archive.path, location, options.pgBinDir);
    options.log?.('full read ok: pg_restore read every entry of the archive');
    let drill: DrillResult | undefined;
    if (server) {
      drill = await restoreDrill(server, manifest, archive.path, {
        jobs: options.jobs ?? 2,
        pgBinDir: options.pgBinDir,
      });
      formatComparison(drill.tables).forEach((line) => options.log?.(line));
      if (!drill.ok) {
        const bad = drill.tables.filter((t) => !t.ok).map((t) => `${t.table} ${t.expected ?? '-'}→${t.actual ?? '-'}`);
        throw new BackupError(
          `restore drill of ${manifest.id}: row counts differ from the manifest (${bad.join(', ')})`,
          {
            remedy: 'do not rely on this backup; run a new backup and verify it',
          },
        );
      }
      options.log?.(
        `restore drill ok: ${drill.tables.length} tables match, scratch database ${drill.database} dropped`,
      );
    }
    const durationMs = Date.now() - started;
    options.log?.(`verified ${manifest.id} in ${formatDuration(durationMs)}`);
    return {
      id: manifest.id,
      database: manifest.database,
      location,
      checksum: 'ok',
      fullRead: 'ok',
      drill,
      durationMs,
    };
  } finally {
    await archive.cleanup();
  }
}
