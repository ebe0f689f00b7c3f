/**
 * Backup benchmark (../shared/BENCHMARKS.md, "Backup and restore"). Two datasets on a throwaway Postgres:
 * pgbench (scale 50) and incompressible rows (200,000 × 2 KB of random bytes). For each, medians of RUNS:
 *   pg_dump -Fc -f file            (default compression; the baseline)
 *   pg_dump -Fc -Z0 -f file        (no compression: the physical limit)
 *   seed: pg_dump | gzip > file, then the file uploaded to the same S3 server
 *   ours: backup() streamed to S3 (a child process, so its peak RSS is its own)
 * and pg_restore -j 2 against -j 1 into empty databases from the same archive.
 *
 *   npx tsx bench/backup.ts           quick: BENCH_SCALE=5 BLOB_ROWS=20000 RUNS=1 npx tsx bench/backup.ts
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { execa } from 'execa';
import pg from 'pg';
import { backup } from '@shopops/backup';
import { startPostgres, startS3Server, type TestPostgres, type TestS3Server } from '@shopops/testing';

const runs = Number(process.env.RUNS ?? 3);
const scale = Number(process.env.BENCH_SCALE ?? 50);
const blobRows = Number(process.env.BLOB_ROWS ?? 200_000);
const compression = (process.env.COMPRESSION ?? 'zstd') as 'zstd';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Figure {
  ms: number;
  size: number;
  rssKb?: number;
}

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function timed(fn: () => Promise<number>): Promise<Figure> {
  const start = performance.now();
  const size = await fn();
  return { ms: performance.now() - start, size };
}

/** One backup() in a fresh process: its own wall time, size and peak RSS. */
async function ours(url: string, s3: TestS3Server, binDir: string, prefix: string): Promise<Figure> {
  const { stdout } = await execa(process.execPath, ['--import', 'tsx', process.argv[1]!], {
    env: {
      BENCH_CHILD: JSON.stringify({
        url,
        binDir,
        prefix,
        endpoint: s3.endpoint,
        key: s3.accessKeyId,
        secret: s3.secretAccessKey,
      }),
      NODE_NO_WARNINGS: '1',
      QUEUE_SIZE: process.env.QUEUE_SIZE ?? '',
    },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Figure;
}

async function child(config: string) {
  const { url, binDir, prefix, endpoint, key, secret } = JSON.parse(config);
  const start = performance.now();
  const result = await backup({
    url,
    destination: `s3://bench/${prefix}`,
    compression,
    pgBinDir: binDir,
    s3: {
      endpoint,
      accessKeyId: key,
      secretAccessKey: secret,
      queueSize: process.env.QUEUE_SIZE ? Number(process.env.QUEUE_SIZE) : undefined,
    },
  });
  const ms = performance.now() - start;
  console.log(JSON.stringify({ ms, size: result.manifest.archive.size, rssKb: process.resourceUsage().maxRSS }));
}

async function seedWay(url: string, s3: TestS3Server, binDir: string, file: string): Promise<number> {
  await execa('bash', ['-c', `"${binDir}/pg_dump" "$0" | gzip > "$1"`, url, file]);
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await new Upload({
    client,
    params: { Bucket: 'bench', Key: `seed/${Date.now()}.sql.gz`, Body: createReadStream(file) },
  }).done();
  return statSync(file).size;
}

async function dataset(name: string, url: string, server: TestPostgres, s3: TestS3Server, work: string) {
  const dump = join(server.binDir, 'pg_dump');
  const figures: Record<string, Figure[]> = { 'pg_dump -Fc': [], 'pg_dump -Fc -Z0': [], seed: [], ours: [] };
  for (let run = 1; run <= runs; run++) {
    const file = join(work, `${name}.dump`);
    figures['pg_dump -Fc']!.push(
      await timed(async () => (await execa(dump, ['-Fc', '-f', file, url]), statSync(file).size)),
    );
    figures['pg_dump -Fc -Z0']!.push(
      await timed(
        async () => (await execa(dump, ['-Fc', '-Z0', '-f', `${file}.z0`, url]), statSync(`${file}.z0`).size),
      ),
    );
    figures.seed!.push(await timed(() => seedWay(url, s3, server.binDir, join(work, `${name}.sql.gz`))));
    figures.ours!.push(await ours(url, s3, server.binDir, `${name}-${run}`));
  }
  const m = Object.fromEntries(
    Object.entries(figures).map(([k, v]) => [
      k,
      { ms: median(v.map((f) => f.ms)), size: median(v.map((f) => f.size)), rssKb: median(v.map((f) => f.rssKb ?? 0)) },
    ]),
  ) as Record<string, Figure & { rssKb: number }>;
  for (const [method, f] of Object.entries(m)) {
    const rss = method === 'ours' ? `  peak RSS ${(f.rssKb / 1024).toFixed(0)} MB` : '';
    console.log(`${name.padEnd(14)} ${method.padEnd(22)} ${secs(f.ms).padStart(9)}  ${mib(f.size).padStart(10)}${rss}`);
  }
  const o = m.ours!;
  console.log(
    `${name.padEnd(14)} ratios: ours/pg_dump -Fc ${(o.ms / m['pg_dump -Fc']!.ms).toFixed(2)}×, ours/seed ${(o.ms / m.seed!.ms).toFixed(2)}×, ` +
      `ours/pg_dump -Z0 ${(o.ms / m['pg_dump -Fc -Z0']!.ms).toFixed(2)}×, size ours/pg_dump -Fc ${(o.size / m['pg_dump -Fc']!.size).toFixed(2)}`,
  );
  await restoreFigures(name, server, join(work, `${name}.dump`));
}

async function restoreFigures(name: string, server: TestPostgres, archive: string) {
  const restore = join(server.binDir, 'pg_restore');
  const times: Record<string, number[]> = { '-j 1': [], '-j 2': [] };
  for (let run = 1; run <= runs; run++) {
    for (const jobs of [1, 2]) {
      const target = await server.createDatabase();
      const start = performance.now();
      await execa(restore, ['--no-owner', `--jobs=${jobs}`, `--dbname=${target}`, archive]);
      times[`-j ${jobs}`]!.push(performance.now() - start);
      await query(server.url, `drop database "${new URL(target).pathname.slice(1)}"`);
    }
  }
  const [j1, j2] = [median(times['-j 1']!), median(times['-j 2']!)];
  console.log(`${name.padEnd(14)} restore -j 1 ${secs(j1)}, -j 2 ${secs(j2)}, ratio -j2/-j1 ${(j2 / j1).toFixed(2)}×`);
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'bench-backup-'));
  const [server, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['bench'] })]);
  try {
    console.log(
      `bench/backup: RUNS=${runs} BENCH_SCALE=${scale} BLOB_ROWS=${blobRows}, ours = ${compression} to S3 on loopback`,
    );
    const pgbenchUrl = await server.createDatabase('pgbench');
    await execa(join(server.binDir, 'pgbench'), ['-i', '-q', '-s', String(scale), pgbenchUrl]);
    await dataset(`pgbench-s${scale}`, pgbenchUrl, server, s3, work);

    const blobsUrl = await server.createDatabase('blobs');
    await query(blobsUrl, 'create table blobs (id int primary key, payload bytea)');
    // In slices, so the load does not hold one huge transaction.
    for (let from = 1; from <= blobRows; from += 20_000) {
      const to = Math.min(blobRows, from + 19_999);
      await query(
        blobsUrl,
        `insert into blobs select g, decode(string_agg(md5(random()::text || g || i), ''), 'hex')
           from generate_series(${from}, ${to}) g, generate_series(1, 128) i group by g`,
      );
    }
    await dataset('incompressible', blobsUrl, server, s3, work);
  } finally {
    await Promise.all([server.stop(), s3.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.env.BENCH_CHILD) await child(process.env.BENCH_CHILD);
else await main();
