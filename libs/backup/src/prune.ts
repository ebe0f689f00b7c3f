import { inventory, type BackupEntry } from './inventory.ts';
import { manifestName } from './naming.ts';
import { openStore, type StoreOptions } from './open-store.ts';
import type { Reporting } from './progress.ts';
import { selectForDeletion, type RetentionPolicy } from './retention.ts';

export interface PruneOptions extends StoreOptions, Pick<Reporting, 'log'> {
  policy?: RetentionPolicy;
  /** Without it, only reports what would be deleted. */
  apply?: boolean;
  now?: Date;
}

export interface PruneResult {
  applied: boolean;
  keep: { id: string; reasons: string[] }[];
  /** Deleted with apply, else what would be deleted. */
  remove: { id: string; reason: string; files: string[] }[];
  /** Never deleted: no usable manifest (interrupted runs, damaged or foreign files) and safety backups. */
  untouched: { id: string; reason: string }[];
}

/**
 * Applies the GFS policy to the backups at the destination. Only backups with a readable manifest take
 * part; the newest is always kept; only files directly under the destination's directory or prefix are seen.
 */
export async function prune(options: PruneOptions): Promise<PruneResult> {
  const store = openStore(options);
  const entries = await inventory(store);
  // Only usable scheduled backups take part: a safety backup must not stand in for a day's backup.
  const usable = (e: BackupEntry) => e.manifest && !e.problem && !e.manifest.safetyBefore;
  const dated = entries.filter(usable).map((e) => ({ ...e, time: new Date(e.manifest?.startedAt ?? 0) }));
  const decision = selectForDeletion(dated, options.policy, options.now);
  const untouched = entries.filter((e) => !usable(e)).map((e) => ({ id: e.id, reason: untouchedReason(e) }));
  const verb = options.apply ? 'delete' : 'would delete';
  for (const { backup, reasons } of decision.keep) options.log?.(`keep   ${backup.id}  (${reasons.join(', ')})`);
  for (const { id, reason } of untouched) options.log?.(`leave  ${id}  (${reason})`);
  const remove = decision.remove.map(({ backup, reason }) => ({ id: backup.id, reason, files: deletionOrder(backup) }));
  for (const { id, reason } of remove) options.log?.(`${verb} ${id}  (${reason})`);
  if (options.apply) {
    for (const { files } of remove) {
      for (const file of files) await store.remove(file);
    }
  }
  return {
    applied: !!options.apply,
    keep: decision.keep.map(({ backup, reasons }) => ({ id: backup.id, reasons })),
    remove,
    untouched,
  };
}

function untouchedReason(entry: BackupEntry): string {
  if (entry.manifest?.safetyBefore && !entry.problem) {
    return `safety backup taken before restoring ${entry.manifest.safetyBefore}; prune leaves it, delete it when no longer needed`;
  }
  return `${entry.problem ?? 'no manifest'}; never deleted by prune`;
}

/** The manifest goes last: an interrupted prune leaves a manifest that the next prune still recognises. */
function deletionOrder(entry: BackupEntry): string[] {
  const manifest = manifestName(entry.id);
  return [...entry.files.map((f) => f.name).filter((name) => name !== manifest), manifest];
}
