import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startPostgres, startS3Server, type TestPostgres, type TestS3Server } from '@shopops/local-servers';
import { backup } from '../src/index.ts';
import { EXPECTED_SHOP_TABLES, seedShop, tempDir } from './fixtures.ts';

describe('backup', () => {
  let pg: TestPostgres;
  let s3: TestS3Server;
  let url: string;
  beforeAll(async () => {
    [pg, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['backups'] })]);
    url = await pg.createDatabase('shop');
    await seedShop(url);
  });
  afterAll(async () => {
    await Promise.all([pg?.stop(), s3?.stop()]);
  });

  for (const compression of ['zstd', 'pg-default', 'none'] as const) {
    it(`writes a ${compression} dump and its manifest to a local directory`, async () => {
      const dir = tempDir();
      const result = await backup({ url, destination: dir, compression, pgBinDir: pg.binDir });
      expect(result.id).toMatch(/^db_shop_\d{8}_\d{4}$/);
      const files = readdirSync(dir).sort();
      expect(files).toEqual([result.manifest.archive.name, `${result.id}.manifest.json`].sort());
      const bytes = readFileSync(join(dir, result.manifest.archive.name));
      expect(result.manifest.archive.size).toBe(bytes.length);
      expect(result.manifest.archive.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      const manifest = JSON.parse(readFileSync(join(dir, `${result.id}.manifest.json`), 'utf8'));
      expect(manifest).toMatchObject({ database: 'shop', compression, tables: EXPECTED_SHOP_TABLES() });
      expect(manifest.pgDumpVersion).toMatch(/pg_dump \(PostgreSQL\) \d+/);
      expect(manifest.serverVersion).toMatch(/^\d+/);
    });
  }

  it('gives a second backup in the same minute a unique name', async () => {
    const dir = tempDir();
    const first = await backup({ url, destination: dir, pgBinDir: pg.binDir });
    const second = await backup({ url, destination: dir, pgBinDir: pg.binDir });
    expect(second.id).not.toBe(first.id);
    expect(readdirSync(dir)).toHaveLength(4);
  });

  it('streams to S3 with the manifest beside the dump', async () => {
    const result = await backup({
      url,
      destination: 's3://backups/nightly/shop',
      globals: true,
      pgBinDir: pg.binDir,
      s3: { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    expect(result.location).toBe(`s3://backups/nightly/shop/${result.manifest.archive.name}`);
    expect(result.manifest.globals?.size).toBeGreaterThan(0);
    expect(result.manifest.tables).toEqual(EXPECTED_SHOP_TABLES());
  });
});
