import { randomBytes } from 'node:crypto';
import { withDatabase, type DatabaseTarget } from './database-url.ts';
import { createDatabase, dropDatabase } from './database-admin.ts';
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

/** Restores into a scratch database on the server, compares row counts with the manifest, always drops it. */
export async function restoreDrill(
  server: DatabaseTarget,
  manifest: Manifest,
  archivePath: string,
  options: { jobs: number; pgBinDir?: string },
): Promise<DrillResult> {
  const scratch = withDatabase(server, `backup_drill_${randomBytes(4).toString('hex')}`);
  await createDatabase(scratch);
  try {
    await restoreArchive(scratch, archivePath, options.jobs, options.pgBinDir);
    const actual = await withClient(scratch, countRows);
    const tables = compareRowCounts(manifest.tables, actual);
    return { database: scratch.database, tables, ok: tables.every((t) => t.ok) };
  } finally {
    await dropDatabase(scratch);
  }
}
