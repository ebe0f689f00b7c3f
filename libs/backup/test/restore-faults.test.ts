import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chownSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { startPostgres, type TestPostgres } from '@shopops/local-servers';
import { backup, restore, type BackupResult } from '../src/index.ts';
import { query, seedBlobs, seedShop, tempDir } from './fixtures.ts';

const cli = ['--import', 'tsx', resolve(import.meta.dirname, '../src/main.ts')];

describe('restore faults: the target is what it was, whatever fails', () => {
  let pg: TestPostgres;
  let dir: string;
  let shop: BackupResult;
  let big: BackupResult;
  beforeAll(async () => {
    pg = await startPostgres();
    const source = await pg.createDatabase('shop');
    await seedShop(source);
    const bigSource = await pg.createDatabase('big');
    await seedShop(bigSource);
    await seedBlobs(bigSource, 20_000);
    dir = tempDir();
    shop = await backup({ url: source, destination: dir, pgBinDir: pg.binDir });
    big = await backup({ url: bigSource, destination: dir, compression: 'none', pgBinDir: pg.binDir });
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });

  const urlOf = (database: string, role = 'postgres') => {
    const url = new URL(pg.url);
    url.pathname = `/${database}`;
    url.username = role;
    return url.toString();
  };
  const scratchDatabases = async () =>
    (
      await query<{ datname: string }>(
        pg.url,
        "select datname from pg_database where datname like '%\\_\\_restore\\_%'",
      )
    ).map((r) => r.datname);
  const count = async (url: string, table: string) =>
    (await query<{ n: number }>(url, `select count(*)::int as n from ${table}`))[0]!.n;

  it('without CREATEDB, restores in one transaction, and a failure rolls everything back', async () => {
    await query(pg.url, 'create role plain_owner login');
    await query(pg.url, 'create database shop_plain owner plain_owner');
    const target = urlOf('shop_plain', 'plain_owner');
    const first = await restore({ url: target, destination: dir, backup: shop.id, pgBinDir: pg.binDir });
    expect(first).toMatchObject({ method: 'single-transaction', before: { tables: 0, rows: 0 } });
    expect(await count(target, 'sales.orders')).toBe(2000);

    await query(target, `insert into sales.orders (product_id, note) values (1, 'marker')`);
    await query(target, 'create view public.order_notes as select note from sales.orders');
    const attempt = restore({ url: target, destination: dir, backup: shop.id, pgBinDir: pg.binDir });
    await expect(attempt).rejects.toThrow(
      /restore into .*shop_plain failed and was rolled back, the target is as it was: .*ERROR: {2}cannot drop .* because other objects depend on it/,
    );
    expect(await count(target, 'sales.orders')).toBe(2001);
    expect(await query(target, `select count(*)::int as n from order_notes where note = 'marker'`)).toEqual([{ n: 1 }]);
  });

  it('into an existing database connects only to it; only creating one needs the maintenance database, and says so', async () => {
    await query(pg.url, 'create role restorer login createdb');
    await query(pg.url, 'create database shop_own owner restorer');
    await query(pg.url, 'revoke connect on database postgres from public');
    try {
      const existing = await restore({
        url: urlOf('shop_own', 'restorer'),
        destination: dir,
        backup: shop.id,
        pgBinDir: pg.binDir,
      });
      expect(existing.method).toBe('swapped');
      const attempt = restore({
        url: urlOf('shop_new', 'restorer'),
        destination: dir,
        backup: shop.id,
        pgBinDir: pg.binDir,
      });
      await expect(attempt).rejects.toThrow(
        /^shop_new does not exist, and creating it needs a session on the maintenance database: cannot connect to 127\.0\.0\.1:\d+\/postgres: permission denied for database "postgres"/,
      );
      await expect(attempt).rejects.toHaveProperty('remedy', 'create shop_new yourself, or grant CONNECT on postgres');
    } finally {
      await query(pg.url, 'grant connect on database postgres to public');
    }
  });

  it('a restore killed mid-way leaves the target intact, and the next run drops its scratch database', async () => {
    const target = urlOf('big_copy');
    await restore({ url: target, destination: dir, backup: shop.id, pgBinDir: pg.binDir });
    const running = execa(
      'node',
      [...cli, 'restore', '--url', target, '--destination', dir, '--backup', big.id, '--force'],
      {
        env: { PG_BINDIR: pg.binDir },
        detached: true,
        reject: false,
      },
    );
    await waitFor(async () => {
      const rows = await query(
        pg.url,
        "select 1 from pg_stat_activity where application_name = 'pg_restore' and datname like 'big\\_copy\\_\\_restore\\_%'",
      );
      return rows.length > 0;
    });
    process.kill(-running.pid!, 'SIGKILL');
    await running;
    expect(await count(target, 'sales.orders')).toBe(2000);
    expect(await scratchDatabases()).toHaveLength(1);

    const lines: string[] = [];
    const next = await restore({
      url: target,
      destination: dir,
      backup: big.id,
      force: true,
      pgBinDir: pg.binDir,
      log: (l) => lines.push(l),
    });
    expect(
      lines.some((l) => /^dropped big_copy__restore_\S+, the scratch database of an interrupted restore$/.test(l)),
    ).toBe(true);
    expect(next.tables.every((t) => t.ok)).toBe(true);
    expect(await count(target, 'blobs')).toBe(20_000);
    expect(await scratchDatabases()).toEqual([]);
  });

  // Filling a disk for real needs a small filesystem: a tmpfs, which only root may mount (CI runs as root).
  it.runIf(process.getuid?.() === 0)(
    'where the disk is short, the scratch database fails to build: the target untouched, the scratch removed',
    async () => {
      const mount = tempDir('small-disk-');
      await execa('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mount]);
      try {
        const location = join(mount, 'tablespace');
        mkdirSync(location);
        const { stdout: uid } = await execa('id', ['-u', 'postgres']);
        chownSync(location, Number(uid), Number(uid));
        await query(pg.url, `create tablespace small_disk location '${location}'`);
        await query(pg.url, 'create database shop_small tablespace small_disk');
        const target = urlOf('shop_small');
        await restore({ url: target, destination: dir, backup: shop.id, pgBinDir: pg.binDir });
        const attempt = restore({
          url: target,
          destination: dir,
          backup: big.id,
          force: true,
          keepPrevious: 1,
          pgBinDir: pg.binDir,
        });
        await expect(attempt).rejects.toThrow(
          /pg_restore into .*shop_small__restore_\S+ failed: .*No space left on device.*; shop_small is untouched and the scratch database was dropped/,
        );
        expect(await count(target, 'sales.orders')).toBe(2000);
        expect(await scratchDatabases()).toEqual([]);
        const onSmallDisk = await query<{ datname: string }>(
          pg.url,
          "select datname from pg_database where dattablespace = (select oid from pg_tablespace where spcname = 'small_disk')",
        );
        for (const { datname } of onSmallDisk) await query(pg.url, `drop database "${datname}"`);
        await query(pg.url, 'drop tablespace small_disk');
      } finally {
        await execa('umount', [mount]);
      }
    },
  );
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the restore to reach pg_restore');
    await sleep(20);
  }
}
