import { inventory } from './inventory.ts';
import { openStore, type StoreOptions } from './open-store.ts';

export interface ListedBackup {
  id: string;
  database?: string;
  startedAt?: string;
  finishedAt?: string;
  compression?: string;
  /** Bytes of the archive as stored (the stored object's size, not the manifest's). */
  size?: number;
  /** Set on a restore's safety backup: the backup whose restore it preceded. */
  safetyBefore?: string;
  location?: string;
  tables?: number;
  /** Set when this is not a usable backup. */
  problem?: string;
}

/** Backups at the destination, newest first, with what is wrong with the unusable ones. */
export async function listBackups(options: StoreOptions): Promise<ListedBackup[]> {
  const store = openStore(options);
  return (await inventory(store)).map(({ id, manifest, files, problem }) => ({
    id,
    database: manifest?.database,
    startedAt: manifest?.startedAt,
    finishedAt: manifest?.finishedAt,
    compression: manifest?.compression,
    size: files.find((f) => f.name === manifest?.archive.name)?.size,
    safetyBefore: manifest?.safetyBefore,
    location: manifest ? store.describe(manifest.archive.name) : undefined,
    tables: manifest ? Object.keys(manifest.tables).length : undefined,
    problem,
  }));
}
