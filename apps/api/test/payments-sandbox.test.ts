import { describe, expect, it } from 'vitest';
import type { PaymentStart } from '../src/index.ts';
import { metricValue } from './support/fake-provider.ts';
import { getOrder, metrics, payments, pendingOrder, startPayment, usePaymentsApp } from './support/payments.ts';

usePaymentsApp();

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

    const checkout = await payments.t.app.inject({
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
        duplicateCharge: false,
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
    const failed = await payments.t.app.inject({
      method: 'POST',
      url: `/payments/sandbox/checkout/${first.id}`,
      payload: { outcome: 'failed', reason: 'card declined' },
    });
    expect(failed.json()).toMatchObject({ status: 'failed', orderStatus: 'failed', changed: true });
    expect((await getOrder(order.id)).status).toBe('failed');

    const second = (await startPayment(order.id, 'sandbox')).json<PaymentStart>();
    await payments.t.app.inject({
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
    const page = await payments.t.app.inject({ method: 'GET', url: `/payments/sandbox/checkout/${payment.id}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain(`<form method="post" action="/payments/sandbox/checkout/${payment.id}">`);
    const form = await payments.t.app.inject({
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
    const unknown = await payments.t.app.inject({
      method: 'POST',
      url: '/payments/sandbox/checkout/00000000-0000-4000-8000-000000000000',
      payload: { outcome: 'paid' },
    });
    expect(unknown.statusCode).toBe(404);
    const order = await pendingOrder();
    const payment = (await startPayment(order.id, 'sandbox')).json<PaymentStart>();
    const bad = await payments.t.app.inject({
      method: 'POST',
      url: `/payments/sandbox/checkout/${payment.id}`,
      payload: { outcome: 'maybe' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
