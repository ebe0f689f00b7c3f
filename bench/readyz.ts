/**
 * Readiness benchmark (issue 11, "Measure"): GET /readyz under 500 concurrent probes answers from the cached
 * background round (goal: p99 ≤ 10 ms) while PostgreSQL's client sessions stay within the pool
 * (DATABASE_POOL_MAX); the baseline is GET /healthz (no dependency at all) under the same load in the same
 * run, alternating. Loopback, 2 s warm-up, then DURATION s twice: CONNECTIONS probers, each on its own
 * keep-alive connection sending RATE requests a second at its own phase, as load balancers and monitors do
 * (the p99 goal), and autocannon flat out on as many connections (each request sent as soon as the last is
 * answered: the throughput against /healthz). The sessions are sampled from pg_stat_activity throughout;
 * medians of RUNS runs.
 *
 *   npx tsx bench/readyz.ts       RUNS=3 DURATION=10 CONNECTIONS=500 RATE=2 POOL_MAX=10 to change it
 *
 * The API runs in its own child process (this script, in serve mode), with a real cluster and S3 server on
 * loopback, so the load generator does not share its event loop; its logs go nowhere.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, get } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { up } from '@shopops/migrate';
import { startPostgres, startS3Server } from '@shopops/local-servers';
import { sampleClientSessions } from '@shopops/testing';

const runs = Number(process.env.RUNS ?? 3);
const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 500);
const poolMax = Number(process.env.POOL_MAX ?? 10);
const rate = Number(process.env.RATE ?? 2);
const P99_GOAL_MS = 10;

type Probe = '/readyz' | '/healthz';

interface Load {
  rps: number;
  p99: number;
  errors: number;
}

interface Measure {
  probers: Load;
  flatOut: Load;
  maxSessions: number;
}

/** Serve mode: the API from the environment, its port reported over IPC. */
async function serve(): Promise<void> {
  const { startApi } = await import('@shopops/api');
  const api = await startApi({ env: process.env, port: 0, logStream: { write: () => undefined } });
  process.send!({ port: Number(new URL(api.url).port) });
  process.once('SIGTERM', () => void api.close().finally(() => process.exit(0)));
}

function startServer(env: Record<string, string>): Promise<{ port: number; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ port: message.port, child }));
    child.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening`)));
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Each connection sends its next request as soon as the last is answered. */
async function load(url: string, seconds: number): Promise<Load> {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/**
 * `connections` probers, each its own keep-alive connection and `rate` requests a second from a random
 * phase: the probes of many independent checkers, which autocannon's fixed rates would send in lockstep.
 */
async function probers(url: string, seconds: number): Promise<Load> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const period = 1000 / rate;
  const once = () =>
    new Promise<number>((resolve, reject) =>
      get(url, { agent }, (response) => response.resume().on('end', () => resolve(response.statusCode!))).on(
        'error',
        reject,
      ),
    );
  await Promise.all(
    Array.from({ length: connections }, async () => {
      await sleep(Math.random() * period);
      while (performance.now() < end) {
        const start = performance.now();
        const status = await once().catch(() => 0);
        latencies.push(performance.now() - start);
        if (status !== 200) errors++;
        await sleep(Math.max(0, start + period - performance.now()));
      }
    }),
  );
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const p99 = Math.round(sorted[Math.floor(sorted.length * 0.99)]! * 10) / 10;
  return { rps: latencies.length / seconds, p99, errors };
}

async function measure(base: string, probe: Probe, serverUrl: string): Promise<Measure> {
  await load(`${base}${probe}`, 2);
  const sampler = sampleClientSessions(serverUrl);
  const probed = await probers(`${base}${probe}`, duration);
  const flatOut = await load(`${base}${probe}`, duration);
  return { probers: probed, flatOut, maxSessions: await sampler.stop() };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const [postgres, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['uploads'] })]);
  let server: { port: number; child: ChildProcess } | undefined;
  try {
    const url = await postgres.createDatabase();
    await up({ url, dir: fileURLToPath(new URL('../apps/api/migrations', import.meta.url)) });
    server = await startServer({
      ENV: 'dev',
      DATABASE_URL: url,
      DATABASE_POOL_MAX: String(poolMax),
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: 'uploads',
      S3_ACCESS_KEY: s3.accessKeyId,
      S3_SECRET_KEY: s3.secretAccessKey,
      RATE_LIMITS: 'off',
    });
    const base = `http://127.0.0.1:${server.port}`;
    const ready = await fetch(`${base}/readyz`);
    if (ready.status !== 200) throw new Error(`GET /readyz answered ${ready.status}: ${await ready.text()}`);

    const results = new Map<Probe, Measure[]>([
      ['/readyz', []],
      ['/healthz', []],
    ]);
    const probes: Probe[] = ['/readyz', '/healthz'];
    for (let run = 1; run <= runs; run++) {
      // Alternate the order so drift on a shared machine does not favour one probe.
      for (const probe of run % 2 === 1 ? probes : [...probes].reverse()) {
        const m = await measure(base, probe, postgres.url);
        results.get(probe)!.push(m);
        console.error(
          `run ${run}/${runs} ${probe}: probers p99 ${m.probers.p99} ms; flat out ${m.flatOut.rps.toFixed(0)} req/s, p99 ${m.flatOut.p99} ms; errors ${m.probers.errors + m.flatOut.errors}; max ${m.maxSessions} Postgres sessions`,
        );
      }
    }
    const summary = (probe: Probe) => {
      const list = results.get(probe)!;
      return {
        p99: median(list.map((m) => m.probers.p99)),
        rps: median(list.map((m) => m.flatOut.rps)),
        flatOutP99: median(list.map((m) => m.flatOut.p99)),
        errors: list.reduce((sum, m) => sum + m.probers.errors + m.flatOut.errors, 0),
        maxSessions: Math.max(...list.map((m) => m.maxSessions)),
      };
    };
    const readyz = summary('/readyz');
    const healthz = summary('/healthz');
    console.log(
      `${connections} concurrent probe connections, ${duration} s each after 2 s warm-up, median of ${runs}, pool max ${poolMax}:`,
    );
    for (const [probe, s] of [
      ['/readyz', readyz],
      ['/healthz (baseline)', healthz],
    ] as const) {
      console.log(
        `  ${probe.padEnd(20)} probers (${rate}/s each) p99 ${String(s.p99).padStart(3)} ms   flat out ${s.rps.toFixed(0).padStart(6)} req/s, p99 ${String(s.flatOutP99).padStart(4)} ms   errors ${s.errors}   max Postgres sessions ${s.maxSessions}`,
      );
    }
    const p99Met = readyz.p99 <= P99_GOAL_MS && readyz.errors === 0;
    console.log(`  /readyz p99 ${readyz.p99} ms (goal <= ${P99_GOAL_MS} ms, no errors): ${p99Met ? 'ok' : 'MISSED'}`);
    console.log(
      `  /readyz vs /healthz: p99 ${(readyz.p99 / Math.max(healthz.p99, 1)).toFixed(2)}x under probers, ${(readyz.rps / healthz.rps).toFixed(2)}x throughput flat out`,
    );
    const sessionsMet = readyz.maxSessions <= poolMax;
    console.log(
      `  Postgres sessions under /readyz: max ${readyz.maxSessions} (goal <= pool max ${poolMax}): ${sessionsMet ? 'ok' : 'MISSED'}`,
    );
    if (!p99Met || !sessionsMet) process.exitCode = 1;
  } finally {
    if (server) await stopServer(server.child);
    await Promise.all([postgres.stop(), s3.stop()]);
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
