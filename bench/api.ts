/**
 * API benchmark (../shared/BENCHMARKS.md, "API"): GET /products on seed data, the app started with its
 * observability hooks on (JSON request logs, Prometheus metrics, trace ids) and with them off, in the same
 * run; autocannon on loopback, 2 s warm-up then 10 s at 50 connections; req/s, p99, the app's CPU time per
 * request and the ratios, medians of RUNS (default 5) alternating runs. Variants: bare (no hooks), hooks (logs,
 * request metrics, trace ids), hooks+metrics (plus the scrape-time pool, readiness and build gauges), and the
 * OpenTelemetry SDK on top (HTTP and pg spans exported in protobuf to a collector on loopback) at the default
 * production sampler (parentbased_traceidratio 0.05, failed and slow requests kept) and at 100 %. Every
 * instrumented variant is scraped once a second, as Prometheus would. Then the size of /metrics before and
 * after 10,000 requests to random paths.
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
import { describeVariables, loadConfig, type TracesSampler } from '@shopops/config';
import { up } from '@shopops/migrate';
import { startPostgres } from '@shopops/local-servers';

type Variant = 'bare' | 'hooks' | 'hooks+metrics' | 'otel-default' | 'otel-100%';

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
  const traced = variant.startsWith('otel-');
  if (traced) {
    // Before the app's modules load, as main.ts does, so http and pg are instrumented.
    const { startTracing } = await import('@shopops/observability/tracing');
    tracing = startTracing({
      endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT!,
      serviceName: 'bench-api',
      ...(variant === 'otel-100%' ? { sampler: 'parentbased_always_on' as const } : productionSampler()),
      ignorePaths: ['/healthz', '/readyz', '/metrics'],
    });
  }
  const { buildApp } = await import('@shopops/api');
  const app = buildApp(config, {
    instrumentation: variant !== 'bare',
    tracing: traced,
    stateMetrics: variant !== 'hooks',
  });
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
    const scraper = variant === 'bare' ? undefined : scrapeEverySecond(`http://127.0.0.1:${port}/metrics`);
    const before = await cpuUsage(child);
    const measured = await load(url, duration);
    const after = await cpuUsage(child);
    scraper?.stop();
    const cpuUs = (after.user - before.user + after.system - before.system) / Math.max(measured.requests, 1);
    return { rps: measured.rps, p99: measured.p99, errors: measured.errors, cpuUs };
  } finally {
    await stopServer(child);
  }
}

/** The sampler settings production gets from the config schema's defaults (this bench runs with ENV=dev). */
function productionSampler() {
  const defaults = new Map(describeVariables().map((v) => [v.name, v.default]));
  return {
    sampler: defaults.get('OTEL_TRACES_SAMPLER') as TracesSampler,
    samplerRatio: Number(defaults.get('OTEL_TRACES_SAMPLER_ARG')),
    slowRequestMs: Number(defaults.get('TRACES_SLOW_REQUEST_MS')),
  };
}

/** A Prometheus-like scraper: GET /metrics once a second until stopped. */
function scrapeEverySecond(url: string): { stop(): void } {
  const timer = setInterval(
    () =>
      void fetch(url).then(
        (r) => r.text(),
        () => undefined,
      ),
    1000,
  );
  return { stop: () => clearInterval(timer) };
}

/** The request metrics' series (what paths could multiply) and the size of /metrics. */
async function metricsSize(base: string): Promise<{ bytes: number; requestSeries: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const requestSeries = text
    .split('\n')
    .filter((l) => /^(http_requests_total|request_latency_seconds|db_query_seconds)/.test(l)).length;
  return { bytes: text.length, requestSeries };
}

/** /metrics after 1,000 and after 10,000 requests to random paths and random product ids. */
async function metricsGrowth(env: Record<string, string>): Promise<void> {
  const { port, child } = await startServer('hooks+metrics', env);
  try {
    const base = `http://127.0.0.1:${port}`;
    const random = () => Math.random().toString(36).slice(2);
    const requests = async (count: number, offset: number) => {
      for (let i = 0; i < count; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) => {
            const n = offset + i + j;
            return fetch(`${base}${n % 2 ? `/${random()}/${random()}` : `/products/${1_000_000 + n}`}`).then((r) =>
              r.arrayBuffer(),
            );
          }),
        );
      }
    };
    await requests(1_000, 0);
    // The first scrape records itself (route /metrics) after rendering: scrape once so both sizes include it.
    await metricsSize(base);
    const early = await metricsSize(base);
    await requests(9_000, 1_000);
    const late = await metricsSize(base);
    console.log(
      `/metrics after 1,000 and 10,000 requests to random paths: ${early.bytes} -> ${late.bytes} bytes, request series ${early.requestSeries} -> ${late.requestSeries} (${late.requestSeries === early.requestSeries ? 'ok: does not grow with paths' : 'MISSED: grows'})`,
    );
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
    const variants: Variant[] = withOtel
      ? ['bare', 'hooks', 'hooks+metrics', 'otel-default', 'otel-100%']
      : ['bare', 'hooks', 'hooks+metrics'];
    const results = new Map<Variant, Measure[]>(variants.map((v) => [v, []]));
    for (let run = 1; run <= runs; run++) {
      // Each run starts one variant later, so over as many runs as variants each takes every place in the
      // order once: drift on a shared machine, or whatever runs at a fixed point of a run, favours none.
      const shift = (run - 1) % variants.length;
      for (const variant of [...variants.slice(shift), ...variants.slice(0, shift)]) {
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
        `  ${variant.padEnd(14)} ${s.rps.toFixed(0).padStart(6)} req/s   p99 ${String(s.p99).padStart(4)} ms   ${s.cpuUs.toFixed(0).padStart(4)} µs CPU/request   errors ${s.errors}`,
      );
    }
    const hooks = summary('hooks');
    // Each variant against its baseline, with the goals of ../shared/BENCHMARKS.md and issue 15.
    const goals: Record<Exclude<Variant, 'bare'>, { against: 'bare' | 'hooks'; throughput: number; p99?: number }> = {
      hooks: { against: 'bare', throughput: 0.85, p99: 1.2 },
      'hooks+metrics': { against: 'hooks', throughput: 0.95, p99: 1.1 },
      'otel-default': { against: 'bare', throughput: 0.85 },
      'otel-100%': { against: 'bare', throughput: 0.7 },
    };
    for (const variant of variants.filter((v): v is Exclude<Variant, 'bare'> => v !== 'bare')) {
      const s = summary(variant);
      const goal = goals[variant];
      const baseline = goal.against === 'bare' ? bare : hooks;
      const throughput = s.rps / baseline.rps;
      const p99 = s.p99 / baseline.p99;
      const met = throughput >= goal.throughput && (goal.p99 === undefined || p99 <= goal.p99);
      const goalText = `goals >= ${goal.throughput}${goal.p99 ? `, p99 <= ${goal.p99}` : ''}`;
      console.log(
        `ratio ${variant}/${goal.against}: throughput ${throughput.toFixed(2)}, p99 ${p99.toFixed(2)}, CPU per request ${(s.cpuUs / baseline.cpuUs).toFixed(2)} (${goalText}) ${met ? 'ok' : 'MISSED'}`,
      );
    }
    await metricsGrowth(env);
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
