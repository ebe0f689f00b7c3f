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
        return { id, files, manifest, problem: archiveProblem(manifest, files) };
      } catch (error) {
        return { id, files, problem: `manifest unreadable: ${describeError(error)}` };
      }
    }),
  );
  return entries.sort((a, b) => sortKey(b).localeCompare(sortKey(a)));
}

/** What the stored archive's size says (a truncated upload, a replaced file); the checksum is verify's job. */
function archiveProblem(manifest: Manifest, files: StoredFile[]): string | undefined {
  const archive = files.find((f) => f.name === manifest.archive.name);
  if (!archive) return 'archive missing (incomplete)';
  if (archive.size !== manifest.archive.size) {
    return `archive is ${archive.size} bytes, the manifest says ${manifest.archive.size} (incomplete: truncated or replaced)`;
  }
  return undefined;
}

function sortKey(entry: BackupEntry): string {
  return entry.manifest?.startedAt ?? entry.id;
}

/**
 * `latest` (the newest complete backup, never a restore's safety backup: that is the target's old state,
 * not what anyone asked to restore) or an id / file name; returns the manifest.
 */
export async function resolveBackup(
  store: BackupStore,
  ref = 'latest',
  log?: (line: string) => void,
): Promise<Manifest> {
  if (ref !== 'latest') return readManifest(store, normalizeBackupRef(ref));
  const entries = (await inventory(store)).filter((entry) => !entry.manifest?.safetyBefore);
  const newest = entries.find((entry) => entry.manifest && !entry.problem);
  if (!newest?.manifest) {
    const broken = entries[0];
    throw new BackupError(
      `no complete backup in ${store.location}${broken ? ` (the newest, ${broken.id}: ${broken.problem})` : ''}`,
      { remedy: 'check --destination (and the S3 options), or run a backup first' },
    );
  }
  const skipped = entries.slice(0, entries.indexOf(newest));
  // Not an error (the newest complete backup is what `latest` means), but never a silent substitution.
  skipped.forEach((entry) => log?.(`skipping ${entry.id}, newer but not usable: ${entry.problem}`));
  return newest.manifest;
}
