import { randomBytes } from 'node:crypto';
import { withDatabase, type DatabaseTarget } from './database-url.ts';
import { createEmptyDatabase, dropDatabase } from './database-admin.ts';
import type { Manifest } from './manifest.ts';
import { restoreArchive } from './pg-restore.ts';
import { withClient } from './postgres-client.ts';
import { compareRowCounts, countRows, type TableComparison } from './row-counts.ts';

export interface DrillResult {
  /** The scratch database, already dropped. */
  database: string;
  tables: TableComparison[];
  ok: boolean;
}

/**
 * Restores into a scratch database beside the one the URL names (through a session on it, so no
 * maintenance database is needed), compares row counts with the manifest, and always drops it.
 */
export async function restoreDrill(
  server: DatabaseTarget,
  manifest: Manifest,
  archivePath: string,
  options: { jobs: number; pgBinDir?: string },
): Promise<DrillResult> {
  const scratch = withDatabase(server, `backup_drill_${randomBytes(4).toString('hex')}`);
  await withClient(server, (client) => createEmptyDatabase(client, scratch.database));
  try {
    await restoreArchive(scratch, archivePath, { jobs: options.jobs, pgBinDir: options.pgBinDir });
    const actual = await withClient(scratch, countRows);
    const tables = compareRowCounts(manifest.tables, actual);
    return { database: scratch.database, tables, ok: tables.every((t) => t.ok) };
  } finally {
    await withClient(server, (client) => dropDatabase(client, scratch.database, true));
  }
}
