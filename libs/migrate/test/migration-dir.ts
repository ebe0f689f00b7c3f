import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { query, scratchDir } from '@shopops/testing';
import { expect } from 'vitest';
import { MigrateError } from '../src/errors.ts';

export { query };

/** A real migrations folder in a temporary directory. */
export async function migrationDir(files: Record<string, string> = {}): Promise<string> {
  const dir = scratchDir('migrations-');
  await addFiles(dir, files);
  return dir;
}

export async function addFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
}

/** A dbmate file; `down` omitted means the migration has no down section; `options` go on both markers. */
export function dbmate(up: string, down?: string, options = ''): string {
  const marker = (direction: string) => `-- migrate:${direction}${options ? ` ${options}` : ''}`;
  return down === undefined ? `${marker('up')}\n${up}\n` : `${marker('up')}\n${up}\n\n${marker('down')}\n${down}\n`;
}

export async function historyVersions(url: string, table = 'public.schema_migrations'): Promise<string[]> {
  const rows = await query<{ version: string }>(url, `SELECT version FROM ${table} ORDER BY version`);
  return rows.map((row) => row.version);
}

export async function tableExists(url: string, name: string): Promise<boolean> {
  const [row] = await query<{ exists: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [name]);
  return row!.exists;
}

/** The MigrateError a promise rejects with; fails the test when it resolves or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<MigrateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MigrateError);
  return error as MigrateError;
}
