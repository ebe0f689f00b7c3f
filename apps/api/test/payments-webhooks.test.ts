import { describe, expect, it } from 'vitest';
import { signBody, type PaymentStart } from '../src/index.ts';
import { metricValue } from './support/fake-provider.ts';
import {
  getOrder,
  metrics,
  payments,
  pendingOrder,
  startPayment,
  usePaymentsApp,
  webhook,
} from './support/payments.ts';
import { SANDBOX_SECRET } from './support/stack.ts';

usePaymentsApp();

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
      const response = await payments.t.app.inject({
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
    const response = await payments.t.app.inject({
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
