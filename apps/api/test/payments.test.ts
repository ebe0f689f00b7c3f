import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowSignature } from '../src/payments/providers/flow.ts';
import { signBody, type Order, type PaymentStart } from '../src/index.ts';
import { createProduct, placeOrder } from './support/catalogue.ts';
import { metricValue, startFakeProvider } from './support/fake-provider.ts';
import { buildTestApp, SANDBOX_SECRET, startTestStack, type TestApp, type TestStack } from './support/stack.ts';

let stack: TestStack;
let t: TestApp;
let provider: Awaited<ReturnType<typeof startFakeProvider>>;

const WEBPAY_SECRET = 'webpay-webhook-secret';
const FLOW_SECRET = 'flow-secret-key';
const MP_SECRET = 'mp-webhook-secret';

beforeAll(async () => {
  [stack, provider] = await Promise.all([startTestStack(), startFakeProvider()]);
  t = await buildTestApp(stack, {
    PAYMENT_WEBPAY_API_URL: provider.url,
    PAYMENT_WEBPAY_COMMERCE_CODE: '597055555532',
    PAYMENT_WEBPAY_API_KEY: 'webpay-api-key',
    PAYMENT_WEBPAY_WEBHOOK_SECRET: WEBPAY_SECRET,
    PAYMENT_FLOW_API_URL: `${provider.url}/flow`,
    PAYMENT_FLOW_API_KEY: 'flow-api-key',
    PAYMENT_FLOW_SECRET_KEY: FLOW_SECRET,
    PAYMENT_MP_API_URL: `${provider.url}/mp`,
    PAYMENT_MP_ACCESS_TOKEN: 'mp-access-token',
    PAYMENT_MP_WEBHOOK_SECRET: MP_SECRET,
  });
});
afterAll(async () => {
  await t?.app.close();
  await Promise.all([stack?.stop(), provider?.close()]);
});

let skuCounter = 0;
async function pendingOrder(priceCents = 12990): Promise<Order> {
  const product = await createProduct(t.app, t.adminToken, {
    sku: `PAY-${++skuCounter}`,
    name: 'Thing',
    priceCents,
    stock: 100,
  });
  const response = await placeOrder(t.app, [{ productId: product.id, quantity: 1 }]);
  return response.json<Order>();
}

async function startPayment(orderId: string, providerName: string) {
  return t.app.inject({ method: 'POST', url: `/orders/${orderId}/payments`, payload: { provider: providerName } });
}

async function getOrder(id: string): Promise<Order> {
  return (await t.app.inject({ method: 'GET', url: `/orders/${id}` })).json<Order>();
}

async function metrics(): Promise<string> {
  return (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
}

function webhook(providerName: string, header: string, secret: string, body: unknown) {
  const raw = JSON.stringify(body);
  return t.app.inject({
    method: 'POST',
    url: `/payments/${providerName}/webhook`,
    headers: { 'content-type': 'application/json', [header]: signBody(secret, raw) },
    payload: raw,
  });
}

describe('sandbox payments', () => {
  it('start → checkout paid → the order is paid', async () => {
    const order = await pendingOrder();
    const before = await metrics();
    const started = await startPayment(order.id, 'sandbox');
    expect(started.statusCode, started.body).toBe(201);
    const payment = started.json<PaymentStart>();
    expect(payment).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      orderId: order.id,
      provider: 'sandbox',
      status: 'started',
      amountCents: 12990,
      currency: 'CLP',
      checkoutUrl: `http://127.0.0.1:8080/payments/sandbox/checkout/${payment.id}`,
    });

    const checkout = await t.app.inject({
      method: 'POST',
      url: new URL(payment.checkoutUrl).pathname,
      payload: { outcome: 'paid' },
    });
    expect(checkout.statusCode, checkout.body).toBe(200);
    expect(checkout.json()).toEqual({
      paymentId: payment.id,
      orderId: order.id,
      status: 'paid',
      orderStatus: 'paid',
      changed: true,
    });

    const paid = await getOrder(order.id);
    expect(paid.status).toBe('paid');
    expect(paid.payments).toEqual([
      {
        id: payment.id,
        provider: 'sandbox',
        status: 'paid',
        amountCents: 12990,
        currency: 'CLP',
        createdAt: expect.any(String),
      },
    ]);
    const after = await metrics();
    const series = (name: string) => `${name}{provider="sandbox"}`;
    expect(
      metricValue(after, series('payments_started_total')) - metricValue(before, series('payments_started_total')),
    ).toBe(1);
    expect(metricValue(after, series('payments_paid_total')) - metricValue(before, series('payments_paid_total'))).toBe(
      1,
    );

    const again = await startPayment(order.id, 'sandbox');
    expect(again.statusCode).toBe(409);
  });

  it('a failed payment fails the order, and a new payment can still pay it', async () => {
    const order = await pendingOrder();
    const first = (await startPayment(order.id, 'sandbox')).json<PaymentStart>();
    const failed = await t.app.inject({
      method: 'POST',
      url: `/payments/sandbox/checkout/${first.id}`,
      payload: { outcome: 'failed', reason: 'card declined' },
    });
    expect(failed.json()).toMatchObject({ status: 'failed', orderStatus: 'failed', changed: true });
    expect((await getOrder(order.id)).status).toBe('failed');

    const second = (await startPayment(order.id, 'sandbox')).json<PaymentStart>();
    await t.app.inject({
      method: 'POST',
      url: `/payments/sandbox/checkout/${second.id}`,
      payload: { outcome: 'paid' },
    });
    const paid = await getOrder(order.id);
    expect(paid.status).toBe('paid');
    expect(paid.payments.map((p) => p.status)).toEqual(['failed', 'paid']);
  });

  it('serves a checkout page whose form posts back and redirects to the storefront', async () => {
    const order = await pendingOrder();
    const payment = (await startPayment(order.id, 'sandbox')).json<PaymentStart>();
    const page = await t.app.inject({ method: 'GET', url: `/payments/sandbox/checkout/${payment.id}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain(`<form method="post" action="/payments/sandbox/checkout/${payment.id}">`);
    const form = await t.app.inject({
      method: 'POST',
      url: `/payments/sandbox/checkout/${payment.id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'outcome=paid',
    });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe(`http://127.0.0.1:5173/orders/${order.id}`);
    expect((await getOrder(order.id)).status).toBe('paid');
  });

  it('answers checkout requests for unknown payments and bad outcomes', async () => {
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/payments/sandbox/checkout/00000000-0000-4000-8000-000000000000',
      payload: { outcome: 'paid' },
    });
    expect(unknown.statusCode).toBe(404);
    const order = await pendingOrder();
    const payment = (await startPayment(order.id, 'sandbox')).json<PaymentStart>();
    const bad = await t.app.inject({
      method: 'POST',
      url: `/payments/sandbox/checkout/${payment.id}`,
      payload: { outcome: 'maybe' },
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('webhooks', () => {
  it('are idempotent: a repeated webhook changes nothing and counts once', async () => {
    const order = await pendingOrder();
    const payment = (await startPayment(order.id, 'sandbox')).json<PaymentStart>();
    const before = metricValue(await metrics(), 'payments_paid_total{provider="sandbox"}');
    const body = { paymentId: payment.id, outcome: 'paid' };
    const first = await webhook('sandbox', 'sandbox-signature', SANDBOX_SECRET, body);
    const second = await webhook('sandbox', 'sandbox-signature', SANDBOX_SECRET, body);
    expect(first.json()).toMatchObject({ status: 'paid', changed: true });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ status: 'paid', changed: false });
    // A late contradicting webhook does not undo a settled payment either.
    const contradiction = await webhook('sandbox', 'sandbox-signature', SANDBOX_SECRET, {
      paymentId: payment.id,
      outcome: 'failed',
    });
    expect(contradiction.json()).toMatchObject({ status: 'paid', orderStatus: 'paid', changed: false });
    expect(metricValue(await metrics(), 'payments_paid_total{provider="sandbox"}') - before).toBe(1);
  });

  it('refuse a missing, wrong or stale signature with 401 and change nothing', async () => {
    const order = await pendingOrder();
    const payment = (await startPayment(order.id, 'sandbox')).json<PaymentStart>();
    const raw = JSON.stringify({ paymentId: payment.id, outcome: 'paid' });
    const attempts = [
      {},
      { 'sandbox-signature': 'sha256=' + '0'.repeat(64) },
      { 'sandbox-signature': signBody('another-secret', raw) },
      { 'sandbox-signature': signBody(SANDBOX_SECRET, raw.replace('paid', 'paid ')) },
      { 'sandbox-signature': 'not-even-the-format' },
    ];
    for (const headers of attempts) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/payments/sandbox/webhook',
        headers: { 'content-type': 'application/json', ...headers },
        payload: raw,
      });
      expect(response.statusCode, JSON.stringify(headers)).toBe(401);
      expect(response.json()).toMatchObject({ type: 'urn:shopops:problem:bad-signature', status: 401 });
    }
    expect((await getOrder(order.id)).status).toBe('pending');
  });

  it('answer 400 to signed bodies that are not the provider format, 404 to unknown providers and payments', async () => {
    const notJson = 'payment=1';
    const response = await t.app.inject({
      method: 'POST',
      url: '/payments/sandbox/webhook',
      headers: { 'content-type': 'text/plain', 'sandbox-signature': signBody(SANDBOX_SECRET, notJson) },
      payload: notJson,
    });
    expect(response.statusCode).toBe(400);
    const wrongShape = await webhook('sandbox', 'sandbox-signature', SANDBOX_SECRET, { payment: 'x' });
    expect(wrongShape.statusCode).toBe(400);
    const unknownPayment = await webhook('sandbox', 'sandbox-signature', SANDBOX_SECRET, {
      paymentId: '00000000-0000-4000-8000-000000000000',
      outcome: 'paid',
    });
    expect(unknownPayment.statusCode).toBe(404);
    const unknownProvider = await webhook('paypal', 'x-signature', 'x', {});
    expect(unknownProvider.statusCode).toBe(404);
  });
});

describe('payment switches and validation', () => {
  it('answers 503 while payments are off in the feature_flags table, and works again once on', async () => {
    const order = await pendingOrder();
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      await client.query(`update feature_flags set enabled = false where key = 'payments'`);
      const off = await startPayment(order.id, 'sandbox');
      expect(off.statusCode).toBe(503);
      expect(off.json()).toMatchObject({
        type: 'urn:shopops:problem:unavailable',
        detail: 'payments are switched off for now; try again later',
      });
      await client.query(`update feature_flags set enabled = true where key = 'payments'`);
      expect((await startPayment(order.id, 'sandbox')).statusCode).toBe(201);
    } finally {
      await client.end();
    }
  });

  it('answers 503 when FEATURE_PAYMENTS=false, whatever the table says', async () => {
    const off = await buildTestApp(stack, { FEATURE_PAYMENTS: 'false' });
    try {
      const product = await createProduct(off.app, off.adminToken, {
        sku: 'OFF-1',
        name: 'Off',
        priceCents: 1,
        stock: 1,
      });
      const order = (await placeOrder(off.app, [{ productId: product.id, quantity: 1 }])).json<Order>();
      const response = await off.app.inject({
        method: 'POST',
        url: `/orders/${order.id}/payments`,
        payload: { provider: 'sandbox' },
      });
      expect(response.statusCode).toBe(503);
    } finally {
      await off.app.close();
    }
  });

  it('validates the provider and the order', async () => {
    const order = await pendingOrder();
    const unknown = await startPayment(order.id, 'paypal');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].path).toBe('body.provider');
    const missingOrder = await startPayment('00000000-0000-4000-8000-000000000000', 'sandbox');
    expect(missingOrder.statusCode).toBe(404);
  });

  it('answers 422 for a provider that is not configured here', async () => {
    const bare = await buildTestApp(stack, { PAYMENT_SANDBOX_ENABLED: 'false' });
    try {
      const product = await createProduct(bare.app, bare.adminToken, {
        sku: 'NOPROV',
        name: 'x',
        priceCents: 1,
        stock: 1,
      });
      const order = (await placeOrder(bare.app, [{ productId: product.id, quantity: 1 }])).json<Order>();
      const response = await bare.app.inject({
        method: 'POST',
        url: `/orders/${order.id}/payments`,
        payload: { provider: 'sandbox' },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().detail).toBe('provider sandbox is not available here; available: none');
      const checkout = await bare.app.inject({
        method: 'POST',
        url: '/payments/sandbox/checkout/x',
        payload: { outcome: 'paid' },
      });
      expect(checkout.statusCode).toBe(404);
    } finally {
      await bare.app.close();
    }
  });
});

describe('real providers (their APIs played by a server on loopback)', () => {
  it('webpay: creates a transaction with the commerce headers; an AUTHORIZED webhook pays', async () => {
    provider.answer('/rswebpaytransaction/api/webpay/v1.2/transactions', 200, {
      token: 'tbk-token-1',
      url: 'https://webpay3gint.transbank.cl/webpayserver/initTransaction',
    });
    const order = await pendingOrder(15000);
    const started = await startPayment(order.id, 'webpay');
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json<PaymentStart>().checkoutUrl).toBe(
      'https://webpay3gint.transbank.cl/webpayserver/initTransaction?token_ws=tbk-token-1',
    );
    const request = provider.requests.at(-1)!;
    expect(request.headers['tbk-api-key-id']).toBe('597055555532');
    expect(request.headers['tbk-api-key-secret']).toBe('webpay-api-key');
    expect(JSON.parse(request.body)).toEqual({
      buy_order: started.json<PaymentStart>().id.replaceAll('-', '').slice(0, 26),
      session_id: order.id,
      amount: 15000,
      return_url: `http://127.0.0.1:5173/orders/${order.id}`,
    });
    const paid = await webhook('webpay', 'webpay-signature', WEBPAY_SECRET, {
      token: 'tbk-token-1',
      status: 'AUTHORIZED',
    });
    expect(paid.json()).toMatchObject({ status: 'paid', orderStatus: 'paid' });
  });

  it('flow: signs the create call with the secret key; a rejected webhook fails the payment', async () => {
    provider.answer('/flow/payment/create', 200, {
      url: 'https://sandbox.flow.cl/app/web/pay.php',
      token: 'flow-token-1',
      flowOrder: 77,
    });
    const order = await pendingOrder(5000);
    const started = await startPayment(order.id, 'flow');
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json<PaymentStart>().checkoutUrl).toBe('https://sandbox.flow.cl/app/web/pay.php?token=flow-token-1');
    const params = Object.fromEntries(new URLSearchParams(provider.requests.at(-1)!.body));
    const { s, ...signed } = params;
    expect(s).toBe(flowSignature(FLOW_SECRET, signed));
    expect(signed).toMatchObject({
      apiKey: 'flow-api-key',
      commerceOrder: started.json<PaymentStart>().id,
      amount: '5000',
      currency: 'CLP',
      urlConfirmation: 'http://127.0.0.1:8080/payments/flow/webhook',
    });
    const before = metricValue(await metrics(), 'payments_failed_total{provider="flow"}');
    const rejected = await webhook('flow', 'flow-signature', FLOW_SECRET, { token: 'flow-token-1', status: 3 });
    expect(rejected.json()).toMatchObject({ status: 'failed', orderStatus: 'failed', changed: true });
    expect(metricValue(await metrics(), 'payments_failed_total{provider="flow"}') - before).toBe(1);
    const pendingStatus = await webhook('flow', 'flow-signature', FLOW_SECRET, { token: 'flow-token-1', status: 1 });
    expect(pendingStatus.json()).toMatchObject({ changed: false });
  });

  it('mercadopago: creates a preference with the access token; an approved webhook pays by external_reference', async () => {
    provider.answer('/mp/checkout/preferences', 201, {
      id: 'pref-1',
      init_point: 'https://www.mercadopago.cl/checkout/v1/redirect?pref_id=pref-1',
    });
    const order = await pendingOrder(9990);
    const started = await startPayment(order.id, 'mercadopago');
    expect(started.statusCode, started.body).toBe(201);
    const payment = started.json<PaymentStart>();
    expect(payment.checkoutUrl).toBe('https://www.mercadopago.cl/checkout/v1/redirect?pref_id=pref-1');
    const request = provider.requests.at(-1)!;
    expect(request.headers.authorization).toBe('Bearer mp-access-token');
    expect(JSON.parse(request.body)).toMatchObject({
      external_reference: payment.id,
      items: [{ unit_price: 9990, currency_id: 'CLP' }],
    });
    const approved = await webhook('mercadopago', 'x-signature', MP_SECRET, {
      external_reference: payment.id,
      status: 'approved',
    });
    expect(approved.json()).toMatchObject({ paymentId: payment.id, status: 'paid', orderStatus: 'paid' });
  });

  it('a provider that fails its start call gets 502; the payment is recorded failed and counted', async () => {
    provider.answer('/rswebpaytransaction/api/webpay/v1.2/transactions', 500, { error: 'internal' });
    const order = await pendingOrder();
    const before = metricValue(await metrics(), 'payments_failed_total{provider="webpay"}');
    const response = await startPayment(order.id, 'webpay');
    expect(response.statusCode).toBe(502);
    expect(response.json().detail).toContain('could not start the payment');
    expect(JSON.stringify(response.json())).not.toContain('webpay-api-key');
    const recorded = await getOrder(order.id);
    expect(recorded.payments.map((p) => p.status)).toEqual(['failed']);
    expect(recorded.status).toBe('pending');
    expect(metricValue(await metrics(), 'payments_failed_total{provider="webpay"}') - before).toBe(1);
  });
});
