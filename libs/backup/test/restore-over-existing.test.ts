import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres, type TestPostgres } from '@shopops/local-servers';
import { backup, listBackups, restore, type BackupResult } from '../src/index.ts';
import { query, seedAwkwardObjects, seedShop, tempDir } from './fixtures.ts';

describe('restore over an existing database', () => {
  let pg: TestPostgres;
  let source: string;
  let dir: string;
  let made: BackupResult;
  beforeAll(async () => {
    pg = await startPostgres();
    source = await pg.createDatabase('shop');
    await seedShop(source);
    await seedAwkwardObjects(source);
    dir = tempDir();
    made = await backup({ url: source, destination: dir, pgBinDir: pg.binDir });
  });
  afterAll(async () => {
    await pg?.stop();
  });

  const urlOf = (database: string) => {
    const url = new URL(pg.url);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const databases = async () =>
    (await query<{ datname: string }>(pg.url, 'select datname from pg_database order by 1')).map((r) => r.datname);
  const count = async (url: string, table: string) =>
    (await query<{ n: number }>(url, `select count(*)::int as n from ${table}`))[0]!.n;

  it('restores the same backup twice into one database: swapped in, awkward objects intact, previous kept', async () => {
    const target = urlOf('shop_restored');
    const lines: string[] = [];
    const first = await restore({ url: target, destination: dir, pgBinDir: pg.binDir, log: (l) => lines.push(l) });
    expect(first).toMatchObject({ method: 'created', created: true, before: undefined });
    await query(target, 'insert into sales.orders (product_id, note) values (1, $$written after the restore$$)');

    const second = await restore({ url: target, destination: dir, pgBinDir: pg.binDir, log: (l) => lines.push(l) });
    expect(second).toMatchObject({ method: 'swapped', created: false, before: { tables: 5, rows: 2350 } });
    expect(second.previousDatabase).toMatch(/^shop_restored__before_\d{8}_\d{6}_\d{3}$/);
    expect(second.downtimeMs).toBeGreaterThan(0);
    expect(lines).toContain('shop_restored holds 5 tables, about 2350 rows; restoring ' + `${made.id} (database shop)`);
    expect(lines.at(-1)).toMatch(
      /swapped in \(unavailable \d+ ms\); the previous database is kept as shop_restored__before_/,
    );
    expect(await count(target, 'sales.orders')).toBe(2000);
    expect(await count(urlOf(second.previousDatabase!), 'sales.orders')).toBe(2001);
    // Analyzed before it took the target's place: the planner has statistics from the first query on.
    expect(await query(target, "select reltuples::int as n from pg_class where relname = 'orders'")).toEqual([
      { n: 2000 },
    ]);
    expect(await query(target, 'select count(*)::int as n from payments_by_year')).toEqual([{ n: 2 }]);
    expect(await query(target, 'select public.total_amount(amount)::int as t from big_payments')).toEqual([
      { t: 40100 },
    ]);
    await expect(query(target, 'insert into payments values (999, $$2026-02-01$$, -1)')).rejects.toThrow(
      /positive_amount/,
    );
    await expect(query(target, 'insert into payments values (1, $$2026-06-02$$, 5)')).rejects.toThrow(/duplicate key/);

    const third = await restore({ url: target, destination: dir, pgBinDir: pg.binDir });
    expect(third.droppedPrevious).toEqual([second.previousDatabase]);
    expect(third.keptPrevious).toEqual([third.previousDatabase]);
    expect((await databases()).filter((d) => d.startsWith('shop_restored'))).toEqual([
      'shop_restored',
      third.previousDatabase,
    ]);
  });

  it('swaps in over a target with open sessions and its own dependent view, ending the sessions', async () => {
    const target = urlOf('shop_busy');
    await restore({ url: target, destination: dir, pgBinDir: pg.binDir, keepPrevious: 0 });
    await query(target, 'create view sales.recent_orders as select * from sales.orders where id > 1990');
    const { default: Client } = await import('pg').then((m) => ({ default: m.default.Client }));
    const session = new Client({ connectionString: target });
    session.on('error', () => undefined);
    await session.connect();
    const result = await restore({ url: target, destination: dir, pgBinDir: pg.binDir, keepPrevious: 0 });
    expect(result).toMatchObject({ method: 'swapped', previousDatabase: undefined });
    expect(result.droppedPrevious).toHaveLength(1);
    await expect(session.query('select 1')).rejects.toThrow();
    expect(await count(target, 'sales.orders')).toBe(2000);
    expect(await query(target, "select count(*)::int as n from pg_views where viewname = 'recent_orders'")).toEqual([
      { n: 0 },
    ]);
  });

  it('refuses a target with tables the backup lacks, or another database’s data, unless forced', async () => {
    const target = await pg.createDatabase('orders_service');
    await query(target, 'create table invoices (id int); insert into invoices select generate_series(1, 5)');
    const attempt = restore({ url: target, destination: dir, pgBinDir: pg.binDir });
    await expect(attempt).rejects.toThrow(
      /refusing to restore db_shop_\S+ over .*orders_service: it holds 1 table the backup does not have \(public\.invoices\); the backup is of database shop, the target is orders_service with 5 rows; it was not touched/,
    );
    await expect(attempt).rejects.toHaveProperty(
      'remedy',
      'check --url names the database you mean; pass --force (or --confirm=orders_service) to replace it',
    );
    expect(await count(target, 'invoices')).toBe(5);
    const forced = await restore({ url: target, destination: dir, pgBinDir: pg.binDir, force: true });
    expect(forced.tables.every((t) => t.ok)).toBe(true);
    expect(await count(urlOf(forced.previousDatabase!), 'invoices')).toBe(5);
    await expect(query(target, 'select * from invoices')).rejects.toThrow(/does not exist/);
  });

  it('fails on any row-count mismatch, saying how many match and how many do not, the target untouched', async () => {
    const target = urlOf('shop_mismatch');
    await restore({ url: target, destination: dir, pgBinDir: pg.binDir });
    const manifestPath = join(dir, `${made.id}.manifest.json`);
    const original = readFileSync(manifestPath, 'utf8');
    const altered = JSON.parse(original);
    altered.tables['sales.orders'] = 1999;
    writeFileSync(manifestPath, JSON.stringify(altered));
    try {
      await query(target, 'delete from public.empty_table');
      await query(target, 'insert into public.empty_table values (42)');
      await expect(restore({ url: target, destination: dir, pgBinDir: pg.binDir })).rejects.toThrow(
        /the restored copy differs from the manifest: 4 tables match, 1 does not \(sales\.orders 1999→2000\); shop_mismatch is untouched and the scratch database was dropped/,
      );
      expect(await query(target, 'select id from public.empty_table')).toEqual([{ id: 42 }]);
      expect((await databases()).filter((d) => d.includes('__restore_'))).toEqual([]);
    } finally {
      writeFileSync(manifestPath, original);
    }
  });

  it('never picks a safety backup as latest, and lists it as one', async () => {
    const own = tempDir();
    const first = await backup({ url: source, destination: own, pgBinDir: pg.binDir });
    const target = urlOf('shop_safety');
    await restore({ url: target, destination: own, pgBinDir: pg.binDir });
    await query(target, 'truncate sales.orders');
    const withSafety = await restore({ url: target, destination: own, safetyBackup: true, pgBinDir: pg.binDir });
    expect(withSafety.safetyBackup).toMatch(/db_shop_safety_/);
    const listed = await listBackups({ destination: own });
    expect(listed.find((b) => b.database === 'shop_safety')).toMatchObject({ safetyBefore: first.id });
    const again = await restore({ url: target, destination: own, pgBinDir: pg.binDir });
    expect(again.id).toBe(first.id);
  });

  it('copies the owner, settings and CONNECT privileges of the database it replaces', async () => {
    const target = urlOf('shop_owned');
    await query(pg.url, 'create role shop_app login');
    await restore({ url: target, destination: dir, pgBinDir: pg.binDir });
    await query(
      pg.url,
      `alter database shop_owned owner to shop_app;
       revoke connect on database shop_owned from public;
       grant connect on database shop_owned to shop_app;
       alter database shop_owned set statement_timeout = '5s';
       alter database shop_owned set search_path = sales, public`,
    );
    const result = await restore({ url: target, destination: dir, pgBinDir: pg.binDir });
    expect(result.warnings).toEqual([]);
    const facts = await query(
      pg.url,
      `select pg_get_userbyid(datdba) as owner, has_database_privilege('shop_app', oid, 'CONNECT') as app,
              has_database_privilege('public', oid, 'CONNECT') as public,
              (select setconfig from pg_db_role_setting where setdatabase = d.oid and setrole = 0) as settings
       from pg_database d where datname = 'shop_owned'`,
    );
    expect(facts).toEqual([
      { owner: 'shop_app', app: true, public: false, settings: ['statement_timeout=5s', 'search_path=sales, public'] },
    ]);
  });
});
