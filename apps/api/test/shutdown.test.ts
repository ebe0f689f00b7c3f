import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAdminToken, type Order, type Product } from '../src/index.ts';
import { runMain, startChildApi } from './support/child-api.ts';
import { JWT_SECRET, startTestStack, type TestStack } from './support/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function json<T>(response: Promise<Response>): Promise<{ status: number; body: T }> {
  const r = await response;
  return { status: r.status, body: (await r.json()) as T };
}

describe('main.ts under SIGTERM', () => {
  it('turns /readyz 503, keeps serving through the drain, finishes in-flight requests, closes the pool and exits 0', async () => {
    const databaseUrl = await stack.migratedDatabase();
    const api = await startChildApi(stack.env(databaseUrl, { SHUTDOWN_DELAY_MS: '2000', PUBLIC_BASE_URL: undefined }));
    const token = await signAdminToken(JWT_SECRET);
    const created = await json<Product>(
      fetch(`${api.url}/products`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sku: 'SIG-1', name: 'Drained', priceCents: 1000, stock: 100 }),
      }),
    );
    expect(created.status).toBe(201);

    // Requests provably in flight: orders blocked inside the server on a product row this test holds locked.
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    await locker.query('begin');
    await locker.query('select id from products where id = $1 for update', [created.body.id]);
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      json<Order>(
        fetch(`${api.url}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            customerEmail: `c${i}@example.com`,
            items: [{ productId: created.body.id, quantity: 1 }],
          }),
        }),
      ),
    );
    // A separate session: inside the locker's transaction, pg_stat_activity would be one frozen snapshot.
    const observer = new pg.Client({ connectionString: databaseUrl });
    await observer.connect();
    await waitUntil(async () => {
      const { rows } = await observer.query(
        `select count(*)::int as n from pg_stat_activity where application_name = 'shopops-api' and wait_event_type = 'Lock'`,
      );
      return rows[0].n === 5;
    });
    await observer.end();

    // Load: workers send GET /products until they see readiness turn 503, as a load balancer would.
    let draining = false;
    const served: number[] = [];
    const failures: string[] = [];
    const worker = async () => {
      while (!draining) {
        try {
          const response = await fetch(`${api.url}/products`);
          await response.arrayBuffer();
          served.push(response.status);
        } catch (error) {
          failures.push(String((error as Error).cause ?? error));
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await waitUntil(() => served.length >= 40);

    api.process.kill('SIGTERM');
    await api.waitForLog((e) => e.msg === 'shutdown started: /readyz answers 503');
    const readiness = await json<{ status: string; checks: Record<string, unknown> }>(fetch(`${api.url}/readyz`));
    expect(readiness.status).toBe(503);
    expect(readiness.body.status).toBe('unavailable');
    draining = true;
    await Promise.all(workers);

    await api.waitForLog((e) => e.msg === 'shutdown: listener closing, finishing in-flight requests');
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
    await locker.query('commit');
    await locker.end();

    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(results.every((r) => r.body.status === 'pending' && r.body.totalCents === 1000)).toBe(true);
    expect(failures).toEqual([]);
    expect(served.length).toBeGreaterThanOrEqual(40);
    expect(new Set(served)).toEqual(new Set([200]));

    const exit = await api.process;
    expect(exit.exitCode).toBe(0);
    const messages = api.logs.map((e) => e.msg);
    const order = [
      'shutdown started: /readyz answers 503',
      'shutdown: listener closing, finishing in-flight requests',
      'database pool closed',
      'shutdown complete',
    ];
    expect(order.map((m) => messages.indexOf(m))).toEqual(
      [...order.map((m) => messages.indexOf(m))].sort((a, b) => a - b),
    );
    expect(order.every((m) => messages.includes(m))).toBe(true);

    // Every order the server accepted is in the database, stock taken for each.
    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    try {
      const { rows } = await check.query('select stock from products where id = $1', [created.body.id]);
      expect(rows[0].stock).toBe(95);
    } finally {
      await check.end();
    }
  });
});

describe('main.ts with a bad configuration', () => {
  it('lists every problem on stderr, secrets masked, and exits 1', async () => {
    const result = await runMain({
      ENV: 'prod',
      DATABASE_URL: 'postgres://shop:very-secret-db-pw@db:5432/shop',
      JWT_SECRET: 'short-secret-value',
      PUBLIC_BASE_URL: 'http://api.example.com',
      CORS_ORIGINS: '*',
      PORT: 'eighty',
    });
    expect(result.exitCode).toBe(1);
    const stderr = String(result.stderr);
    expect(stderr).toContain('invalid configuration for ENV=prod');
    for (const variable of [
      'PORT',
      'S3_BUCKET',
      'S3_ACCESS_KEY',
      'S3_SECRET_KEY',
      'FRONTEND_URL',
      'JWT_SECRET',
      'CORS_ORIGINS',
      'PUBLIC_BASE_URL',
    ]) {
      expect(stderr).toContain(`  ${variable}: `);
    }
    expect(stderr).not.toContain('short-secret-value');
    expect(stderr).not.toContain('very-secret-db-pw');
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

/** Polls a condition the test is waiting for (not a timing assertion: it fails only via the test timeout). */
async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}
