import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Order } from '../src/index.ts';
import { createProduct, placeOrder } from './support/catalogue.ts';
import { payments, pendingOrder, startPayment, usePaymentsApp } from './support/payments.ts';
import { buildTestApp } from './support/stack.ts';

usePaymentsApp();

describe('payment switches and validation', () => {
  it('answers 503 while payments are off in the feature_flags table, and works again once on', async () => {
    const order = await pendingOrder();
    const client = new pg.Client({ connectionString: payments.t.databaseUrl });
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
    const off = await buildTestApp(payments.stack, { FEATURE_PAYMENTS: 'false' });
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
    const bare = await buildTestApp(payments.stack, { PAYMENT_SANDBOX_ENABLED: 'false' });
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
