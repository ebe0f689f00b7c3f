import { performance } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/** A connection pool's counts at scrape time (pg.Pool's totalCount, idleCount, waitingCount, options.max). */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** Which dependency checks pass, as /readyz reports them. */
export interface ReadinessChecks {
  checks: Record<string, { ok: boolean }>;
}

export interface BuildInfo {
  version: string;
  commit: string;
}

/**
 * db_pool_connections{state} and db_pool_max_connections, read from the pool when Prometheus scrapes: nothing
 * is recorded per query, so the pool costs requests nothing to watch.
 */
export function registerPoolGauges(registry: Registry, stats: () => PoolStats): void {
  new Gauge({
    name: 'db_pool_connections',
    help: 'PostgreSQL pool connections by state: total (open), idle, waiting (requests queued for a connection)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const { total, idle, waiting } = stats();
      this.labels('total').set(total);
      this.labels('idle').set(idle);
      this.labels('waiting').set(waiting);
    },
  });
  new Gauge({
    name: 'db_pool_max_connections',
    help: 'Most connections the PostgreSQL pool opens (DATABASE_POOL_MAX)',
    registers: [registry],
    collect() {
      this.set(stats().max);
    },
  });
}

/** How long a readiness report answers scrapes: probes run every 10-15 s, and a report costs queries. */
export const READINESS_REPORT_MAX_AGE_MS = 10_000;

/**
 * readiness_check_ok{check} (1 passing, 0 failing) and api_ready, from a readiness report run at scrape
 * time (reused for READINESS_REPORT_MAX_AGE_MS), so an alert sees what /readyz would answer even where no
 * orchestrator probes it.
 */
export function registerReadinessGauges(
  registry: Registry,
  report: () => Promise<ReadinessChecks>,
  maxAgeMs = READINESS_REPORT_MAX_AGE_MS,
): void {
  // Both gauges of one scrape share the report in flight; a settled one serves scrapes until it is too old.
  let settledAt = -Infinity;
  let inFlight = false;
  let latest: Promise<ReadinessChecks> | undefined;
  const current = () => {
    if (!latest || (!inFlight && performance.now() - settledAt > maxAgeMs)) {
      inFlight = true;
      latest = report().finally(() => {
        inFlight = false;
        settledAt = performance.now();
      });
    }
    return latest;
  };
  new Gauge({
    name: 'readiness_check_ok',
    help: 'Readiness checks of /readyz at scrape time: 1 passing, 0 failing, by check',
    labelNames: ['check'],
    registers: [registry],
    async collect() {
      const { checks } = await current();
      this.reset();
      for (const [check, result] of Object.entries(checks)) this.labels(check).set(result.ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'api_ready',
    help: 'Whether /readyz would answer 200 at scrape time: 1 ready, 0 not',
    registers: [registry],
    async collect() {
      const { checks } = await current();
      this.set(Object.values(checks).every((c) => c.ok) ? 1 : 0);
    },
  });
}

/** app_build_info{version,commit} 1: joins any series to the release that produced it. */
export function registerBuildInfo(registry: Registry, info: BuildInfo): void {
  const gauge = new Gauge({
    name: 'app_build_info',
    help: 'The running build: always 1, with its version and commit as labels',
    labelNames: ['version', 'commit'],
    registers: [registry],
  });
  gauge.labels(info.version, info.commit).set(1);
}
