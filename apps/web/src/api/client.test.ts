import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_URL, aProduct, anOrder, json, problem, stubApi } from '../testing/api-stub.ts';
import { ApiError } from './api-error.ts';
import { createApiClient } from './client.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

const client = (timeoutMs = 2000) => createApiClient({ baseUrl: `${API_URL}/`, timeoutMs });

describe('createApiClient', () => {
  it('lists products with limit and offset, and parses the page', async () => {
    const api = stubApi().on('GET', '/products?limit=12&offset=24', json({ items: [aProduct()], total: 25 }));
    await expect(client().listProducts({ limit: 12, offset: 24 })).resolves.toEqual({
      items: [aProduct()],
      total: 25,
    });
    expect(api.requests[0]?.url).toBe(`${API_URL}/products?limit=12&offset=24`);
    expect(api.requests[0]?.headers.get('accept')).toContain('application/problem+json');
  });

  it('drops fields it does not know, so the API can add some', async () => {
    stubApi().on('GET', '/products/1', json({ ...aProduct(), createdAt: '2026-01-01', weightGrams: 300 }));
    await expect(client().getProduct(1)).resolves.toEqual(aProduct());
  });

  it('posts an order as JSON', async () => {
    const api = stubApi().on('POST', '/orders', json(anOrder(), 201));
    const order = await client().createOrder({
      customerEmail: 'ana@example.com',
      items: [{ productId: 1, quantity: 2 }],
    });
    expect(order.id).toBe(anOrder().id);
    expect(api.requests[0]?.body).toEqual({ customerEmail: 'ana@example.com', items: [{ productId: 1, quantity: 2 }] });
    expect(api.requests[0]?.headers.get('content-type')).toBe('application/json');
  });

  it('starts a sandbox payment and posts the outcome to the checkout URL it returns', async () => {
    const checkoutUrl = `${API_URL}/payments/sandbox/pay_1/checkout`;
    const api = stubApi()
      .on(
        'POST',
        `/orders/${anOrder().id}/payments`,
        json(
          {
            id: 'pay_1',
            orderId: anOrder().id,
            provider: 'sandbox',
            status: 'started',
            amountCents: 25980,
            currency: 'CLP',
            checkoutUrl,
          },
          201,
        ),
      )
      .on('POST', '/payments/sandbox/pay_1/checkout', new Response(null, { status: 204 }));
    const payment = await client().startPayment(anOrder().id, 'sandbox');
    await client().completeSandboxCheckout(payment.checkoutUrl, 'paid');
    expect(api.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', `${API_URL}/orders/${anOrder().id}/payments`, { provider: 'sandbox' }],
      ['POST', checkoutUrl, { outcome: 'paid' }],
    ]);
  });

  it('turns a problem+json answer into an ApiError that carries the problem', async () => {
    stubApi().on('GET', '/products/99', problem(404, 'Not Found', 'No product 99'));
    const error = await client()
      .getProduct(99)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      kind: 'http',
      status: 404,
      problem: { title: 'Not Found', detail: 'No product 99' },
    });
  });

  it('reads a 503 from /readyz as an answer, not a failure', async () => {
    const body = {
      status: 'unavailable',
      checks: {
        database: { ok: false, latencyMs: 2001, error: 'timeout' },
        migrations: { ok: true, latencyMs: 3 },
      },
    };
    stubApi().on('GET', '/readyz', json(body, 503));
    await expect(client().getReadiness()).resolves.toEqual({ httpStatus: 503, readiness: body });
  });

  it('rejects a response of the wrong shape, naming the field', async () => {
    stubApi().on('GET', '/version', json({ version: '1.2.3', commit: 42 }));
    await expect(client().getVersion()).rejects.toMatchObject({
      kind: 'invalid-response',
      message: expect.stringMatching(/^Unexpected response from GET http:\/\/api\.test\/version at commit: /),
    });
  });

  it('says which API it cannot reach when the network fails', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(client().getVersion()).rejects.toMatchObject({
      kind: 'network',
      message: 'Cannot reach the API at http://api.test (Failed to fetch)',
    });
  });

  it('gives up after the timeout', async () => {
    stubApi().on('GET', '/version', (_request, signal) => {
      return new Promise<Response>((_resolve, reject) =>
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    });
    await expect(client(30).getVersion()).rejects.toMatchObject({
      kind: 'timeout',
      message: 'GET http://api.test/version took longer than 0.03 s',
    });
  });

  it('passes the caller’s cancellation through unchanged', async () => {
    stubApi().on('GET', '/version', (_request, signal) => {
      return new Promise<Response>((_resolve, reject) =>
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    });
    const controller = new AbortController();
    const pending = client().getVersion({ signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
