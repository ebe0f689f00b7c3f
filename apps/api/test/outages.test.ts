import type { S3Client } from '@aws-sdk/client-s3';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@shopops/config';
import { query } from '@shopops/testing';
import { buildApp, startApi, type RunningApi } from '../src/index.ts';
import { bucketClient, imageKeysOf } from './support/bucket.ts';
import { startStallingProxy, type StallingProxy } from './support/stalling-proxy.ts';
import {
  buildTestApp,
  captureLogs,
  discard,
  PNG_BYTES,
  startTestStack,
  type TestApp,
  type TestStack,
} from './support/stack.ts';

let stack: TestStack;
let t: TestApp;
let s3: S3Client;

// Short limits, so an outage shows within a test's time.
const SHORT_S3_LIMITS = { S3_REQUEST_TIMEOUT_MS: '300', S3_DEADLINE_MS: '1000' };

beforeAll(async () => {
  stack = await startTestStack();
  t = await buildTestApp(stack);
  s3 = bucketClient(stack.s3);
});
afterAll(async () => {
  s3?.destroy();
  await t?.app.close();
  await stack?.stop();
});

async function insertProduct(databaseUrl: string, sku: string, imageKey: string | null = null): Promise<number> {
  const [row] = await query<{ id: string }>(
    databaseUrl,
    `insert into products (sku, name, price_cents, stock, image_key) values ($1, 'Mug', 5000, 10, $2) returning id`,
    [sku, imageKey],
  );
  return Number(row!.id);
}

async function imageKeyOf(databaseUrl: string, id: number): Promise<string | null> {
  const [row] = await query<{ image_key: string | null }>(databaseUrl, 'select image_key from products where id = $1', [
    id,
  ]);
  return row!.image_key;
}

const keysOf = (productId: number) => imageKeysOf(s3, productId);

function expectOutage(response: LightMyRequestResponse | Response, retryAfter: string): void {
  const header = (name: string) =>
    response instanceof Response ? response.headers.get(name) : (response.headers[name] as string | undefined);
  const status = response instanceof Response ? response.status : response.statusCode;
  expect(status).toBe(503);
  expect(header('content-type')).toMatch(/^application\/problem\+json/);
  expect(header('retry-after')).toBe(retryAfter);
  expect(header('x-trace-id')).toBeTruthy();
}

async function appOn(proxy: StallingProxy, overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig(stack.env(t.databaseUrl, { S3_ENDPOINT: proxy.url, ...SHORT_S3_LIMITS, ...overrides }));
  const app = buildApp(config, { logStream: discard() });
  await app.ready();
  return app;
}

describe('storage that accepts connections and never answers', () => {
  let blackhole: StallingProxy;
  let app: FastifyInstance;
  beforeAll(async () => {
    blackhole = await startStallingProxy();
    app = await appOn(blackhole);
  });
  afterAll(async () => {
    await app?.close();
    await blackhole?.close();
  });

  it('GET /products/:id/image answers 503 storage-unavailable with Retry-After once the deadline passes', async () => {
    const id = await insertProduct(t.databaseUrl, 'HANG-GET', `products/x/${'a'.repeat(8)}.png`);
    const response = await app.inject({ method: 'GET', url: `/products/${id}/image` });
    expectOutage(response, '5');
    expect(response.json()).toMatchObject({ type: 'urn:shopops:problem:storage-unavailable', status: 503 });
    expect(response.body).not.toContain(blackhole.url);
  });

  it('PUT /products/:id/image answers 503 and links nothing', async () => {
    const id = await insertProduct(t.databaseUrl, 'HANG-PUT');
    const response = await app.inject({
      method: 'PUT',
      url: `/products/${id}/image`,
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'image/png' },
      payload: PNG_BYTES,
    });
    expectOutage(response, '5');
    expect(await imageKeyOf(t.databaseUrl, id)).toBeNull();
  });

  it('/readyz reports the storage check failed, within its own timeout', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks.storage).toMatchObject({ ok: false });
  });
});

describe('storage that stalls during an upload and answers again later', () => {
  it('the upload is aborted at the deadline and nothing is stored once S3 answers again', async () => {
    const { hostname, port } = new URL(stack.s3.endpoint);
    const proxy = await startStallingProxy({ host: hostname, port: Number(port) });
    const app = await appOn(proxy);
    try {
      const id = await insertProduct(t.databaseUrl, 'STALL-PUT');
      proxy.stall();
      const response = await app.inject({
        method: 'PUT',
        url: `/products/${id}/image`,
        headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'image/png' },
        payload: PNG_BYTES,
      });
      expectOutage(response, '5');
      // S3 gets everything it was sent, late: the aborted request must not become an object.
      proxy.release();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await keysOf(id)).toEqual([]);
      expect(await imageKeyOf(t.databaseUrl, id)).toBeNull();
    } finally {
      await app.close();
      await proxy.close();
    }
  });
});

describe('a full pool', () => {
  it('answers 503 pool-exhausted with Retry-After after DATABASE_POOL_WAIT_MS, not 500 after seconds', async () => {
    const config = loadConfig(stack.env(t.databaseUrl, { DATABASE_POOL_MAX: '1', DATABASE_POOL_WAIT_MS: '200' }));
    const app = buildApp(config, { logStream: discard() });
    await app.ready();
    // The one connection is busy (a long transaction, a slow query): nothing else gets one.
    const held = await app.api.db.pool.connect();
    try {
      const response = await app.inject({ method: 'GET', url: '/products' });
      expectOutage(response, '1');
      expect(response.json()).toMatchObject({ type: 'urn:shopops:problem:pool-exhausted', status: 503 });
    } finally {
      held.release();
      await app.close();
    }
    expect(config.database.poolWaitMs).toBe(200);
  });
});

// Last: stops and restarts the cluster the other tests share.
describe('the database going away', () => {
  it('answers 503 database-unavailable over HTTP; the lost idle connection is logged without the pg client', async () => {
    const logs = captureLogs();
    let api: RunningApi | undefined;
    try {
      api = await startApi({ env: stack.env(t.databaseUrl), port: 0, logStream: logs });
      // An idle pooled connection, which the server's shutdown then terminates.
      expect((await fetch(`${api.url}/products`)).status).toBe(200);
      await stack.pg.stopServer();
      const lost = () => logs.entries().find((e) => e.msg === 'idle database connection lost');
      await expect.poll(lost, { timeout: 10_000, interval: 50 }).toBeDefined();
      const entry = lost()!;
      expect(entry).toMatchObject({ level: 'warn', code: '57P01' });
      expect(Object.keys(entry).sort()).toEqual(['code', 'level', 'msg', 'reason', 'service', 'time'].sort());
      expect(JSON.stringify(entry)).not.toMatch(/secretKey|processID|_connecting|connectionParameters/);

      const response = await fetch(`${api.url}/products`);
      expectOutage(response, '5');
      expect(await response.json()).toMatchObject({ type: 'urn:shopops:problem:database-unavailable' });
    } finally {
      await stack.pg.startServer();
      await api?.close();
    }
  });
});
