import { randomBytes } from 'node:crypto';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
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

describe('keep-alive connections during the default drain', () => {
  it('outside dev, keeps serving after SIGTERM with Connection: close, so clients leave cleanly; idle ones get a FIN, none a reset', async () => {
    const databaseUrl = await stack.migratedDatabase();
    // Staging as deployed, SHUTDOWN_DELAY_MS unset: its default drain is what a proxy still routing here relies on.
    const api = await startChildApi(
      stack.env(databaseUrl, {
        ENV: 'staging',
        JWT_SECRET: randomBytes(48).toString('base64'),
        PUBLIC_BASE_URL: 'https://api.staging.example.com',
        FRONTEND_URL: 'https://shop.staging.example.com',
        PAYMENT_SANDBOX_ENABLED: 'false',
        // The local S3 server only knows its built-in keys (S3RVER): relaxed on purpose, as the log says.
        RELAXED_GUARDS: 'published-secrets,secret-strength',
      }),
    );
    const relaxed = await api.waitForLog(
      (e) => typeof e.msg === 'string' && e.msg.startsWith('ENV=staging runs with prod guards relaxed'),
    );
    expect(relaxed).toMatchObject({ level: 'warn', relaxedGuards: ['published-secrets', 'secret-strength'] });
    const busy = new WatchedAgent();
    const idle = new WatchedAgent();

    const before = [await get(busy, `${api.url}/healthz`), await get(busy, `${api.url}/healthz`)];
    expect(before.map((r) => r.headers.connection)).toEqual(['keep-alive', 'keep-alive']);
    expect(before[1]!.socket).toBe(before[0]!.socket);
    const idleResponse = await get(idle, `${api.url}/healthz`);
    expect(idleResponse.headers.connection).toBe('keep-alive');

    api.process.kill('SIGTERM');
    await api.waitForLog((e) => e.msg === 'shutdown started: /readyz answers 503');
    // The connection kept alive from before the signal, then a new one: both served, both told to close.
    const during = [await get(busy, `${api.url}/healthz`), await get(busy, `${api.url}/healthz`)];
    expect(during.map((r) => [r.status, r.headers.connection])).toEqual([
      [200, 'close'],
      [200, 'close'],
    ]);
    expect(during[0]!.socket).toBe(before[0]!.socket);
    expect(during[1]!.socket).not.toBe(during[0]!.socket);
    await Promise.all(during.map((r) => busy.closed(r.socket)));

    // The idle client sent nothing during the drain: the server closes its connection once the drain is over.
    expect(idleResponse.socket.destroyed).toBe(false);
    const idleClose = await idle.closed(idleResponse.socket);
    expect(idleClose).toEqual({ endedByServer: true, hadError: false });
    await api.waitForLog((e) => e.msg === 'shutdown: listener closing, finishing in-flight requests');

    expect((await api.process).exitCode).toBe(0);
    expect([...busy.errors, ...idle.errors]).toEqual([]);
    busy.agent.destroy();
    idle.agent.destroy();
  });
});

interface SocketClose {
  /** The server ended the connection first (a FIN), rather than the client. */
  endedByServer: boolean;
  /** It closed on an error, e.g. ECONNRESET. */
  hadError: boolean;
}

/** A keep-alive agent with one socket at a time, whose sockets report errors and how they closed. */
class WatchedAgent {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  readonly errors: string[] = [];
  private readonly closes = new WeakMap<Socket, Promise<SocketClose>>();

  watch(socket: Socket): void {
    if (this.closes.has(socket)) return;
    let endedByServer = false;
    socket.on('error', (error) => this.errors.push(String(error)));
    socket.on('end', () => (endedByServer = true));
    this.closes.set(
      socket,
      new Promise((resolve) => socket.on('close', (hadError) => resolve({ endedByServer, hadError }))),
    );
  }

  closed(socket: Socket): Promise<SocketClose> {
    this.watch(socket);
    return this.closes.get(socket)!;
  }
}

/** GET through the agent: the status, the headers and the socket that carried it. */
async function get(
  client: WatchedAgent,
  url: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: client.agent }, (response) => {
      response.resume();
      response.on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers, socket: req.socket as Socket }),
      );
    });
    req.on('socket', (socket) => client.watch(socket as Socket));
    req.on('error', reject);
    req.end();
  });
}

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

describe('main.ts with ENV=staging and weak settings', () => {
  it("refuses to start with prod's guards, listing every problem with secrets masked", async () => {
    const databaseUrl = await stack.migratedDatabase();
    const result = await runMain(
      stack.env(databaseUrl, {
        ENV: 'staging',
        JWT_SECRET: 'q',
        CORS_ORIGINS: '*',
        PAYMENT_SANDBOX_SECRET: 'sbx-secret-value',
      }),
    );
    expect(result.exitCode).toBe(1);
    const stderr = String(result.stderr);
    expect(stderr).toContain('invalid configuration for ENV=staging');
    for (const [variable, guard] of [
      ['JWT_SECRET', 'secret-strength'],
      ['S3_ACCESS_KEY', 'published-secrets'],
      ['S3_SECRET_KEY', 'published-secrets'],
      ['PAYMENT_SANDBOX_SECRET', 'secret-strength'],
      ['CORS_ORIGINS', 'cors-origins'],
      ['PUBLIC_BASE_URL', 'https-urls'],
      ['FRONTEND_URL', 'https-urls'],
      ['PAYMENT_SANDBOX_ENABLED', 'sandbox-provider'],
    ]) {
      expect(stderr).toMatch(new RegExp(`  ${variable}: .*RELAXED_GUARDS=${guard}`));
    }
    expect(stderr).not.toContain('sbx-secret-value');
    expect(stderr).not.toMatch(/"S3RVER"|JWT_SECRET: .*"q"/);
  });
});

/** Polls a condition the test is waiting for (not a timing assertion: it fails only via the test timeout). */
async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}
