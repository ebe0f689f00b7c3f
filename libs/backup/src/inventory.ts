import { BackupError, describeError } from './errors.ts';
import { readManifest, type Manifest } from './manifest.ts';
import { idOfFile, manifestName, normalizeBackupRef } from './naming.ts';
import type { BackupStore, StoredFile } from './store.ts';

export interface BackupEntry {
  id: string;
  /** Present when the manifest could be read and is valid. */
  manifest?: Manifest;
  /** Every stored file of this backup. */
  files: StoredFile[];
  /** Why this is not a usable backup: no manifest (an interrupted run), unreadable manifest, missing archive. */
  problem?: string;
}

/** Every backup under the store's directory or prefix, newest first; broken ones included with their problem. */
export async function inventory(store: BackupStore): Promise<BackupEntry[]> {
  const groups = new Map<string, StoredFile[]>();
  for (const file of await store.list()) {
    const id = idOfFile(file.name);
    if (id) groups.set(id, [...(groups.get(id) ?? []), file]);
  }
  const entries = await Promise.all(
    [...groups].map(async ([id, files]): Promise<BackupEntry> => {
      if (!files.some((f) => f.name === manifestName(id))) return { id, files, problem: 'no manifest (incomplete)' };
      try {
        const manifest = await readManifest(store, id);
        const archive = files.find((f) => f.name === manifest.archive.name);
        return archive ? { id, files, manifest } : { id, files, manifest, problem: 'archive missing' };
      } catch (error) {
        return { id, files, problem: `manifest unreadable: ${describeError(error)}` };
      }
    }),
  );
  return entries.sort((a, b) => sortKey(b).localeCompare(sortKey(a)));
}

function sortKey(entry: BackupEntry): string {
  return entry.manifest?.startedAt ?? entry.id;
}

/** `latest` (the newest complete backup) or an id / file name; returns the manifest. */
export async function resolveBackup(store: BackupStore, ref = 'latest'): Promise<Manifest> {
  if (ref !== 'latest') return readManifest(store, normalizeBackupRef(ref));
  const newest = (await inventory(store)).find((entry) => entry.manifest && !entry.problem);
  if (!newest?.manifest) {
    throw new BackupError(`no complete backup in ${store.location}`, {
      remedy: 'check --destination (and the S3 options), or run a backup first',
    });
  }
  return newest.manifest;
}
