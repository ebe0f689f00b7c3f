import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@shopops/config';
import { readMigrations } from '@shopops/migrate';
import { buildApp, DEFAULT_MIGRATIONS_DIR, startApi, type ReadinessReport } from '../src/index.ts';
import { buildTestApp, discard, startTestStack, type TestApp, type TestStack } from './support/stack.ts';

let stack: TestStack;
let t: TestApp;
let migrationNames: string[];

// Rounds every 100 ms, so a test sees a change of state without waiting for the 5 s default.
const FAST_ROUNDS = { READINESS_INTERVAL_MS: '100' };

beforeAll(async () => {
  stack = await startTestStack();
  t = await buildTestApp(stack, FAST_ROUNDS);
  migrationNames = (await readMigrations(DEFAULT_MIGRATIONS_DIR)).map((m) => `${m.version}_${m.name}`);
});
afterAll(async () => {
  await t?.app.close();
  await stack?.stop();
});

async function readyz(app = t.app): Promise<{ status: number; body: ReadinessReport }> {
  const response = await app.inject({ method: 'GET', url: '/readyz' });
  return { status: response.statusCode, body: response.json<ReadinessReport>() };
}

describe('health', () => {
  it('GET /healthz answers ok without checking anything', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz reports each check with its latency when all pass', async () => {
    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      checks: {
        database: { ok: true, latencyMs: expect.any(Number) },
        migrations: { ok: true, latencyMs: expect.any(Number), head: migrationNames.at(-1)!.split('_')[0] },
        storage: { ok: true, latencyMs: expect.any(Number) },
      },
    });
  });

  it('GET /readyz answers 503 naming pending migrations', async () => {
    const unmigrated = await stack.pg.createDatabase();
    const app = buildApp(loadConfig(stack.env(unmigrated)), { logStream: discard() });
    try {
      const { status, body } = await readyz(app);
      expect(status).toBe(503);
      expect(body.status).toBe('unavailable');
      expect(body.checks.database!.ok).toBe(true);
      expect(body.checks.migrations).toMatchObject({ ok: false, head: null, pending: migrationNames });
      expect(body.checks.migrations!.error).toContain(`not at head: ${migrationNames.length} pending`);
    } finally {
      await app.close();
    }
  });

  it('GET /readyz answers 503 naming the storage when the bucket is missing', async () => {
    const app = buildApp(loadConfig(stack.env(t.databaseUrl, { S3_BUCKET: 'no-such-bucket' })), {
      logStream: discard(),
    });
    try {
      const { status, body } = await readyz(app);
      expect(status).toBe(503);
      expect(body.checks.storage!.ok).toBe(false);
      expect(body.checks.storage!.error).toBeTruthy();
      expect(body.checks.database!.ok).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('GET /readyz answers 503 from the moment shutdown begins', async () => {
    const app = buildApp(t.config, { logStream: discard() });
    try {
      expect((await readyz(app)).status).toBe(200);
      app.api.readiness.beginShutdown();
      const { status, body } = await readyz(app);
      expect(status).toBe(503);
      expect(body).toEqual({
        status: 'unavailable',
        checks: { shutdown: { ok: false, latencyMs: 0, error: 'shutting down: finishing in-flight requests' } },
      });
    } finally {
      await app.close();
    }
  });

  it('GET /readyz and /healthz show nothing internal outside dev; the admin token shows the checks', async () => {
    // The same app as prod would build it: only ENV decides what a probe shows.
    const app = buildApp({ ...t.config, env: 'prod' }, { logStream: discard() });
    try {
      const anonymous = await app.inject({ method: 'GET', url: '/readyz' });
      expect(anonymous.statusCode).toBe(200);
      expect(anonymous.json()).toEqual({ status: 'ok' });
      expect(anonymous.body).not.toMatch(/127\.0\.0\.1|2026\d{10}|latency/);
      expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });

      const forged = await app.inject({
        method: 'GET',
        url: '/readyz',
        headers: { authorization: 'Bearer not-a-jwt' },
      });
      expect(forged.json()).toEqual({ status: 'ok' });
      const admin = await app.inject({
        method: 'GET',
        url: '/readyz',
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
      expect(admin.json<ReadinessReport>().checks.migrations).toMatchObject({ ok: true });
    } finally {
      await app.close();
    }
  });

  it('GET /readyz answers from the latest background round, and not ready once that round is stale', async () => {
    // A timeout a loaded machine's first round (new connections) fits in: a check that timed out would answer 503.
    const intervalMs = 100;
    const timeoutMs = 1000;
    const app = buildApp(
      loadConfig(
        stack.env(t.databaseUrl, {
          READINESS_INTERVAL_MS: String(intervalMs),
          READINESS_TIMEOUT_MS: String(timeoutMs),
        }),
      ),
      { logStream: discard() },
    );
    try {
      const first = await readyz(app);
      expect(first.status).toBe(200);
      // Probes between two rounds get the same round: the same measured latencies, not new checks.
      const again = await readyz(app);
      expect(again.body.checks.storage!.latencyMs).toBe(first.body.checks.storage!.latencyMs);

      // The refresher stops (as if stuck): after two intervals plus two timeouts its last round is too old.
      app.api.readiness.stop();
      await sleep(2 * (intervalMs + timeoutMs) + 300);
      const stale = await readyz(app);
      expect(stale.status).toBe(503);
      expect(stale.body.status).toBe('unavailable');
      expect(stale.body.checks.freshness).toMatchObject({
        ok: false,
        error: expect.stringContaining('refresher is stuck'),
      });
    } finally {
      await app.close();
    }
  });

  it('GET /version shows the build variables, with fallbacks', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/version' })).json()).toEqual({
      version: '0.1.0',
      commit: 'unknown',
      buildTime: 'unknown',
    });
    const built = buildApp(
      loadConfig(
        stack.env(t.databaseUrl, { APP_VERSION: '1.4.0', GIT_COMMIT: 'abc1234', BUILD_TIME: '2026-11-23T09:00:00Z' }),
      ),
      { logStream: discard() },
    );
    try {
      expect((await built.inject({ method: 'GET', url: '/version' })).json()).toEqual({
        version: '1.4.0',
        commit: 'abc1234',
        buildTime: '2026-11-23T09:00:00Z',
      });
    } finally {
      await built.close();
    }
  });
});

describe('startApi', () => {
  it('listens on loopback, hands out URLs where it listens, and closes its pool on close()', async () => {
    const api = await startApi({
      env: stack.env(t.databaseUrl, { PUBLIC_BASE_URL: undefined }),
      port: 0,
      logStream: discard(),
    });
    let closed = false;
    try {
      expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${api.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(api.app.api.urls.publicBaseUrl()).toBe(api.url);
      expect(api.app.server.requestTimeout).toBe(30_000);
      expect(api.app.server.keepAliveTimeout).toBe(65_000);
      const pool = api.app.api.db.pool;
      await api.close();
      closed = true;
      expect(pool.ended).toBe(true);
      expect(pool.totalCount).toBe(0);
      await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
    } finally {
      if (!closed) await api.close();
    }
  });

  it('throws the config error listing every problem', async () => {
    const refused = startApi({ env: { ENV: 'prod' }, port: 0 });
    await expect(refused).rejects.toThrow(/invalid configuration for ENV=prod \(\d+ problems\)/);
    // /metrics would be public on PORT: prod wants its own port or a token.
    await expect(refused).rejects.toThrow(
      /METRICS_TOKEN: prod serves \/metrics only on its own port or behind a token/,
    );
  });
});

// Last: stops and restarts the cluster the other tests share.
describe('readiness during a database outage', () => {
  it('GET /readyz answers 503 naming the database while Postgres is down, 200 once it is back; /healthz stays 200', async () => {
    await stack.pg.stopServer();
    try {
      // The next background round sees it.
      await expect.poll(async () => (await readyz()).status, { timeout: 10_000, interval: 50 }).toBe(503);
      const { body } = await readyz();
      expect(body.status).toBe('unavailable');
      expect(body.checks.database).toMatchObject({ ok: false, error: expect.any(String) });
      expect(body.checks.migrations!.ok).toBe(false);
      expect(body.checks.storage!.ok).toBe(true);
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      // An outage, not a bug: 503 problem+json with Retry-After, never a 500.
      const products = await t.app.inject({ method: 'GET', url: '/products' });
      expect(products.statusCode).toBe(503);
      expect(products.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(products.headers['retry-after']).toBe('5');
      expect(products.json()).toMatchObject({ type: 'urn:shopops:problem:database-unavailable', status: 503 });
      expect(products.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at .*\.(ts|js):\d+/);
    } finally {
      await stack.pg.startServer();
    }
    await expect.poll(async () => (await readyz()).status, { timeout: 10_000, interval: 50 }).toBe(200);
  });
});
