import { startPostgres, type TestPostgres } from '@shopops/local-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseline, down, dryRun, force, status, up } from '../src/index.ts';
import { addFiles, failure, historyVersions, migrationDir, query, tableExists } from './migration-dir.ts';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

/** Three golang-migrate pairs: 1 and 2 applied by golang-migrate itself, 3 new. */
function golangFolder(): Promise<string> {
  return migrationDir({
    '000001_create_products.up.sql': 'CREATE TABLE products (id int PRIMARY KEY);\n',
    '000001_create_products.down.sql': 'DROP TABLE products;\n',
    '000002_add_name.up.sql': 'ALTER TABLE products ADD COLUMN name text;\n',
    '000002_add_name.down.sql': 'ALTER TABLE products DROP COLUMN name;\n',
    '000003_add_price.up.sql': 'ALTER TABLE products ADD COLUMN price int;\n',
    '000003_add_price.down.sql': 'ALTER TABLE products DROP COLUMN price;\n',
  });
}

/** What golang-migrate leaves behind after applying 1 and 2: one row, the current version. */
async function golangMigrateTable(url: string, version: number, dirty = false): Promise<void> {
  await query(url, 'CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)');
  await query(url, 'INSERT INTO schema_migrations VALUES ($1, $2)', [version, dirty]);
  await query(url, 'CREATE TABLE products (id int PRIMARY KEY, name text)');
}

describe('an existing golang-migrate history table', () => {
  it('reads every file up to its version as applied and adopts the table in place on up', async () => {
    const url = await pg.createDatabase();
    await golangMigrateTable(url, 2);
    const dir = await golangFolder();
    const before = await status({ url, dir });
    expect(before.applied.map((e) => e.version)).toEqual(['000001', '000002']);
    expect(before.pending.map((e) => e.version)).toEqual(['000003']);
    const result = await up({ url, dir });
    expect(result.applied.map((r) => r.version)).toEqual(['000003']);
    const after = await status({ url, dir });
    expect(after.applied.map((e) => e.version)).toEqual(['000001', '000002', '000003']);
    expect(after.pending).toEqual([]);
    expect(await query(url, 'SELECT version, dirty FROM schema_migrations ORDER BY version')).toEqual([
      { version: '000001', dirty: false },
      { version: '000002', dirty: false },
      { version: '000003', dirty: false },
    ]);
  });

  it('refuses to run while golang-migrate left it dirty, and changes nothing', async () => {
    const url = await pg.createDatabase();
    await golangMigrateTable(url, 2, true);
    const dir = await golangFolder();
    expect((await status({ url, dir })).dirty.map((e) => e.version)).toEqual(['000002']);
    const error = await failure(up({ url, dir }));
    expect(error.message).toContain('dirty at 000002');
    expect(error.remedy).toContain('`migrate force 000002`');
    expect(await query(url, 'SELECT version, dirty FROM schema_migrations')).toEqual([{ version: '2', dirty: true }]);
  });
});

const ownTransaction = [
  '-- golang-migrate runs files as written',
  'BEGIN;',
  'CREATE TABLE tags (id int PRIMARY KEY);',
  'INSERT INTO tags VALUES (1);',
  'COMMIT;',
  '',
].join('\n');

describe('a golang-migrate folder as golang-migrate runs it', () => {
  it('runs a file with its own BEGIN/COMMIT as written, and a CONCURRENTLY file outside a transaction', async () => {
    const url = await pg.createDatabase();
    const dir = await golangFolder();
    await addFiles(dir, {
      '000004_create_tags.up.sql': ownTransaction,
      '000004_create_tags.down.sql': 'BEGIN;\nDROP TABLE tags;\nCOMMIT;\n',
      '000005_index_name.up.sql': 'CREATE INDEX CONCURRENTLY products_name ON products (name);\n',
      '000005_index_name.down.sql': 'DROP INDEX CONCURRENTLY products_name;\n',
    });
    const planned = await dryRun({ url, dir });
    expect(planned.migrations.map((m) => [m.version, m.mode, m.reason])).toEqual([
      ['000001', 'transaction', undefined],
      ['000002', 'transaction', undefined],
      ['000003', 'transaction', undefined],
      ['000004', 'as-written', 'BEGIN at line 2: the file manages its own transaction'],
      ['000005', 'no-transaction', 'CREATE INDEX CONCURRENTLY at line 1 cannot run in a transaction'],
    ]);
    expect(await tableExists(url, 'public.schema_migrations')).toBe(false);

    const result = await up({ url, dir });
    expect(result.applied.map((r) => r.mode)).toEqual([
      'transaction',
      'transaction',
      'transaction',
      'as-written',
      'no-transaction',
    ]);
    expect(await query(url, 'SELECT id FROM tags')).toEqual([{ id: 1 }]);
    const [index] = await query(
      url,
      `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'products_name'`,
    );
    expect(index).toEqual({ indisvalid: true });
    expect(await query(url, 'SELECT version, dirty FROM schema_migrations WHERE dirty')).toEqual([]);

    await down({ url, dir, steps: 2 });
    expect(await tableExists(url, 'tags')).toBe(false);
    expect(await tableExists(url, 'products_name')).toBe(false);
    expect(await historyVersions(url)).toEqual(['000001', '000002', '000003']);
  });

  it('marks a file that fails part-way dirty, refuses to run until forced, then continues', async () => {
    const url = await pg.createDatabase();
    const dir = await golangFolder();
    await addFiles(dir, {
      '000004_create_tags.up.sql':
        'CREATE TABLE tags (id int);\nCREATE INDEX CONCURRENTLY tags_id ON tags (missing);\n',
      '000005_create_labels.up.sql': 'CREATE TABLE labels (id int);\n',
    });
    const error = await failure(up({ url, dir }));
    expect(error.message).toContain('000004_create_tags.up.sql:2: column "missing" does not exist');
    expect(error.message).toContain('the statements at lines 1 already ran and stay applied');
    expect(error.remedy).toMatch(/^dirty at 000004: fix the database, then `migrate force 000004`/);
    expect(await historyVersions(url)).toEqual(['000001', '000002', '000003', '000004']);
    expect((await status({ url, dir })).dirty.map((e) => e.version)).toEqual(['000004']);

    const refused = await failure(up({ url, dir }));
    expect(refused.message).toContain('dirty at 000004');
    expect(refused.remedy).toContain('`migrate force 000004`');
    await expect(dryRun({ url, dir })).rejects.toThrow(/dirty at 000004/);
    expect(await tableExists(url, 'labels')).toBe(false);

    // The fix by hand: finish what the file meant to do, then tell the engine.
    await query(url, 'ALTER TABLE tags ADD COLUMN missing int');
    await query(url, 'CREATE INDEX tags_id ON tags (missing)');
    expect(await force({ url, dir, version: '4' })).toEqual({ version: '000004', cleared: ['000004'], forgotten: [] });
    expect((await status({ url, dir })).dirty).toEqual([]);
    expect((await up({ url, dir })).applied.map((r) => r.version)).toEqual(['000005']);
    expect(await tableExists(url, 'labels')).toBe(true);
  });

  it('force to a lower version forgets the ones above it, so up runs them again', async () => {
    const url = await pg.createDatabase();
    const dir = await golangFolder();
    await up({ url, dir });
    expect(await force({ url, dir, version: '000001' })).toEqual({
      version: '000001',
      cleared: [],
      forgotten: ['000002', '000003'],
    });
    expect(await historyVersions(url)).toEqual(['000001']);
  });

  it('force to a version no file has fails and changes nothing', async () => {
    const url = await pg.createDatabase();
    await golangMigrateTable(url, 2, true);
    const error = await failure(force({ url, dir: await golangFolder(), version: '7' }));
    expect(error.message).toBe('force: no migration has version 7');
    expect(error.remedy).toContain('000003');
    expect(await query(url, 'SELECT version, dirty FROM schema_migrations')).toEqual([{ version: '2', dirty: true }]);
  });

  it('force clears the dirty flag golang-migrate left, adopting its table', async () => {
    const url = await pg.createDatabase();
    await golangMigrateTable(url, 2, true);
    const dir = await golangFolder();
    expect(await force({ url, dir, version: '2' })).toEqual({ version: '000002', cleared: ['000002'], forgotten: [] });
    expect((await up({ url, dir })).applied.map((r) => r.version)).toEqual(['000003']);
  });
});

describe('baseline', () => {
  it('records every file up to the version as applied on a database that has the schema', async () => {
    const url = await pg.createDatabase();
    await query(url, 'CREATE TABLE products (id int PRIMARY KEY, name text)');
    const dir = await golangFolder();
    expect(await baseline({ url, dir, version: '2' })).toEqual({ version: '000002', recorded: ['000001', '000002'] });
    const state = await status({ url, dir });
    expect(state.applied.map((e) => e.version)).toEqual(['000001', '000002']);
    expect(state.drifted).toEqual([]);
    expect((await up({ url, dir })).applied.map((r) => r.version)).toEqual(['000003']);
  });

  it('refuses a database that already has history, golang-migrate’s or ours', async () => {
    const url = await pg.createDatabase();
    await golangMigrateTable(url, 1);
    const dir = await golangFolder();
    const error = await failure(baseline({ url, dir, version: '3' }));
    expect(error.message).toBe(
      'baseline: public.schema_migrations already records 1 applied migration (newest 000001); refusing to overwrite real history',
    );
    expect(error.remedy).toContain('`migrate force <version>`');
    expect(await query(url, 'SELECT version::text FROM schema_migrations')).toEqual([{ version: '1' }]);
  });
});
