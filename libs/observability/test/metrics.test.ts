import { describe, expect, it } from 'vitest';
import { ApiMetrics, UNMATCHED_ROUTE } from '../src/index.ts';

describe('ApiMetrics', () => {
  it('records requests under method, route template and status, with latency', async () => {
    const metrics = new ApiMetrics({ defaultMetrics: false });
    metrics.observeRequest('GET', '/products/:id', 200, 0.004);
    metrics.observeRequest('GET', '/products/:id', 200, 0.2);
    metrics.observeRequest('GET', '/products/:id', 404, 0.001);
    metrics.observeRequest('BREW', UNMATCHED_ROUTE, 404, 0.001);
    const text = await metrics.render();
    expect(text).toContain('http_requests_total{method="GET",route="/products/:id",status="200"} 2');
    expect(text).toContain('http_requests_total{method="GET",route="/products/:id",status="404"} 1');
    expect(text).toContain('http_requests_total{method="OTHER",route="unmatched",status="404"} 1');
    expect(text).toContain('request_latency_seconds_bucket{le="0.005",method="GET",route="/products/:id"} 2');
    expect(text).toContain('request_latency_seconds_count{method="GET",route="/products/:id"} 3');
  });

  it('records queries by operation and payments by provider', async () => {
    const metrics = new ApiMetrics({ defaultMetrics: false });
    metrics.observeQuery('products_list', 0.002);
    metrics.observeQuery('products_list', 0.003);
    metrics.paymentsStarted.labels('sandbox').inc();
    metrics.paymentsPaid.labels('sandbox').inc();
    metrics.paymentsFailed.labels('flow').inc();
    const text = await metrics.render();
    expect(text).toContain('db_query_seconds_count{operation="products_list"} 2');
    expect(text).toContain('payments_started_total{provider="sandbox"} 1');
    expect(text).toContain('payments_paid_total{provider="sandbox"} 1');
    expect(text).toContain('payments_failed_total{provider="flow"} 1');
  });

  it("adds Node's process metrics unless told not to; each instance has its own registry", async () => {
    const withDefaults = new ApiMetrics();
    const without = new ApiMetrics({ defaultMetrics: false });
    withDefaults.observeRequest('GET', '/a', 200, 0.01);
    expect(await withDefaults.render()).toContain('process_cpu_user_seconds_total');
    const other = await without.render();
    expect(other).not.toContain('process_cpu_user_seconds_total');
    expect(other).not.toContain('route="/a"');
    expect(withDefaults.contentType).toMatch(/^text\/plain/);
  });
});
