import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct } from './support/catalogue.ts';
import { startRedis, type TestRedis } from './support/redis.ts';
import { buildTestApp, PNG_BYTES, startTestStack, type TestApp, type TestStack } from './support/stack.ts';

let stack: TestStack;
let t: TestApp;
let redis: TestRedis;

beforeAll(async () => {
  [stack, redis] = await Promise.all([startTestStack(), startRedis()]);
  t = await buildTestApp(stack, { BODY_LIMIT_BYTES: '2048' });
});
afterAll(async () => {
  await t?.app.close();
  await Promise.all([stack?.stop(), redis?.stop()]);
});

describe('security headers', () => {
  it('are on every response', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age='),
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'cross-origin-resource-policy': 'cross-origin',
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

describe('CORS', () => {
  it('allows the configured storefront origins and exposes the trace header', async () => {
    for (const origin of ['http://127.0.0.1:5173', 'http://localhost:5173']) {
      const response = await t.app.inject({ method: 'GET', url: '/products', headers: { origin } });
      expect(response.headers['access-control-allow-origin']).toBe(origin);
      expect(String(response.headers['access-control-expose-headers'])).toContain('x-trace-id');
    }
  });

  it('answers preflights for the allowed methods and headers', async () => {
    const response = await t.app.inject({
      method: 'OPTIONS',
      url: '/orders',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,traceparent',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(response.headers['access-control-allow-headers'])).toContain('traceparent');
  });

  it('gives other origins nothing', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/products',
      headers: { origin: 'https://evil.example.com' },
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('body size limit', () => {
  it('refuses a JSON body over BODY_LIMIT_BYTES with a 413 problem', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/orders',
      payload: { customerEmail: 'a@example.com', items: [{ productId: 1, quantity: 1 }], padding: 'x'.repeat(4096) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ type: 'urn:shopops:problem:payload-too-large', status: 413 });
  });
});

describe('rate limits', () => {
  it('limit each client per scope in memory, answering 429 problems; probes are never limited', async () => {
    const limited = await buildTestApp(stack, { RATE_LIMITS: 'default=5/1m,orders=2/1m' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push((await limited.app.inject({ method: 'GET', url: '/products' })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = await limited.app.inject({ method: 'GET', url: '/products' });
      expect(refused.json()).toMatchObject({ type: 'urn:shopops:problem:rate-limited', status: 429 });
      expect(refused.json().detail).toContain('at most 5 per 1 minute');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

      // Orders have their own, stricter scope.
      const orders: number[] = [];
      for (let i = 0; i < 3; i++) {
        orders.push((await limited.app.inject({ method: 'POST', url: '/orders', payload: {} })).statusCode);
      }
      expect(orders).toEqual([400, 400, 429]);

      for (let i = 0; i < 10; i++) {
        expect((await limited.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      }
      // Another client address has its own budget.
      const other = await limited.app.inject({ method: 'GET', url: '/products', remoteAddress: '10.1.2.3' });
      expect(other.statusCode).toBe(200);
    } finally {
      await limited.app.close();
    }
  });

  it('share their counters through Redis when REDIS_URL is set: two instances, one budget', async () => {
    const env = { RATE_LIMITS: 'default=4/1m', REDIS_URL: redis.url };
    const [a, b] = await Promise.all([buildTestApp(stack, env), buildTestApp(stack, env)]);
    try {
      const statuses: number[] = [];
      for (const app of [a.app, b.app, a.app, b.app, a.app, b.app]) {
        statuses.push((await app.inject({ method: 'GET', url: '/products', remoteAddress: '10.9.9.9' })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await Promise.all([a.app.close(), b.app.close()]);
    }
  });

  it('let requests through while Redis is unreachable', async () => {
    const down = await buildTestApp(stack, { RATE_LIMITS: 'default=1/1m', REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      for (let i = 0; i < 3; i++)
        expect((await down.app.inject({ method: 'GET', url: '/products' })).statusCode).toBe(200);
    } finally {
      await down.app.close();
    }
  });

  it('count a scope once across all its routes, in memory and through Redis', async () => {
    for (const env of [{ RATE_LIMITS: 'admin=4/1m' }, { RATE_LIMITS: 'admin=4/1m', REDIS_URL: redis.url }]) {
      const limited = await buildTestApp(stack, env);
      try {
        const headers = { authorization: `Bearer ${limited.adminToken}` };
        const created = await limited.app.inject({
          method: 'POST',
          url: '/products',
          headers,
          payload: { sku: 'SCOPE-1', name: 'x', priceCents: 1 },
        });
        expect(created.statusCode).toBe(201);
        const { id } = created.json<{ id: number }>();
        const requests = [
          { method: 'PATCH' as const, url: `/products/${id}`, payload: { stock: 1 } },
          {
            method: 'PUT' as const,
            url: `/products/${id}/image`,
            payload: PNG_BYTES,
            headers: { 'content-type': 'image/png' },
          },
          { method: 'DELETE' as const, url: `/products/${id}` },
          { method: 'PATCH' as const, url: `/products/${id}`, payload: { stock: 2 } },
        ];
        const statuses: number[] = [];
        for (const { headers: extra, ...request } of requests)
          statuses.push((await limited.app.inject({ ...request, headers: { ...headers, ...extra } })).statusCode);
        // Four admin requests on four routes, then the scope's budget is spent.
        expect(statuses, JSON.stringify(env)).toEqual([200, 200, 204, 429]);
      } finally {
        await limited.app.close();
      }
    }
  });

  it('limit requests for unknown paths too: they share the notfound scope, else the default one', async () => {
    for (const redisUrl of [undefined, redis.url]) {
      const own = await buildTestApp(stack, { RATE_LIMITS: 'default=100/1m,notfound=3/1m', REDIS_URL: redisUrl });
      const shared = await buildTestApp(stack, { RATE_LIMITS: 'default=3/1m', REDIS_URL: redisUrl });
      try {
        const probes = ['/.env', '/wp-login.php', '/admin', '/.git/config'];
        const statuses: number[] = [];
        for (const url of probes) statuses.push((await own.app.inject({ method: 'GET', url })).statusCode);
        expect(statuses, `redis ${redisUrl}`).toEqual([404, 404, 404, 429]);
        const refused = await own.app.inject({ method: 'POST', url: '/nowhere' });
        expect(refused.statusCode).toBe(429);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(refused.json()).toMatchObject({ type: 'urn:shopops:problem:rate-limited', status: 429 });
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        // The routes' own budget is untouched.
        expect((await own.app.inject({ method: 'GET', url: '/products' })).statusCode).toBe(200);

        // Without a notfound entry, unknown paths spend the default budget.
        const mixed: number[] = [];
        for (const url of ['/nope', '/products', '/nope', '/products'])
          mixed.push((await shared.app.inject({ method: 'GET', url, remoteAddress: '10.4.4.4' })).statusCode);
        expect(mixed, `redis ${redisUrl}`).toEqual([404, 200, 404, 429]);
      } finally {
        await Promise.all([own.app.close(), shared.app.close()]);
      }
    }
  });

  it('by default give unknown paths a budget of their own, smaller than the routes’ one', async () => {
    const defaults = await buildTestApp(stack, { RATE_LIMITS: undefined });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 121; i++)
        statuses.push((await defaults.app.inject({ method: 'GET', url: `/scan-${i}` })).statusCode);
      expect(statuses.filter((s) => s === 404)).toHaveLength(120);
      expect(statuses.at(-1)).toBe(429);
      expect((await defaults.app.inject({ method: 'GET', url: '/products' })).statusCode).toBe(200);
    } finally {
      await defaults.app.close();
    }
  });

  it('apply to admin routes by their own scope', async () => {
    const limited = await buildTestApp(stack, { RATE_LIMITS: 'admin=2/1m' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await limited.app.inject({
          method: 'POST',
          url: '/products',
          headers: { authorization: `Bearer ${limited.adminToken}` },
          payload: { sku: `RL-${i}`, name: 'x', priceCents: 1 },
        });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([201, 201, 429]);
      // No default scope: the public catalogue is unlimited.
      for (let i = 0; i < 5; i++)
        expect((await limited.app.inject({ method: 'GET', url: '/products' })).statusCode).toBe(200);
      await createProduct(t.app, t.adminToken, { sku: 'RL-OTHER', name: 'unaffected app', priceCents: 1 });
    } finally {
      await limited.app.close();
    }
  });
});
