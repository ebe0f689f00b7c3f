/**
 * API benchmark (../shared/BENCHMARKS.md, "API"): GET /products on seed data, the app started with its
 * observability hooks on (JSON request logs, Prometheus metrics, trace ids) and with them off, in the same
 * run; autocannon on loopback, 2 s warm-up then 10 s at 50 connections; req/s, p99, the app's CPU time per
 * request and the ratios, medians of RUNS (default 5) alternating runs. A third variant adds the OpenTelemetry
 * SDK (HTTP and pg spans exported to a collector on loopback), which production runs only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set.
 *
 *   npx tsx bench/api.ts          RUNS=3 DURATION=10 CONNECTIONS=50 PRODUCTS=1000 OTEL=0 to change it
 *
 * Each app runs in its own child process (this script, in serve mode), so the load generator does not
 * share its event loop; logs go to /dev/null, as fast a sink as a log shipper's pipe.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '@shopops/config';
import { up } from '@shopops/migrate';
import { startPostgres } from '@shopops/local-servers';

type Variant = 'bare' | 'hooks' | 'hooks+otel';

const runs = Number(process.env.RUNS ?? 5);
const duration = Number(process.env.DURATION ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 50);
const products = Number(process.env.PRODUCTS ?? 1000);
const withOtel = process.env.OTEL !== '0';
const PATH = '/products?limit=20';

interface Measure {
  rps: number;
  p99: number;
  errors: number;
  /** CPU time the app process spent per request (user + system), in microseconds. */
  cpuUs: number;
}

/** Serve mode: one app, instrumentation per variant, reports its port over IPC. */
async function serve(variant: Variant, env: Record<string, string>): Promise<void> {
  const config = loadConfig(env);
  let tracing: { shutdown(): Promise<void> } | undefined;
  if (variant === 'hooks+otel') {
    // Before the app's modules load, as main.ts does, so http and pg are instrumented.
    const { startTracing } = await import('@shopops/observability/tracing');
    tracing = startTracing({ endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT!, serviceName: 'bench-api' });
  }
  const { buildApp } = await import('@shopops/api');
  const app = buildApp(config, { instrumentation: variant !== 'bare', tracing: variant === 'hooks+otel' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send!({ port: (app.server.address() as AddressInfo).port });
  // The parent asks for CPU time around its measurement: the app's cost per request, which other load on a
  // shared machine disturbs far less than req/s.
  process.on('message', (message: string) => {
    if (message === 'cpu') process.send!({ cpu: process.cpuUsage() });
  });
  process.once('SIGTERM', () => {
    void app
      .close()
      .then(() => tracing?.shutdown())
      .finally(() => process.exit(0));
  });
}

function cpuUsage(child: ChildProcess): Promise<NodeJS.CpuUsage> {
  return new Promise((resolve) => {
    const onMessage = (message: { cpu?: NodeJS.CpuUsage }) => {
      if (!message.cpu) return;
      child.off('message', onMessage);
      resolve(message.cpu);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

function startServer(variant: Variant, env: Record<string, string>): Promise<{ port: number; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', variant], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ port: message.port, child }));
    child.once('exit', (code) => reject(new Error(`the ${variant} app exited (${code}) before listening`)));
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function load(url: string, seconds: number) {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    requests: result.requests.total,
  };
}

async function measure(variant: Variant, env: Record<string, string>): Promise<Measure> {
  const { port, child } = await startServer(variant, env);
  try {
    const url = `http://127.0.0.1:${port}${PATH}`;
    const probe = await fetch(url);
    const body = (await probe.json()) as { items: unknown[]; total: number };
    if (probe.status !== 200 || body.items.length !== 20 || body.total !== products) {
      throw new Error(`GET ${PATH} answered ${probe.status} with ${body.items?.length} items of ${body.total}`);
    }
    await load(url, 2);
    const before = await cpuUsage(child);
    const measured = await load(url, duration);
    const after = await cpuUsage(child);
    const cpuUs = (after.user - before.user + after.system - before.system) / Math.max(measured.requests, 1);
    return { rps: measured.rps, p99: measured.p99, errors: measured.errors, cpuUs };
  } finally {
    await stopServer(child);
  }
}

async function seed(url: string): Promise<void> {
  await up({ url, dir: fileURLToPath(new URL('../apps/api/migrations', import.meta.url)) });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `insert into products (sku, name, description, price_cents, stock, image_key)
       select 'SKU-' || g, 'Product ' || lpad(g::text, 5, '0'), repeat('A fine thing. ', 8), 990 + g * 10, 50,
              case when g % 3 = 0 then 'products/' || g || '/' || md5(g::text) || '.png' end
       from generate_series(1, $1) g`,
      [products],
    );
    await client.query('analyze products');
  } finally {
    await client.end();
  }
}

/** Accepts OTLP posts and discards them, so exporting costs the app what it would against a real collector. */
async function startDiscardingCollector() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const postgres = await startPostgres();
  const collector = await startDiscardingCollector();
  try {
    const url = await postgres.createDatabase();
    await seed(url);
    const env: Record<string, string> = {
      ENV: 'dev',
      DATABASE_URL: url,
      // Never contacted by GET /products; the config requires a bucket.
      S3_ENDPOINT: 'http://127.0.0.1:9',
      RATE_LIMITS: 'off',
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    };
    const variants: Variant[] = withOtel ? ['bare', 'hooks', 'hooks+otel'] : ['bare', 'hooks'];
    const results = new Map<Variant, Measure[]>(variants.map((v) => [v, []]));
    for (let run = 1; run <= runs; run++) {
      // Alternate the order so drift on a shared machine does not favour one variant.
      for (const variant of run % 2 === 1 ? variants : [...variants].reverse()) {
        const m = await measure(variant, env);
        results.get(variant)!.push(m);
        console.error(
          `run ${run}/${runs} ${variant}: ${m.rps.toFixed(0)} req/s, p99 ${m.p99} ms, ${m.cpuUs.toFixed(0)} µs CPU/request, errors ${m.errors}`,
        );
      }
    }
    const summary = (variant: Variant) => {
      const list = results.get(variant)!;
      return {
        rps: median(list.map((m) => m.rps)),
        p99: median(list.map((m) => m.p99)),
        errors: list.reduce((sum, m) => sum + m.errors, 0),
        cpuUs: median(list.map((m) => m.cpuUs)),
      };
    };
    const bare = summary('bare');
    console.log(
      `GET ${PATH}, ${products} products, ${connections} connections, ${duration} s after 2 s warm-up, median of ${runs}:`,
    );
    for (const variant of variants) {
      const s = summary(variant);
      console.log(
        `  ${variant.padEnd(10)} ${s.rps.toFixed(0).padStart(6)} req/s   p99 ${String(s.p99).padStart(4)} ms   ${s.cpuUs.toFixed(0).padStart(4)} µs CPU/request   errors ${s.errors}`,
      );
    }
    for (const variant of variants.filter((v) => v !== 'bare')) {
      const s = summary(variant);
      const throughput = s.rps / bare.rps;
      const p99 = s.p99 / bare.p99;
      const goals =
        variant === 'hooks'
          ? ` (goals >= 0.85, <= 1.20) ${throughput >= 0.85 && p99 <= 1.2 ? 'ok' : 'MISSED'}`
          : ' (for information)';
      console.log(
        `ratio ${variant}/bare: throughput ${throughput.toFixed(2)}, p99 ${p99.toFixed(2)}, CPU per request ${(s.cpuUs / bare.cpuUs).toFixed(2)}${goals}`,
      );
    }
  } finally {
    collector.close();
    await postgres.stop();
  }
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex !== -1) {
  void serve(process.argv[serveIndex + 1] as Variant, process.env as Record<string, string>);
} else {
  main().catch((error: Error) => {
    console.error(`bench/api: ${error.message}`);
    process.exitCode = 1;
  });
}
