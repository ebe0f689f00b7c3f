import type { Compression } from './compression.ts';

/**
 * Backup ids follow the seed scripts' `db_<database>_YYYYMMDD_HHMM` (UTC), with seconds and
 * then a counter added only when needed to keep the id unique.
 */
export function newBackupId(database: string, at: Date, taken: (id: string) => boolean): string {
  const safe = database.replace(/[^A-Za-z0-9_.-]/g, '_');
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '_');
  const minute = `db_${safe}_${stamp.slice(0, 13)}`;
  if (!taken(minute)) return minute;
  const second = `db_${safe}_${stamp.slice(0, 15)}`;
  for (let n = 1; ; n++) {
    const id = n === 1 ? second : `${second}_${n}`;
    if (!taken(id)) return id;
  }
}

export function archiveName(id: string, compression: Compression): string {
  return compression === 'zstd' ? `${id}.dump.zst` : `${id}.dump`;
}

export const manifestName = (id: string) => `${id}.manifest.json`;
export const globalsName = (id: string) => `${id}.globals.sql`;

const SUFFIXES = ['.manifest.json', '.globals.sql', '.dump.zst', '.dump'] as const;

/** The backup id a stored file belongs to, or undefined for files that are not ours. */
export function idOfFile(name: string): string | undefined {
  if (!name.startsWith('db_')) return undefined;
  const suffix = SUFFIXES.find((s) => name.endsWith(s));
  return suffix ? name.slice(0, -suffix.length) : undefined;
}

/** Accepts an id or any of its file names, so `restore db_x_20250101_1200.dump` works too. */
export function normalizeBackupRef(ref: string): string {
  return idOfFile(ref) ?? ref;
}
