/**
 * Backup benchmark (../shared/BENCHMARKS.md, "Backup and restore"). Two datasets on a throwaway Postgres:
 * pgbench (scale 50) and incompressible rows (200,000 × 2 KB of random bytes). For each, medians of RUNS:
 *   pg_dump -Fc -f file            (default compression; the baseline)
 *   pg_dump -Fc -Z0 -f file        (no compression: the physical limit)
 *   seed: pg_dump | gzip > file, then the file uploaded to the same S3 server
 *   ours: the bundled CLI (`nx run backup:bundle`, plain Node, as a cron container runs it) streaming
 *         to the same S3 server, and to a local directory (against -Z0 -f file); peak RSS of its process
 * and pg_restore -j 2 against -j 1 into empty databases from the same archive; on pgbench, our restore into
 * an existing database (scratch database + swap, default --keep-previous) against our restore into a new
 * one, alternating which goes first, with the target's
 * downtime as a client sees it (a probe connecting every few ms, the longest run of refused sessions).
 *
 *   npx tsx bench/backup.ts           quick: BENCH_SCALE=5 BLOB_ROWS=20000 RUNS=1 npx tsx bench/backup.ts
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { execa } from 'execa';
import { startPostgres, startS3Server, type TestPostgres, type TestS3Server } from '@shopops/local-servers';
import { query, runNx } from '@shopops/testing';

const runs = Number(process.env.RUNS ?? 3);
const scale = Number(process.env.BENCH_SCALE ?? 50);
const blobRows = Number(process.env.BLOB_ROWS ?? 200_000);
const compression = (process.env.COMPRESSION ?? 'zstd') as 'zstd';

const workspaceRoot = resolve(import.meta.dirname, '..');
const bundle = join(workspaceRoot, 'dist/libs/backup-bundle/backup.mjs');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Figure {
  ms: number;
  size: number;
  rssKb?: number;
  /** CPU the S3 server spent receiving our upload. */
  s3CpuMs?: number;
}

async function timed(fn: () => Promise<number>): Promise<Figure> {
  const start = performance.now();
  const size = await fn();
  return { ms: performance.now() - start, size };
}

/**
 * One run of our CLI as production runs it: the bundle of `nx run backup:bundle` in plain Node (what a
 * cron container runs), with its wall time, archive size and peak RSS (VmHWM, read while it runs).
 */
async function ours(url: string, destination: string, binDir: string, s3?: TestS3Server): Promise<Figure> {
  const s3CpuBefore = cpuSeconds(s3?.pid);
  const start = performance.now();
  const child = execa(
    process.execPath,
    [
      bundle,
      'backup',
      '--url',
      url,
      '--destination',
      destination,
      '--pg-bin-dir',
      binDir,
      '--compression',
      compression,
      '--json',
    ],
    {
      env: s3
        ? {
            AWS_ACCESS_KEY_ID: s3.accessKeyId,
            AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
            AWS_ENDPOINT_URL_S3: s3.endpoint,
          }
        : {},
    },
  );
  let peakKb = 0;
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, highWaterRssKb(child.pid))), 20);
  try {
    const { stdout } = await child;
    const ms = performance.now() - start;
    const { backup } = JSON.parse(stdout) as { backup: { manifest: { archive: { size: number } } } };
    return {
      ms,
      size: backup.manifest.archive.size,
      rssKb: peakKb,
      s3CpuMs: (cpuSeconds(s3?.pid) - s3CpuBefore) * 1000,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** Peak resident set of a running process so far, in KiB (0 once it has exited). */
function highWaterRssKb(pid: number | undefined): number {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** User + system CPU time of a process, in seconds (the S3 server shares the machine's two cores). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
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
  const figures: Record<string, Figure[]> = {
    'pg_dump -Fc': [],
    'pg_dump -Fc -Z0': [],
    seed: [],
    'ours -> S3': [],
    'ours -> local dir': [],
  };
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
    figures['ours -> S3']!.push(await ours(url, `s3://bench/${name}-${run}`, server.binDir, s3));
    figures['ours -> local dir']!.push(await ours(url, join(work, `ours-${run}`), server.binDir));
  }
  const m = Object.fromEntries(
    Object.entries(figures).map(([method, runs]) => [
      method,
      Object.fromEntries(
        (['ms', 'size', 'rssKb', 's3CpuMs'] as const).map((key) => [key, median(runs.map((f) => f[key] ?? 0))]),
      ),
    ]),
  ) as Record<string, Required<Figure>>;
  for (const [method, f] of Object.entries(m)) {
    const rss = method.startsWith('ours') ? `  peak RSS ${(f.rssKb / 1024).toFixed(0)} MB` : '';
    console.log(`${name.padEnd(14)} ${method.padEnd(18)} ${secs(f.ms).padStart(9)}  ${mib(f.size).padStart(10)}${rss}`);
  }
  const [o, local, fc, z0, seed] = [
    m['ours -> S3']!,
    m['ours -> local dir']!,
    m['pg_dump -Fc']!,
    m['pg_dump -Fc -Z0']!,
    m.seed!,
  ];
  console.log(
    `${name.padEnd(14)} ratios: ours/pg_dump -Fc ${(o.ms / fc.ms).toFixed(2)}×, ours/seed ${(o.ms / seed.ms).toFixed(2)}×, ` +
      `ours local/pg_dump -Z0 ${(local.ms / z0.ms).toFixed(2)}×, size ours/pg_dump -Fc ${(o.size / fc.size).toFixed(2)}`,
  );
  console.log(
    `${name.padEnd(14)} the S3 server (s3rver, same 2 cores) spent ${secs(o.s3CpuMs)} of CPU receiving ours -> S3`,
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

/** Our restore (the bundle, plain Node) into a new database and over an existing one, medians of RUNS. */
async function swapFigures(name: string, sourceUrl: string, server: TestPostgres, work: string) {
  const destination = join(work, 'swap-backups');
  const env = { PG_BINDIR: server.binDir };
  await execa(process.execPath, [bundle, 'backup', '--url', sourceUrl, '--destination', destination], { env });
  const restoreInto = async (url: string) => {
    const args = ['restore', '--url', url, '--destination', destination, '--json'];
    const start = performance.now();
    const { stdout } = await execa(process.execPath, [bundle, ...args], { env });
    return { ms: performance.now() - start, result: JSON.parse(stdout) as { method: string; downtimeMs?: number } };
  };
  const onServer = (database: string) => {
    const url = new URL(server.url);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const times: Record<'new' | 'existing', number[]> = { new: [], existing: [] };
  const downtimes: { reported: number; probed: number }[] = [];
  for (let run = 1; run <= runs; run++) {
    // The existing target is made first and settled (vacuumed, checkpointed) like a live database, so
    // both timed restores run beside the same data; the order alternates so neither always goes first.
    const existing = onServer(`swap_existing_${run}`);
    await restoreInto(existing);
    await query(existing, 'vacuum analyze');
    const timeNew = async () => {
      await query(server.url, 'checkpoint');
      times.new.push((await restoreInto(onServer(`swap_new_${run}`))).ms);
      await query(server.url, `drop database swap_new_${run}`);
    };
    const timeExisting = async () => {
      await query(server.url, 'checkpoint');
      const probe = probeSessions(existing);
      const { ms, result } = await restoreInto(existing);
      const probed = await probe.stop();
      if (result.method !== 'swapped') throw new Error(`expected a swapped restore, got ${result.method}`);
      times.existing.push(ms);
      downtimes.push({ reported: result.downtimeMs ?? NaN, probed });
    };
    if (run % 2 === 1) await timeNew().then(timeExisting);
    else await timeExisting().then(timeNew);
    const left = await query<{ datname: string }>(
      server.url,
      `select datname from pg_database where datname like 'swap\\_existing\\_${run}%'`,
    );
    for (const { datname } of left) await query(server.url, `drop database "${datname}"`);
  }
  const [fresh, existing] = [median(times.new), median(times.existing)];
  const worst = downtimes.reduce((a, b) => (b.probed > a.probed ? b : a));
  console.log(
    `${name.padEnd(14)} ours restore into a new database ${secs(fresh)}, into an existing one (scratch + swap) ${secs(existing)}, ratio ${(existing / fresh).toFixed(2)}× (goal ≤ 1.10×)`,
  );
  console.log(
    `${name.padEnd(14)} target downtime: reported ${Math.round(worst.reported)} ms, seen by a probe ${Math.round(worst.probed)} ms (worst of ${runs}; goal < 1000 ms)`,
  );
}

/**
 * Connects to `url` and runs `select 1` every 10 ms; returns the longest stretch during which sessions
 * were refused (from the first failure to the next success), as an application would see the swap.
 */
function probeSessions(url: string) {
  let running = true;
  let longest = 0;
  const loop = (async () => {
    let failingSince: number | undefined;
    while (running) {
      const ok = await query(url, 'select 1').then(
        () => true,
        () => false,
      );
      const now = performance.now();
      if (!ok) failingSince ??= now;
      else if (failingSince !== undefined) {
        longest = Math.max(longest, now - failingSince);
        failingSince = undefined;
      }
      // 10 ms apart: fine enough to see a swap, without a connection storm slowing the restore it measures.
      await new Promise((done) => setTimeout(done, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return longest;
    },
  };
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'bench-backup-'));
  const built = await runNx(['run', 'backup:bundle']);
  if (built.exitCode !== 0) throw new Error(`nx run backup:bundle failed:\n${built.all}`);
  const [server, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['bench'] })]);
  try {
    console.log(
      `bench/backup: RUNS=${runs} BENCH_SCALE=${scale} BLOB_ROWS=${blobRows}, ours = the bundled CLI, ${compression}, to S3 on loopback and to a local dir`,
    );
    const pgbenchUrl = await server.createDatabase('pgbench');
    await execa(join(server.binDir, 'pgbench'), ['-i', '-q', '-s', String(scale), pgbenchUrl]);
    await dataset(`pgbench-s${scale}`, pgbenchUrl, server, s3, work);
    await swapFigures(`pgbench-s${scale}`, pgbenchUrl, server, work);

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

await main();
