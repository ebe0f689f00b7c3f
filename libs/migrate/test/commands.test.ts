import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPostgres, type TestPostgres } from '@shopops/local-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrateError } from '../src/errors.ts';
import { down, dryRun, dumpSchema, redo, status, up, verify } from '../src/index.ts';
import { addFiles, dbmate, historyVersions, migrationDir, query, tableExists } from './migration-dir.ts';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

const products = dbmate('CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL);', 'DROP TABLE products;');
const orders = dbmate(
  'CREATE TABLE orders (id serial PRIMARY KEY, product_id int REFERENCES products);\nCREATE INDEX orders_product_id ON orders (product_id);',
  'DROP TABLE orders;',
);

async function twoMigrations(): Promise<string> {
  return migrationDir({ '20260101000000_create_products.sql': products, '20260102000000_create_orders.sql': orders });
}

describe('up', () => {
  it('applies pending migrations in order, records history and logs each file', async () => {
    const url = await pg.createDatabase();
    const dir = await twoMigrations();
    const lines: string[] = [];
    const result = await up({ url, dir, log: (line) => lines.push(line) });
    expect(result.applied.map((r) => r.version)).toEqual(['20260101000000', '20260102000000']);
    expect(lines[0]).toMatch(/^applied 20260101000000_create_products \(\d+ ms\)$/);
    const rows = await query(
      url,
      'SELECT version, name, checksum, applied_at, duration_ms FROM public.schema_migrations ORDER BY version',
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ version: '20260101000000', name: 'create_products' });
    expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.applied_at).toBeInstanceOf(Date);
    expect(typeof rows[0]!.duration_ms).toBe('number');
    expect((await up({ url, dir })).applied).toEqual([]);
  });

  it('stops at the target version', async () => {
    const url = await pg.createDatabase();
    const dir = await twoMigrations();
    await up({ url, dir, target: '20260101000000' });
    expect(await historyVersions(url)).toEqual(['20260101000000']);
    await expect(up({ url, dir, target: '20990101000000' })).rejects.toThrow(/no migration has version 20990101000000/);
  });

  it('uses a configured, schema-qualified history table', async () => {
    const url = await pg.createDatabase();
    await up({ url, dir: await twoMigrations(), table: 'ops."Migration History"' });
    expect(await historyVersions(url, 'ops."Migration History"')).toHaveLength(2);
    expect(await tableExists(url, 'public.schema_migrations')).toBe(false);
  });
});

describe('down and redo', () => {
  it('reverts the newest migrations one step by default, or N steps', async () => {
    const url = await pg.createDatabase();
    const dir = await twoMigrations();
    await up({ url, dir });
    const one = await down({ url, dir });
    expect(one.reverted.map((r) => r.version)).toEqual(['20260102000000']);
    expect(await tableExists(url, 'orders')).toBe(false);
    await up({ url, dir });
    await down({ url, dir, steps: 2 });
    expect(await historyVersions(url)).toEqual([]);
    expect(await tableExists(url, 'products')).toBe(false);
  });

  it('refuses to revert a migration without a down section, naming the file', async () => {
    const url = await pg.createDatabase();
    const dir = await migrationDir({ '20260101000000_irreversible.sql': dbmate('CREATE TABLE t (x int);') });
    await up({ url, dir });
    const error = (await down({ url, dir }).catch((e: unknown) => e)) as MigrateError;
    expect(error.message).toContain(
      '20260101000000_irreversible.sql: cannot revert 20260101000000_irreversible: it has no down section',
    );
    expect(await historyVersions(url)).toEqual(['20260101000000']);
  });

  it('refuses to revert a version whose file is missing', async () => {
    const url = await pg.createDatabase();
    const dir = await twoMigrations();
    await up({ url, dir });
    await query(url, `INSERT INTO schema_migrations (version) VALUES ('20260103000000')`);
    await expect(down({ url, dir })).rejects.toThrow(
      /cannot revert version 20260103000000: it is in "public"."schema_migrations" but no migration file has that version/,
    );
  });

  it('redo reverts the newest migration and applies it again', async () => {
    const url = await pg.createDatabase();
    const dir = await twoMigrations();
    await up({ url, dir });
    await query(url, 'INSERT INTO products (name) VALUES ($1)', ['kept']);
    await query(url, 'INSERT INTO orders (product_id) VALUES (1)');
    const result = await redo({ url, dir });
    expect(result.reverted.version).toBe('20260102000000');
    expect(result.applied.version).toBe('20260102000000');
    expect(await query(url, 'SELECT * FROM orders')).toEqual([]);
    expect(await historyVersions(url)).toEqual(['20260101000000', '20260102000000']);
  });
});

describe('status and dry-run', () => {
  it('lists applied, pending, drifted and missing without writing anything', async () => {
    const url = await pg.createDatabase();
    const dir = await twoMigrations();
    const before = await status({ url, dir });
    expect(before.pending.map((e) => e.version)).toEqual(['20260101000000', '20260102000000']);
    expect(await tableExists(url, 'public.schema_migrations')).toBe(false);

    await up({ url, dir, target: '20260101000000' });
    await query(url, `INSERT INTO schema_migrations (version) VALUES ('20250101000000')`);
    await addFiles(dir, { '20260101000000_create_products.sql': `${products}-- edited\n` });
    const after = await status({ url, dir });
    expect(after.applied.map((e) => e.version)).toEqual(['20250101000000', '20260101000000']);
    expect(after.applied[1]).toMatchObject({
      name: 'create_products',
      file: join(dir, '20260101000000_create_products.sql'),
    });
    expect(after.applied[1]!.appliedAt).toBeInstanceOf(Date);
    expect(after.pending.map((e) => e.version)).toEqual(['20260102000000']);
    expect(after.drifted.map((e) => e.version)).toEqual(['20260101000000']);
    expect(after.missing).toEqual([expect.objectContaining({ version: '20250101000000', file: null })]);
  });

  it('dry-run returns the SQL up would run and writes nothing', async () => {
    const url = await pg.createDatabase();
    const dir = await twoMigrations();
    const result = await dryRun({ url, dir });
    expect(result.migrations.map((m) => [m.version, m.transaction])).toEqual([
      ['20260101000000', true],
      ['20260102000000', true],
    ]);
    expect(result.migrations[0]!.sql).toContain('CREATE TABLE products');
    expect(await tableExists(url, 'public.schema_migrations')).toBe(false);
    expect(await tableExists(url, 'products')).toBe(false);
  });
});

describe('dumpSchema', () => {
  it('writes a stable schema with the applied versions and no volatile lines', async () => {
    const url = await pg.createDatabase();
    const dir = await twoMigrations();
    await up({ url, dir });
    const file = join(await migrationDir(), 'schema.sql');
    const result = await dumpSchema({ url, file });
    expect(result.versions).toEqual(['20260101000000', '20260102000000']);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('CREATE TABLE public.orders');
    expect(text).toContain(
      `INSERT INTO "public"."schema_migrations" (version) VALUES\n    ('20260101000000'),\n    ('20260102000000');\n`,
    );
    expect(text).not.toMatch(/Dumped (from|by)|^\\(un)?restrict/m);
    await dumpSchema({ url, file });
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});

describe('verify', () => {
  it('passes when down + up reproduces the schema, and drops the scratch database', async () => {
    const url = await pg.createDatabase();
    const result = await verify({ url, dir: await twoMigrations() });
    expect(result).toMatchObject({ ok: true, migrations: 2, roundTripped: 2, diff: [], withoutDown: [] });
    expect(await query(url, 'SELECT 1 FROM pg_database WHERE datname = $1', [result.database])).toEqual([]);
  });

  it('reports the differing lines when a down section does not undo its up section', async () => {
    const url = await pg.createDatabase();
    const dir = await migrationDir({
      '20260101000000_create_products.sql': dbmate(
        'CREATE TABLE products (id int);',
        'DROP TABLE products;\nCREATE TABLE leftover (id int);',
      ),
    });
    const result = await verify({ url, dir });
    expect(result.ok).toBe(false);
    expect(result.diff).toContain('+CREATE TABLE public.leftover (');
    expect(await query(url, 'SELECT 1 FROM pg_database WHERE datname = $1', [result.database])).toEqual([]);
  });

  it('reports migrations without a down section', async () => {
    const url = await pg.createDatabase();
    const dir = await twoMigrations();
    await addFiles(dir, { '20260103000000_seed.sql': dbmate("INSERT INTO products (name) VALUES ('x');") });
    const result = await verify({ url, dir });
    expect(result).toMatchObject({
      ok: false,
      roundTripped: 0,
      withoutDown: [{ version: '20260103000000', name: 'seed' }],
    });
  });
});
