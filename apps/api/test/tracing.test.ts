import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAdminToken, type Order, type Product } from '../src/index.ts';
import { startChildApi } from './support/child-api.ts';
import { startFakeProvider } from './support/fake-provider.ts';
import { startCollector } from './support/otlp-collector.ts';
import { JWT_SECRET, PNG_BYTES, startTestStack, type TestStack } from './support/stack.ts';

const SERVER = 2;
const CLIENT = 3;
const STATUS_ERROR = 2;

let stack: TestStack;
let collector: Awaited<ReturnType<typeof startCollector>>;
let provider: Awaited<ReturnType<typeof startFakeProvider>>;

beforeAll(async () => {
  [stack, collector, provider] = await Promise.all([startTestStack(), startCollector(), startFakeProvider()]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), collector?.close(), provider?.close()]);
});

describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('exports server spans named by route, pg spans and outgoing HTTP spans, in the trace of the request', async () => {
    const databaseUrl = await stack.migratedDatabase();
    provider.answer('/flow/payment/create', 200, { url: 'https://sandbox.flow.cl/app/web/pay.php', token: 'tok-1' });
    const api = await startChildApi(
      stack.env(databaseUrl, {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_SERVICE_NAME: 'api-under-test',
        PAYMENT_FLOW_API_URL: `${provider.url}/flow`,
        PAYMENT_FLOW_API_KEY: 'flow-key',
        PAYMENT_FLOW_SECRET_KEY: 'flow-secret',
      }),
    );
    const admin = { authorization: `Bearer ${await signAdminToken(JWT_SECRET)}` };

    const incomingTrace = '0af7651916cd43dd8448eb211c80319c';
    const created = await fetch(`${api.url}/products`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json', traceparent: `00-${incomingTrace}-b7ad6b7169203331-01` },
      body: JSON.stringify({ sku: 'TR-1', name: 'Traced', priceCents: 100, stock: 5 }),
    });
    expect(created.headers.get('x-trace-id')).toBe(incomingTrace);
    const product = (await created.json()) as Product;

    const upload = await fetch(`${api.url}/products/${product.id}/image`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'image/png' },
      body: PNG_BYTES,
    });
    expect(upload.status).toBe(200);
    const uploadTrace = upload.headers.get('x-trace-id')!;

    const order = (await (
      await fetch(`${api.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerEmail: 't@example.com', items: [{ productId: product.id, quantity: 1 }] }),
      })
    ).json()) as Order;
    const payment = await fetch(`${api.url}/orders/${order.id}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'flow' }),
    });
    expect(payment.status).toBe(201);
    const paymentTrace = payment.headers.get('x-trace-id')!;
    // Probes and scrapes make no span, even with every trace sampled; their answer still has a trace id.
    const probe = await fetch(`${api.url}/readyz`);
    const probeTrace = probe.headers.get('x-trace-id')!;
    expect(probeTrace).toMatch(/^[0-9a-f]{32}$/);

    api.process.kill('SIGTERM');
    expect((await api.process).exitCode).toBe(0);
    const spans = collector.spans;
    expect(collector.contentTypes.every((type) => type === 'application/x-protobuf')).toBe(true);

    // The incoming traceparent is continued: server span, named by the route template, and the queries under it.
    const createSpan = spans.find((s) => s.kind === SERVER && s.traceId === incomingTrace);
    expect(createSpan).toMatchObject({ name: 'POST /products', parentSpanId: 'b7ad6b7169203331' });
    expect(createSpan!.attributes['http.route']).toBe('/products');
    const createQueries = spans.filter(
      (s) => s.traceId === incomingTrace && s.scope === '@opentelemetry/instrumentation-pg',
    );
    expect(createQueries.length).toBeGreaterThan(0);
    expect(
      createQueries.some(
        (s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql',
      ),
    ).toBe(true);

    // The image upload's S3 call is an outgoing HTTP span in the upload's trace.
    const uploadServer = spans.find((s) => s.kind === SERVER && s.traceId === uploadTrace);
    expect(uploadServer?.name).toBe('PUT /products/:id/image');
    const s3Call = spans.find(
      (s) => s.kind === CLIENT && s.traceId === uploadTrace && s.scope === '@opentelemetry/instrumentation-http',
    );
    expect(s3Call?.name).toBe('PUT');

    // The payment provider's API is called with fetch: an undici client span in the payment's trace.
    const providerCall = spans.find(
      (s) => s.kind === CLIENT && s.traceId === paymentTrace && s.scope === '@opentelemetry/instrumentation-undici',
    );
    expect(providerCall?.name).toBe('POST');
    expect(spans.find((s) => s.kind === SERVER && s.traceId === paymentTrace)?.name).toBe('POST /orders/:id/payments');
    expect(spans.filter((s) => s.traceId === probeTrace)).toEqual([]);
    expect(spans.some((s) => s.attributes['url.path'] === '/readyz')).toBe(false);
  });

  it('at a ratio of 0 keeps only the server spans of failed requests, with route, status and the trace id of the log line', async () => {
    collector.spans.length = 0;
    const databaseUrl = await stack.migratedDatabase();
    const api = await startChildApi(
      stack.env(databaseUrl, {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0',
        TRACES_SLOW_REQUEST_MS: '60000',
      }),
    );
    const ok = await fetch(`${api.url}/products`);
    expect(ok.status).toBe(200);
    await fetch(`${api.url}/metrics`).then((r) => r.text());
    await fetch(`${api.url}/readyz`).then((r) => r.text());
    await stack.pg.stopServer();
    let failed: Response;
    try {
      failed = await fetch(`${api.url}/products/1`);
    } finally {
      await stack.pg.startServer();
    }
    // A database outage answers 503 (with Retry-After): still a failed request whose span is kept.
    expect(failed.status).toBe(503);
    const failedTrace = failed.headers.get('x-trace-id')!;
    const logLine = await api.waitForLog((e) => e.msg === 'request completed' && e.status === 503);

    api.process.kill('SIGTERM');
    expect((await api.process).exitCode).toBe(0);
    const spans = collector.spans;
    // One span: the failed request's, alone (its unsampled children were never recorded).
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      kind: SERVER,
      name: 'GET /products/:id',
      traceId: failedTrace,
      statusCode: STATUS_ERROR,
    });
    expect(spans[0]!.attributes['http.route']).toBe('/products/:id');
    expect(spans[0]!.attributes['http.response.status_code'] ?? spans[0]!.attributes['http.status_code']).toBe(503);
    expect(logLine.traceId).toBe(failedTrace);
    expect(ok.headers.get('x-trace-id')).not.toBe(failedTrace);
  });
});
