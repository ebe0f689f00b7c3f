import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MigrateError } from './errors.ts';

/** `<YYYYMMDDHHMMSS>_<name>.sql`, the timestamp in UTC. */
export function migrationFileName(name: string, date: Date): string {
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new MigrateError(`invalid migration name ${JSON.stringify(name)}`, {
      remedy: 'use lowercase letters, digits and underscores, e.g. add_orders_status',
    });
  }
  const timestamp = date.toISOString().replace(/\D/g, '').slice(0, 14);
  return `${timestamp}_${name}.sql`;
}

export function migrationTemplate(): string {
  return '-- migrate:up\n\n\n-- migrate:down\n\n';
}

export interface NewMigrationOptions {
  dir: string;
  name: string;
  /** The timestamp to name the file by; default now. */
  now?: Date;
}

/** Creates an empty migration file; refuses to overwrite a file or reuse a version. */
export async function newMigration({ dir, name, now = new Date() }: NewMigrationOptions): Promise<{ file: string }> {
  const fileName = migrationFileName(name, now);
  const version = fileName.slice(0, 14);
  const existing = await readdir(dir).catch(() => [] as string[]);
  const clash = existing.find((other) => other.startsWith(`${version}_`));
  if (clash) {
    throw new MigrateError(`version ${version} is already used by ${join(dir, clash)}`, {
      remedy: 'wait a second and run again, or pass another time',
    });
  }
  const file = join(dir, fileName);
  await mkdir(dir, { recursive: true });
  // 'wx': never overwrite, even if another process created the file since the check above.
  await writeFile(file, migrationTemplate(), { flag: 'wx' });
  return { file };
}
