import { randomBytes } from 'node:crypto';
import { query } from '@shopops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db.ts';
import { ReservationSweeper } from '../src/domain/reservation-sweeper.ts';
import { signBody, type Order, type PaymentStart, type Product } from '../src/index.ts';
import { createProduct, placeOrder } from './support/catalogue.ts';
import { metricValue, startFakeProvider } from './support/fake-provider.ts';
import {
  buildTestApp,
  captureLogs,
  SANDBOX_SECRET,
  startTestStack,
  type TestApp,
  type TestStack,
} from './support/stack.ts';

const WEBPAY_API_KEY = 'webpay-api-key-that-the-provider-echoes';

let stack: TestStack;
let provider: Awaited<ReturnType<typeof startFakeProvider>>;
let t: TestApp;
const logs = captureLogs();

beforeAll(async () => {
  [stack, provider] = await Promise.all([startTestStack(), startFakeProvider()]);
  t = await buildTestApp(
    stack,
    {
      PAYMENT_WEBPAY_API_URL: provider.url,
      PAYMENT_WEBPAY_COMMERCE_CODE: '597055555532',
      PAYMENT_WEBPAY_API_KEY: WEBPAY_API_KEY,
      PAYMENT_WEBPAY_WEBHOOK_SECRET: randomBytes(24).toString('hex'),
    },
    { logStream: logs },
  );
});
afterAll(async () => {
  await t?.app.close();
  await Promise.all([stack?.stop(), provider?.close()]);
});

let sku = 0;
async function product(stock: number): Promise<Product> {
  return createProduct(t.app, t.adminToken, { sku: `PIP-${++sku}`, name: 'Thing', priceCents: 5000, stock });
}

async function pendingOrder(productId: number, quantity = 1): Promise<Order> {
  const response = await placeOrder(t.app, [{ productId, quantity }]);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Order>();
}

function start(orderId: string, providerName = 'sandbox') {
  return t.app.inject({ method: 'POST', url: `/orders/${orderId}/payments`, payload: { provider: providerName } });
}

async function started(orderId: string): Promise<PaymentStart> {
  const response = await start(orderId);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<PaymentStart>();
}

function sandboxWebhook(paymentId: string, outcome: 'paid' | 'failed', reason?: string) {
  const body = JSON.stringify({ paymentId, outcome, ...(reason ? { reason } : {}) });
  return t.app.inject({
    method: 'POST',
    url: '/payments/sandbox/webhook',
    headers: { 'content-type': 'application/json', 'sandbox-signature': signBody(SANDBOX_SECRET, body) },
    payload: body,
  });
}

async function getOrder(id: string): Promise<Order> {
  return (await t.app.inject({ method: 'GET', url: `/orders/${id}` })).json<Order>();
}

async function stockOf(id: number): Promise<number> {
  return (await t.app.inject({ method: 'GET', url: `/products/${id}` })).json<Product>().stock;
}

async function metric(series: string): Promise<number> {
  return metricValue((await t.app.inject({ method: 'GET', url: '/metrics' })).body, series);
}

describe('one payment in progress per order', () => {
  it('answers a second start while one is started with 409 naming it, also when the starts race', async () => {
    const thing = await product(10);
    const order = await pendingOrder(thing.id);
    const first = await started(order.id);
    const second = await start(order.id);
    expect(second.statusCode).toBe(409);
    expect(second.headers['content-type']).toContain('application/problem+json');
    expect(second.json().detail).toContain(`payment ${first.id} (sandbox) in progress`);

    const racing = await pendingOrder(thing.id);
    const answers = await Promise.all(Array.from({ length: 8 }, () => start(racing.id)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect((await getOrder(racing.id)).payments.map((p) => p.status)).toEqual(['started']);
  });

  it('a failed payment returns the stock at once; the next payment takes it again, or 409 once it is sold', async () => {
    const lamp = await product(5);
    const order = await pendingOrder(lamp.id, 4);
    const before = await metric('order_stock_returned_units_total{reason="payment_failed"}');
    const first = await started(order.id);
    const failed = await sandboxWebhook(first.id, 'failed', 'card declined');
    expect(failed.json()).toMatchObject({ status: 'failed', orderStatus: 'failed', changed: true });
    expect(await stockOf(lamp.id)).toBe(5);
    expect(await metric('order_stock_returned_units_total{reason="payment_failed"}')).toBe(before + 4);
    // A replayed failure returns nothing more.
    await sandboxWebhook(first.id, 'failed', 'card declined');
    expect(await stockOf(lamp.id)).toBe(5);

    await started(order.id);
    expect(await stockOf(lamp.id)).toBe(1);
    expect((await getOrder(order.id)).status).toBe('pending');

    // Failed again, and meanwhile someone else bought the stock: this order cannot be paid any more.
    const second = (await getOrder(order.id)).payments[1]!;
    await sandboxWebhook(second.id, 'failed');
    await pendingOrder(lamp.id, 3);
    const third = await start(order.id);
    expect(third.statusCode).toBe(409);
    expect(third.json().detail).toContain(`product ${lamp.id}: 2 of 4 left`);
    expect(await stockOf(lamp.id)).toBe(2);
  });
});

describe('cancelling with a payment in progress', () => {
  it('returns the stock once, whatever the payment reports afterwards', async () => {
    const pot = await product(6);
    const order = await pendingOrder(pot.id, 5);
    const payment = await started(order.id);
    const [cancel, failed] = await Promise.all([
      t.app.inject({ method: 'POST', url: `/orders/${order.id}/cancel` }),
      sandboxWebhook(payment.id, 'failed', 'abandoned'),
    ]);
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(failed.statusCode, failed.body).toBe(200);
    expect(await stockOf(pot.id)).toBe(6);
    expect((await getOrder(order.id)).status).toBe('cancelled');
  });
});

describe('duplicate charges and late payments', () => {
  it('records a second paid payment of a paid order as a duplicate charge: flagged, counted, logged at error', async () => {
    const cup = await product(10);
    const order = await pendingOrder(cup.id, 2);
    // The provider reported the first attempt failed, the customer paid with a second one, then the provider
    // settled the first one after all: two charges for one order.
    const first = await started(order.id);
    await sandboxWebhook(first.id, 'failed', 'timeout at the bank');
    const second = await started(order.id);
    expect((await sandboxWebhook(second.id, 'paid')).json()).toMatchObject({ orderStatus: 'paid', changed: true });
    const series = 'payments_refunds_due_total{provider="sandbox",reason="duplicate_charge"}';
    const before = await metric(series);

    const late = await sandboxWebhook(first.id, 'paid');
    expect(late.statusCode).toBe(200);
    expect(late.json()).toMatchObject({ paymentId: first.id, status: 'paid', orderStatus: 'paid', changed: true });
    const flagged = await getOrder(order.id);
    expect(flagged.refundDue).toBe('duplicate_charge');
    expect(flagged.payments.map((p) => [p.id, p.status, p.duplicateCharge])).toEqual([
      [first.id, 'paid', true],
      [second.id, 'paid', false],
    ]);
    expect(await metric(series)).toBe(before + 1);
    const alarm = logs.entries().find((e) => e.paymentId === first.id && e.level === 'error');
    expect(alarm).toMatchObject({ orderId: order.id, refundDue: 'duplicate_charge', provider: 'sandbox' });
    expect(String(alarm!.msg)).toContain('refund');
    // Logged on the webhook request's logger: the line carries the traceId the provider was answered with.
    expect(alarm!.traceId).toBe(late.headers['x-trace-id']);
    // Replayed, it is not counted again, and the stock was taken once.
    expect((await sandboxWebhook(first.id, 'paid')).json()).toMatchObject({ changed: false });
    expect(await metric(series)).toBe(before + 1);
    expect(await stockOf(cup.id)).toBe(8);
  });

  it('a payment settling after the reservation expired takes the stock again, or is flagged for a refund', async () => {
    const vase = await product(3);
    const sweeperDb = createDatabase({ url: t.databaseUrl, poolMax: 2 });
    const sweeper = new ReservationSweeper({ db: sweeperDb, ttlMs: 30 * 60_000, metrics: undefined, log: t.app.log });
    const farFuture = new Date(Date.now() + 24 * 3_600_000);
    try {
      const kept = await pendingOrder(vase.id, 2);
      const keptPayment = await started(kept.id);
      const gone = await pendingOrder(vase.id, 1);
      const gonePayment = await started(gone.id);
      expect(await sweeper.sweep(farFuture)).toBeGreaterThanOrEqual(2);
      expect(await stockOf(vase.id)).toBe(3);

      // Stock still there: the order is paid and its units taken again.
      expect((await sandboxWebhook(keptPayment.id, 'paid')).json()).toMatchObject({ orderStatus: 'paid' });
      expect(await getOrder(kept.id)).toMatchObject({ status: 'paid', refundDue: null });
      expect(await stockOf(vase.id)).toBe(1);

      // Sold to someone else meanwhile: the money goes back.
      await pendingOrder(vase.id, 1);
      const series = 'payments_refunds_due_total{provider="sandbox",reason="out_of_stock"}';
      const before = await metric(series);
      expect((await sandboxWebhook(gonePayment.id, 'paid')).json()).toMatchObject({ orderStatus: 'expired' });
      expect(await getOrder(gone.id)).toMatchObject({ status: 'expired', refundDue: 'out_of_stock' });
      expect(await metric(series)).toBe(before + 1);
      expect(await stockOf(vase.id)).toBe(0);
    } finally {
      await sweeperDb.close();
    }
  });
});

describe('failure_reason', () => {
  it('is scrubbed like the logs: an echoing provider leaves no secret in the database', async () => {
    const thing = await product(10);
    // The provider's error page echoes the request's headers, API key included.
    provider.answer('/rswebpaytransaction/api/webpay/v1.2/transactions', 500, {
      error: `invalid credentials tbk-api-key-secret=${WEBPAY_API_KEY}`,
      auth: 'Bearer abcdefghijklmnop.qrstuvwxyz',
    });
    const order = await pendingOrder(thing.id);
    expect((await start(order.id, 'webpay')).statusCode).toBe(502);
    const viaWebhook = await pendingOrder(thing.id);
    const payment = await started(viaWebhook.id);
    await sandboxWebhook(payment.id, 'failed', `declined; webhook secret was ${SANDBOX_SECRET}`);

    const reasons = await query<{ failure_reason: string }>(
      t.databaseUrl,
      'select failure_reason from payments where order_id = any($1::uuid[]) order by created_at',
      [[order.id, viaWebhook.id]],
    );
    expect(reasons).toHaveLength(2);
    const text = reasons.map((r) => r.failure_reason).join('\n');
    expect(text).toContain('webpay: answered 500');
    expect(text).toContain('declined; webhook secret was ***');
    expect(text).not.toContain(WEBPAY_API_KEY);
    expect(text).not.toContain(SANDBOX_SECRET);
    expect(text).not.toContain('abcdefghijklmnop');
  });
});
