import { describe, expect, it } from 'vitest';
import { flowSignature } from '../src/payments/providers/flow.ts';
import type { PaymentStart } from '../src/index.ts';
import { metricValue } from './support/fake-provider.ts';
import {
  FLOW_SECRET,
  MP_SECRET,
  WEBPAY_SECRET,
  getOrder,
  metrics,
  payments,
  pendingOrder,
  startPayment,
  usePaymentsApp,
  webhook,
} from './support/payments.ts';

usePaymentsApp();

describe('real providers (their APIs played by a server on loopback)', () => {
  it('webpay: creates a transaction with the commerce headers; an AUTHORIZED webhook pays', async () => {
    payments.provider.answer('/rswebpaytransaction/api/webpay/v1.2/transactions', 200, {
      token: 'tbk-token-1',
      url: 'https://webpay3gint.transbank.cl/webpayserver/initTransaction',
    });
    const order = await pendingOrder(15000);
    const started = await startPayment(order.id, 'webpay');
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json<PaymentStart>().checkoutUrl).toBe(
      'https://webpay3gint.transbank.cl/webpayserver/initTransaction?token_ws=tbk-token-1',
    );
    const request = payments.provider.requests.at(-1)!;
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
    payments.provider.answer('/flow/payment/create', 200, {
      url: 'https://sandbox.flow.cl/app/web/pay.php',
      token: 'flow-token-1',
      flowOrder: 77,
    });
    const order = await pendingOrder(5000);
    const started = await startPayment(order.id, 'flow');
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json<PaymentStart>().checkoutUrl).toBe('https://sandbox.flow.cl/app/web/pay.php?token=flow-token-1');
    const params = Object.fromEntries(new URLSearchParams(payments.provider.requests.at(-1)!.body));
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
    payments.provider.answer('/mp/checkout/preferences', 201, {
      id: 'pref-1',
      init_point: 'https://www.mercadopago.cl/checkout/v1/redirect?pref_id=pref-1',
    });
    const order = await pendingOrder(9990);
    const started = await startPayment(order.id, 'mercadopago');
    expect(started.statusCode, started.body).toBe(201);
    const payment = started.json<PaymentStart>();
    expect(payment.checkoutUrl).toBe('https://www.mercadopago.cl/checkout/v1/redirect?pref_id=pref-1');
    const request = payments.provider.requests.at(-1)!;
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
    payments.provider.answer('/rswebpaytransaction/api/webpay/v1.2/transactions', 500, { error: 'internal' });
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
