import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startPostgres, startS3Server, type TestPostgres, type TestS3Server } from '@shopops/local-servers';
import { backup, listBackups, restore, verify, type BackupResult } from '../src/index.ts';
import { EXPECTED_SHOP_TABLES, query, seedShop, tempDir } from './fixtures.ts';

describe('verify and restore', () => {
  let pg: TestPostgres;
  let s3: TestS3Server;
  let source: string;
  let s3Options: { endpoint: string; accessKeyId: string; secretAccessKey: string };
  beforeAll(async () => {
    [pg, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['backups'] })]);
    source = await pg.createDatabase('shop');
    await seedShop(source);
    s3Options = { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
  });
  afterAll(async () => {
    await Promise.all([pg?.stop(), s3?.stop()]);
  });

  const databases = async () =>
    (await query<{ datname: string }>(pg.url, 'select datname from pg_database')).map((r) => r.datname);

  it('verifies the latest S3 backup with a restore drill and drops the scratch database', async () => {
    await backup({ url: source, destination: 's3://backups/v', s3: s3Options, pgBinDir: pg.binDir });
    const lines: string[] = [];
    const result = await verify({
      destination: 's3://backups/v',
      s3: s3Options,
      url: pg.url,
      pgBinDir: pg.binDir,
      log: (l) => lines.push(l),
    });
    expect(result.drill?.ok).toBe(true);
    expect(result.drill?.tables.map((t) => [t.table, t.actual])).toEqual(Object.entries(EXPECTED_SHOP_TABLES()));
    expect(lines.some((l) => /^sales\.orders\s+2000\s+2000\s+ok$/.test(l))).toBe(true);
    expect(await databases()).not.toContain(result.drill?.database);
  });

  for (const compression of ['zstd', 'pg-default'] as const) {
    it(`restores the ${compression} backup by name into a new database with 2 jobs and matching counts`, async () => {
      const dir = tempDir();
      const made = await backup({ url: source, destination: dir, compression, pgBinDir: pg.binDir });
      const target = new URL(source);
      target.pathname = `/restored_${compression.replace('-', '_')}`;
      const result = await restore({
        url: target.toString(),
        destination: dir,
        backup: made.id,
        jobs: 2,
        pgBinDir: pg.binDir,
      });
      expect(result.created).toBe(true);
      expect(result.tables.every((t) => t.ok)).toBe(true);
      expect(await query(target.toString(), 'select count(*)::int as n from sales.orders')).toEqual([{ n: 2000 }]);
    });
  }

  it('restores over another database’s data with --force after a safety backup of it', async () => {
    const dir = tempDir();
    await backup({ url: source, destination: dir, pgBinDir: pg.binDir });
    const target = await pg.createDatabase();
    await seedShop(target, 10);
    const result = await restore({
      url: target,
      destination: dir,
      safetyBackup: true,
      force: true,
      pgBinDir: pg.binDir,
    });
    expect(result.safetyBackup).toMatch(/db_test_.*\.dump/);
    expect(await query(target, 'select count(*)::int as n from sales.orders')).toEqual([{ n: 2000 }]);
    expect((await listBackups({ destination: dir })).length).toBe(2);
  });

  it('refuses a production-looking target without --confirm, touching nothing', async () => {
    const dir = tempDir();
    await backup({ url: source, destination: dir, pgBinDir: pg.binDir });
    const target = new URL(source);
    target.pathname = '/prod_shop';
    const attempt = restore({ url: target.toString(), destination: dir, env: { ENV: 'prod' }, pgBinDir: pg.binDir });
    await expect(attempt).rejects.toThrow(
      /refusing to restore into .*prod_shop: it looks like production \(ENV=prod\)/,
    );
    await expect(attempt).rejects.toHaveProperty(
      'remedy',
      'pass --confirm=prod_shop if you really mean to overwrite it',
    );
    await expect(
      restore({ url: target.toString(), destination: dir, protectedDatabases: ['prod_shop'], pgBinDir: pg.binDir }),
    ).rejects.toThrow(/database prod_shop is protected/);
    expect(await databases()).not.toContain('prod_shop');
    const confirmed = await restore({
      url: target.toString(),
      destination: dir,
      env: { ENV: 'prod' },
      confirm: 'prod_shop',
      pgBinDir: pg.binDir,
    });
    expect(confirmed.created).toBe(true);
  });

  describe('damaged backups', () => {
    let dir: string;
    let made: BackupResult;
    const archivePath = () => join(dir, made.manifest.archive.name);
    const manifestPath = () => join(dir, `${made.id}.manifest.json`);
    beforeAll(async () => {
      dir = tempDir();
      made = await backup({ url: source, destination: dir, compression: 'none', pgBinDir: pg.binDir });
    });

    it('a wrong checksum fails verify and restore before the target is touched', async () => {
      const original = readFileSync(archivePath());
      const altered = Buffer.from(original);
      altered[Math.floor(altered.length / 2)]! ^= 0xff;
      writeFileSync(archivePath(), altered);
      try {
        await expect(verify({ destination: dir, url: pg.url, pgBinDir: pg.binDir })).rejects.toThrow(
          /checksum mismatch for .*\.dump/,
        );
        const target = new URL(source);
        target.pathname = '/never_created';
        await expect(restore({ url: target.toString(), destination: dir, pgBinDir: pg.binDir })).rejects.toThrow(
          /checksum mismatch/,
        );
        expect(await databases()).not.toContain('never_created');
      } finally {
        writeFileSync(archivePath(), original);
      }
    });

    it('a corrupted archive whose manifest matches it fails the full read', async () => {
      const original = readFileSync(archivePath());
      const manifest = readFileSync(manifestPath(), 'utf8');
      truncateSync(archivePath(), Math.floor(original.length / 2));
      const truncated = readFileSync(archivePath());
      const parsed = JSON.parse(manifest);
      parsed.archive.size = truncated.length;
      parsed.archive.sha256 = createHash('sha256').update(truncated).digest('hex');
      writeFileSync(manifestPath(), JSON.stringify(parsed));
      try {
        await expect(verify({ destination: dir, pgBinDir: pg.binDir })).rejects.toThrow(
          /archive .* is unreadable: pg_restore/,
        );
      } finally {
        writeFileSync(archivePath(), original);
        writeFileSync(manifestPath(), manifest);
      }
    });
  });
});
