import { createHash } from 'node:crypto';

const MAX_IDENTIFIER_BYTES = 63;

const STAMP_LENGTH = 'YYYYMMDD_HHMMSS_mmm'.length;

/** `YYYYMMDD_HHMMSS_mmm` (UTC): sorts by time, says when a kept database was replaced, and two restores a second apart differ. */
export function restoreStamp(at: Date): string {
  const iso = at.toISOString().replace(/[-:]/g, '').replace('T', '_');
  return `${iso.slice(0, 15)}_${iso.slice(16, 19)}`;
}

/** The database a restore builds next to the target before swapping it in. */
export const scratchDatabaseName = (database: string, stamp: string) => `${prefixOf(database)}__restore_${stamp}`;

/** What the target is renamed to when the restored copy takes its place. */
export const previousDatabaseName = (database: string, stamp: string) => `${prefixOf(database)}__before_${stamp}`;

/** A LIKE pattern for the scratch or previous databases of one target. */
export function databasesOfPattern(database: string, kind: 'restore' | 'before'): string {
  return `${prefixOf(database).replace(/[\\_%]/g, (c) => `\\${c}`)}\\_\\_${kind}\\_%`;
}

/**
 * The target's name, shortened (with a hash, so two long names stay apart) when the suffix would push
 * it past Postgres's 63-byte identifier limit, which would silently truncate it.
 */
function prefixOf(database: string): string {
  const room = MAX_IDENTIFIER_BYTES - '__restore_'.length - STAMP_LENGTH;
  if (Buffer.byteLength(database) <= room) return database;
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 8);
  let prefix = database;
  while (Buffer.byteLength(prefix) > room - 9) prefix = prefix.slice(0, -1);
  return `${prefix}_${hash}`;
}
