import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct, placeOrder } from './support/catalogue.ts';
import { metricValue } from './support/fake-provider.ts';
import { buildTestApp, startTestStack, type TestApp, type TestStack } from './support/stack.ts';

let stack: TestStack;
let t: TestApp;
let text: string;
let contentType: string;

beforeAll(async () => {
  stack = await startTestStack();
  t = await buildTestApp(stack, { APP_VERSION: '1.2.3', GIT_COMMIT: 'abc1234' });
  const a = await createProduct(t.app, t.adminToken, { sku: 'M-1', name: 'One', priceCents: 100, stock: 10 });
  const b = await createProduct(t.app, t.adminToken, { sku: 'M-2', name: 'Two', priceCents: 100, stock: 10 });
  await t.app.inject({ method: 'GET', url: '/products' });
  await t.app.inject({ method: 'GET', url: '/products?limit=1' });
  await t.app.inject({ method: 'GET', url: `/products/${a.id}` });
  await t.app.inject({ method: 'GET', url: `/products/${b.id}` });
  await t.app.inject({ method: 'GET', url: '/products/987654321' });
  await t.app.inject({ method: 'GET', url: '/wp-admin/setup.php' });
  await t.app.inject({ method: 'GET', url: '/products/1/nothing/here' });
  await placeOrder(t.app, [{ productId: a.id, quantity: 1 }]);
  const response = await t.app.inject({ method: 'GET', url: '/metrics' });
  text = response.body;
  contentType = String(response.headers['content-type']);
});
afterAll(async () => {
  await t?.app.close();
  await stack?.stop();
});

describe('GET /metrics', () => {
  it('is Prometheus text', () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts requests by method, route template and status', () => {
    expect(metricValue(text, 'http_requests_total{method="GET",route="/products",status="200"}')).toBe(2);
    expect(metricValue(text, 'http_requests_total{method="GET",route="/products/:id",status="200"}')).toBe(2);
    expect(metricValue(text, 'http_requests_total{method="GET",route="/products/:id",status="404"}')).toBe(1);
    expect(metricValue(text, 'http_requests_total{method="POST",route="/products",status="201"}')).toBe(2);
    expect(metricValue(text, 'http_requests_total{method="POST",route="/orders",status="201"}')).toBe(1);
  });

  it('puts every unmatched path under one fixed route label, never a raw path', () => {
    expect(metricValue(text, 'http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(2);
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]));
    expect([...routes].sort()).toEqual(['/orders', '/products', '/products/:id', 'unmatched']);
    expect(text).not.toContain('wp-admin');
    expect(text).not.toContain('987654321');
  });

  it('has the request latency histogram by method and route', () => {
    expect(text).toContain('# TYPE request_latency_seconds histogram');
    expect(metricValue(text, 'request_latency_seconds_count{method="GET",route="/products/:id"}')).toBe(3);
    expect(metricValue(text, 'request_latency_seconds_bucket{le="+Inf",method="GET",route="/products/:id"}')).toBe(3);
    expect(text).toMatch(/request_latency_seconds_sum\{method="GET",route="\/products\/:id"\} \d/);
  });

  it('has the database query histogram by operation', () => {
    expect(text).toContain('# TYPE db_query_seconds histogram');
    expect(metricValue(text, 'db_query_seconds_count{operation="products_list"}')).toBe(2);
    expect(metricValue(text, 'db_query_seconds_count{operation="products_create"}')).toBe(2);
    expect(metricValue(text, 'db_query_seconds_count{operation="orders_insert"}')).toBe(1);
  });

  it('declares the payment counters by provider', () => {
    for (const name of ['payments_started_total', 'payments_paid_total', 'payments_failed_total']) {
      expect(text).toContain(`# TYPE ${name} counter`);
    }
  });

  it('reports the database pool: open, idle and waiting connections, and its max', () => {
    expect(text).toContain('# TYPE db_pool_connections gauge');
    expect(metricValue(text, 'db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'db_pool_connections{state="waiting"}')).toBe(0);
    expect(text).toMatch(/^db_pool_connections\{state="idle"\} \d+$/m);
    expect(metricValue(text, 'db_pool_max_connections')).toBe(t.config.database.poolMax);
  });

  it('names the running build in app_build_info', () => {
    expect(metricValue(text, `app_build_info{version="1.2.3",commit="abc1234"}`)).toBe(1);
  });

  it('reports each readiness check at scrape time', () => {
    expect(metricValue(text, 'readiness_check_ok{check="database"}')).toBe(1);
    expect(metricValue(text, 'readiness_check_ok{check="migrations"}')).toBe(1);
    expect(metricValue(text, 'readiness_check_ok{check="storage"}')).toBe(1);
    expect(metricValue(text, 'api_ready')).toBe(1);
  });

  it("declares the payment providers' latency histogram", () => {
    expect(text).toContain('# TYPE payment_provider_request_seconds histogram');
  });

  it('keeps the same series however many distinct paths are requested', async () => {
    // The request series: what distinct paths could multiply (Node's own gc/heap series come and go with work).
    const seriesCount = (body: string) =>
      body.split('\n').filter((l) => /^(http_requests_total|request_latency_seconds_\w+)\{/.test(l)).length;
    const probe = async (count: number) => {
      for (let i = 0; i < count; i++) {
        await t.app.inject({ method: 'GET', url: `/random/${Math.random().toString(36).slice(2)}/${i}` });
        await t.app.inject({ method: 'GET', url: `/products/${1_000_000 + i}` });
      }
      return seriesCount((await t.app.inject({ method: 'GET', url: '/metrics' })).body);
    };
    const afterFew = await probe(5);
    expect(afterFew).toBeGreaterThan(0);
    expect(await probe(300)).toBe(afterFew);
  });

  it("includes Node's process metrics", () => {
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
  });
});
