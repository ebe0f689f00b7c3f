import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { startPostgres, startS3Server, type TestPostgres, type TestS3Server } from '@shopops/local-servers';
import { backup, BackupError, type Progress } from '../src/index.ts';
import { query, seedBlobs, seedShop, tempDir } from './fixtures.ts';

const MiB = 1024 * 1024;
const cli = ['--import', 'tsx', resolve(import.meta.dirname, '../src/main.ts')];

/** Every table's exact row count plus the connections still open on it: what "untouched" means here. */
async function databaseState(url: string) {
  const [counts] = await query<{ products: number; orders: number; blobs: number }>(
    url,
    `select (select count(*) from products)::int as products, (select count(*) from sales.orders)::int as orders,
            (select count(*) from blobs)::int as blobs`,
  );
  const open = await query(
    url,
    `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
  );
  return { counts, openConnections: open.length };
}

/** Resolves once the backup has streamed `bytes`, with the progress callback to pass to it. */
function afterBytes(bytes: number, action: () => Promise<void> | void) {
  let fired = false;
  return (progress: Progress) => {
    if (fired || progress.phase !== 'dump' || progress.bytes < bytes) return;
    fired = true;
    void action();
  };
}

/**
 * SIGKILLs the pg_dump this process started (other test files may be dumping at the same time).
 * Synchronous on purpose: the event loop reads no more of the dump until pg_dump is dead, so a fast
 * machine cannot finish the backup first.
 */
function killOurPgDump(): void {
  execFileSync('pkill', ['-KILL', '-P', String(process.pid), '-x', 'pg_dump']);
}

describe('backup faults', () => {
  let pg: TestPostgres;
  let s3: TestS3Server;
  let source: string;
  let before: Awaited<ReturnType<typeof databaseState>>;
  beforeAll(async () => {
    [pg, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['backups'] })]);
    source = await pg.createDatabase('shop');
    await seedShop(source);
    // ~30 MiB of random bytes: several 5 MiB parts, and long enough to be interrupted mid-stream.
    await seedBlobs(source, 15_000);
    before = await databaseState(source);
  });
  afterAll(async () => {
    await Promise.all([pg?.stop(), s3?.stop()]);
  });

  const s3Options = () => ({
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    partSize: 5 * MiB,
  });

  async function objectsUnder(prefix: string) {
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'backups', Prefix: prefix }));
    return (listed.Contents ?? []).map((object) => object.Key);
  }

  it('an S3 server killed mid-upload leaves no object and no open multipart upload', async () => {
    const attempt = backup({
      url: source,
      destination: 's3://backups/crash',
      compression: 'none',
      pgBinDir: pg.binDir,
      s3: s3Options(),
      // The server crashes once two parts are under way and is back shortly after, as a restarted service would be.
      onProgress: afterBytes(12 * MiB, async () => {
        await s3.kill();
        await new Promise((done) => setTimeout(done, 300));
        await s3.restart();
      }),
    });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect((error as BackupError).message).toMatch(/upload of s3:\/\/backups\/crash\/db_shop_\d{8}_\d{4}\.dump failed/);
    expect((error as BackupError).message).not.toContain(s3.secretAccessKey);
    expect(await objectsUnder('crash/')).toEqual([]);
    expect(await s3.openMultipartUploads('backups')).toEqual([]);
    expect(await databaseState(source)).toEqual(before);
  });

  it('pg_dump killed mid-dump fails the backup and leaves no file', async () => {
    const dir = tempDir();
    const attempt = backup({
      url: source,
      destination: dir,
      compression: 'none',
      pgBinDir: pg.binDir,
      onProgress: afterBytes(2 * MiB, killOurPgDump),
    });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect((error as BackupError).message).toBe('pg_dump was killed by SIGKILL');
    expect(readdirSync(dir)).toEqual([]);
    expect(await databaseState(source)).toEqual(before);
  });

  it('pg_dump killed mid-dump to S3 leaves no object and no open multipart upload', async () => {
    const attempt = backup({
      url: source,
      destination: 's3://backups/killed',
      compression: 'zstd',
      pgBinDir: pg.binDir,
      s3: s3Options(),
      onProgress: afterBytes(6 * MiB, killOurPgDump),
    });
    await expect(attempt).rejects.toThrow('pg_dump was killed by SIGKILL');
    expect(await objectsUnder('killed/')).toEqual([]);
    expect(await s3.openMultipartUploads('backups')).toEqual([]);
    expect(await databaseState(source)).toEqual(before);
  });

  it('an unwritable directory fails the CLI with one message, exit 1 and nothing written', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o555);
    // Root writes anywhere: as root, run the CLI without the capabilities that bypass file permissions.
    // Still uid 0, so it reads the checkout wherever it lives (another user could not read a private clone).
    const asRoot = process.getuid?.() === 0;
    const command = asRoot
      ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--', process.execPath]
      : [process.execPath];
    const result = await execa(
      command[0]!,
      [...command.slice(1), ...cli, 'backup', '--destination', dir, '--compression', 'none'],
      {
        env: { DATABASE_URL: source, PG_BINDIR: pg.binDir },
        reject: false,
      },
    );
    expect(result.exitCode).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('backup'));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^backup: cannot write ${join(dir, 'db_shop_')}.*EACCES`)),
    ]);
    expect(result.stderr).toContain('remedy: choose a writable directory');
    expect(readdirSync(dir)).toEqual([]);
    expect(await databaseState(source)).toEqual(before);
  });
});
