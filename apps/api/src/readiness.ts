import { performance } from 'node:perf_hooks';
import { readMigrations, statusOnClient, type Migration } from '@shopops/migrate';
import { maskSecrets } from '@shopops/postgres';
import { abortable, type Database } from './db.ts';
import type { Storage } from './storage.ts';

export interface CheckResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
  /** Extra facts a check reports, e.g. the pending migrations. */
  [detail: string]: unknown;
}

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckResult>;
}

export interface ReadinessOptions {
  /** Each probe fails when it takes longer than this. */
  timeoutMs: number;
  /** Time between the end of one round of probes and the start of the next. */
  intervalMs: number;
}

interface Snapshot {
  report: ReadinessReport;
  /** performance.now() when the round finished. */
  at: number;
}

/**
 * /readyz: can this instance serve traffic? The database answers, its schema is at the newest migration this
 * code knows, and the bucket is reachable. The probes run in the background, one round per interval (one
 * pooled database connection, one storage request), and /readyz answers the latest round: a flood of probes
 * costs the dependencies nothing. A round older than two intervals plus two timeouts means the refresher is
 * stuck, which counts as not ready. From the moment shutdown begins the answer is 503 without checking.
 */
export class Readiness {
  private shuttingDown = false;
  private latest: Snapshot | undefined;
  private round: Promise<Snapshot> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private migrations: Promise<Migration[]> | undefined;

  constructor(
    private readonly deps: { db: Database; storage: Storage; migrationsDir: string },
    private readonly options: ReadinessOptions,
  ) {}

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Irreversible: the instance is going away. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  /** Runs a round now and then one per interval, until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.refresh().catch(() => undefined);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The latest round; before the first one has finished, that round (never a second one at the same time). */
  async report(): Promise<ReadinessReport> {
    if (this.shuttingDown) {
      return {
        status: 'unavailable',
        checks: { shutdown: { ok: false, latencyMs: 0, error: 'shutting down: finishing in-flight requests' } },
      };
    }
    const snapshot = this.latest ?? (await this.refresh());
    const ageMs = performance.now() - snapshot.at;
    const staleAfterMs = 2 * (this.options.intervalMs + this.options.timeoutMs);
    if (ageMs <= staleAfterMs) return snapshot.report;
    const error = `the checks last ran ${Math.round(ageMs)} ms ago (every ${this.options.intervalMs} ms expected): the refresher is stuck`;
    return {
      status: 'unavailable',
      checks: { ...snapshot.report.checks, freshness: { ok: false, latencyMs: 0, error } },
    };
  }

  /** One round of probes; concurrent callers share it. The next round is due an interval after it ends. */
  private refresh(): Promise<Snapshot> {
    this.round ??= this.probe()
      .then((snapshot) => (this.latest = snapshot))
      .finally(() => {
        this.round = undefined;
        if (!this.running) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.refresh().catch(() => undefined), this.options.intervalMs);
        // The probes never keep the process alive on their own.
        this.timer.unref();
      });
    return this.round;
  }

  private async probe(): Promise<Snapshot> {
    const [database, { value: _none, ...storage }] = await Promise.all([
      this.probeDatabase(),
      timed(this.options.timeoutMs, (signal) => this.deps.storage.ping(signal)),
    ]);
    const checks = { ...database, storage };
    const ok = Object.values(checks).every((check) => check.ok);
    return { report: { status: ok ? 'ok' : 'unavailable', checks }, at: performance.now() };
  }

  /** Connection and migrations from one pooled connection: the pool's limit holds, whatever the load on /readyz. */
  private async probeDatabase(): Promise<{ database: CheckResult; migrations: CheckResult }> {
    const { value, ...database } = await timed(this.options.timeoutMs, async (signal) => {
      const migrations = await abortable((this.migrations ??= readMigrations(this.deps.migrationsDir)), signal);
      return abortable(
        this.deps.db.withConnection((client) => statusOnClient(client, migrations)),
        signal,
      );
    });
    const migrations: CheckResult = value
      ? { ...migrationCheck(value), latencyMs: database.latencyMs }
      : { ok: false, latencyMs: 0, error: 'not checked: the database did not answer' };
    return { database, migrations };
  }
}

type MigrationStatus = Awaited<ReturnType<typeof statusOnClient>>;

function migrationCheck(result: MigrationStatus): CheckResult {
  const pending = result.pending.map((m) => `${m.version}_${m.name}`);
  const drifted = result.drifted.map((m) => `${m.version}_${m.name}`);
  const head = result.applied.at(-1)?.version ?? null;
  if (pending.length === 0 && drifted.length === 0) return { ok: true, latencyMs: 0, head };
  const problems = [
    pending.length > 0 ? `${pending.length} pending (${pending.join(', ')})` : '',
    drifted.length > 0 ? `${drifted.length} changed after being applied (${drifted.join(', ')})` : '',
  ].filter(Boolean);
  const error = `not at head: ${problems.join('; ')}; run the migrations`;
  return { ok: false, latencyMs: 0, error, head, pending, drifted };
}

/** Runs one probe with its own deadline; failures become a one-line reason, never credentials. */
async function timed<T>(
  timeoutMs: number,
  probe: (signal: AbortSignal) => Promise<T>,
): Promise<CheckResult & { value?: T }> {
  const start = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const elapsed = () => Math.round((performance.now() - start) * 10) / 10;
  try {
    const value = await abortable(probe(signal), signal);
    return { ok: true, latencyMs: elapsed(), value };
  } catch (error) {
    const message = signal.aborted ? `no answer within ${timeoutMs} ms` : describe(error);
    return { ok: false, latencyMs: elapsed(), error: message };
  }
}

/** One line about why a dependency failed, never its credentials. */
function describe(error: unknown): string {
  const { code, name, message } = error as { code?: string; name?: string; message?: string };
  if (code === 'ECONNREFUSED') return 'connection refused';
  const text = message || name || String(error);
  return maskSecrets(text).split('\n')[0]!.slice(0, 300);
}
