import { z } from 'zod';
import { BackupError, describeError } from './errors.ts';
import { manifestName } from './naming.ts';
import { readText, type BackupStore } from './store.ts';

const fileSummary = z.object({ name: z.string(), size: z.number().int().nonnegative(), sha256: z.string() });

export const manifestSchema = z.object({
  formatVersion: z.literal(1),
  id: z.string(),
  database: z.string(),
  serverVersion: z.string(),
  pgDumpVersion: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  compression: z.enum(['zstd', 'pg-default', 'none']),
  /** The stored archive: bytes as stored (after compression). */
  archive: fileSummary,
  globals: fileSummary.optional(),
  /** Exact row count of every user table, counted in the snapshot pg_dump read. */
  tables: z.record(z.string(), z.number().int().nonnegative()),
  /** Set on the safety backup a restore took of its target: the id of the backup being restored. */
  safetyBefore: z.string().optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;

export async function readManifest(store: BackupStore, id: string): Promise<Manifest> {
  const where = store.describe(manifestName(id));
  let text: string;
  try {
    text = await readText(store, manifestName(id));
  } catch (error) {
    throw new BackupError(`cannot read manifest ${where}: ${describeError(error)}`, {
      remedy: 'a dump without its manifest is not a complete backup; pick another backup (list shows them)',
      cause: error,
    });
  }
  const parsed = manifestSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new BackupError(`manifest ${where} is not valid: ${parsed.error.issues[0]?.message ?? 'unreadable'}`, {
      remedy: 'the backup cannot be trusted; pick another backup (list shows them)',
    });
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
