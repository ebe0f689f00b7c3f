import { performance } from 'node:perf_hooks';
import { status as migrationStatus } from '@shopops/migrate';
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

type Check = (signal: AbortSignal) => Promise<Record<string, unknown> | void>;

/**
 * /readyz: can this instance serve traffic? The database answers, its schema is at the newest migration this
 * code knows, and the bucket is reachable; each check bounded by a timeout so a hung dependency reports
 * failure instead of hanging the probe. From the moment shutdown begins the answer is 503 without checking.
 */
export class Readiness {
  private shuttingDown = false;
  private readonly checks: Record<string, Check>;

  constructor(
    deps: { db: Database; storage: Storage; databaseUrl: string; migrationsDir: string },
    private readonly timeoutMs: number,
  ) {
    this.checks = {
      database: (signal) => deps.db.ping(signal),
      migrations: async (signal) => {
        const result = await abortable(migrationStatus({ url: deps.databaseUrl, dir: deps.migrationsDir }), signal);
        const pending = result.pending.map((m) => `${m.version}_${m.name}`);
        const drifted = result.drifted.map((m) => `${m.version}_${m.name}`);
        const head = result.applied.at(-1)?.version ?? null;
        if (pending.length > 0 || drifted.length > 0) {
          const problems = [
            pending.length > 0 ? `${pending.length} pending (${pending.join(', ')})` : '',
            drifted.length > 0 ? `${drifted.length} changed after being applied (${drifted.join(', ')})` : '',
          ].filter(Boolean);
          throw new CheckFailure(`not at head: ${problems.join('; ')}; run the migrations`, { head, pending, drifted });
        }
        return { head };
      },
      storage: (signal) => deps.storage.ping(signal),
    };
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Irreversible: the instance is going away. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  async report(): Promise<ReadinessReport> {
    if (this.shuttingDown) {
      return {
        status: 'unavailable',
        checks: { shutdown: { ok: false, latencyMs: 0, error: 'shutting down: finishing in-flight requests' } },
      };
    }
    const names = Object.keys(this.checks);
    const results = await Promise.all(names.map((name) => this.run(this.checks[name]!)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    return { status: results.every((r) => r.ok) ? 'ok' : 'unavailable', checks };
  }

  private async run(check: Check): Promise<CheckResult> {
    const start = performance.now();
    const signal = AbortSignal.timeout(this.timeoutMs);
    const elapsed = () => Math.round((performance.now() - start) * 10) / 10;
    try {
      const details = await abortable(check(signal), signal);
      return { ok: true, latencyMs: elapsed(), ...(details ?? {}) };
    } catch (error) {
      const details = error instanceof CheckFailure ? error.details : {};
      const message = signal.aborted ? `no answer within ${this.timeoutMs} ms` : describe(error);
      return { ok: false, latencyMs: elapsed(), error: message, ...details };
    }
  }
}

class CheckFailure extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** One line about why a dependency failed, never its credentials. */
function describe(error: unknown): string {
  const { code, name, message } = error as { code?: string; name?: string; message?: string };
  if (code === 'ECONNREFUSED') return 'connection refused';
  const text = message || name || String(error);
  return maskSecrets(text).split('\n')[0]!.slice(0, 300);
}
