import { afterAll, beforeAll } from 'vitest';
import { signBody, type Order } from '../../src/index.ts';
import { createProduct, placeOrder } from './catalogue.ts';
import { startFakeProvider } from './fake-provider.ts';
import { buildTestApp, startTestStack, type TestApp, type TestStack } from './stack.ts';

export const WEBPAY_SECRET = 'webpay-webhook-secret';
export const FLOW_SECRET = 'flow-secret-key';
export const MP_SECRET = 'mp-webhook-secret';

/** The app under test in a payments suite: filled in by usePaymentsApp()'s beforeAll. */
export const payments = {} as {
  stack: TestStack;
  t: TestApp;
  provider: Awaited<ReturnType<typeof startFakeProvider>>;
};

/**
 * A test stack and an app whose real providers (Webpay, Flow, Mercado Pago) all talk to a fake
 * provider on loopback; each payments test file starts its own.
 */
export function usePaymentsApp(): void {
  beforeAll(async () => {
    [payments.stack, payments.provider] = await Promise.all([startTestStack(), startFakeProvider()]);
    payments.t = await buildTestApp(payments.stack, {
      PAYMENT_WEBPAY_API_URL: payments.provider.url,
      PAYMENT_WEBPAY_COMMERCE_CODE: '597055555532',
      PAYMENT_WEBPAY_API_KEY: 'webpay-api-key',
      PAYMENT_WEBPAY_WEBHOOK_SECRET: WEBPAY_SECRET,
      PAYMENT_FLOW_API_URL: `${payments.provider.url}/flow`,
      PAYMENT_FLOW_API_KEY: 'flow-api-key',
      PAYMENT_FLOW_SECRET_KEY: FLOW_SECRET,
      PAYMENT_MP_API_URL: `${payments.provider.url}/mp`,
      PAYMENT_MP_ACCESS_TOKEN: 'mp-access-token',
      PAYMENT_MP_WEBHOOK_SECRET: MP_SECRET,
    });
  });
  afterAll(async () => {
    await payments.t?.app.close();
    await Promise.all([payments.stack?.stop(), payments.provider?.close()]);
  });
}

let skuCounter = 0;
export async function pendingOrder(priceCents = 12990): Promise<Order> {
  const product = await createProduct(payments.t.app, payments.t.adminToken, {
    sku: `PAY-${++skuCounter}`,
    name: 'Thing',
    priceCents,
    stock: 100,
  });
  const response = await placeOrder(payments.t.app, [{ productId: product.id, quantity: 1 }]);
  return response.json<Order>();
}

export async function startPayment(orderId: string, providerName: string) {
  return payments.t.app.inject({
    method: 'POST',
    url: `/orders/${orderId}/payments`,
    payload: { provider: providerName },
  });
}

export async function getOrder(id: string): Promise<Order> {
  return (await payments.t.app.inject({ method: 'GET', url: `/orders/${id}` })).json<Order>();
}

export async function metrics(): Promise<string> {
  return (await payments.t.app.inject({ method: 'GET', url: '/metrics' })).body;
}

export function webhook(providerName: string, header: string, secret: string, body: unknown) {
  const raw = JSON.stringify(body);
  return payments.t.app.inject({
    method: 'POST',
    url: `/payments/${providerName}/webhook`,
    headers: { 'content-type': 'application/json', [header]: signBody(secret, raw) },
    payload: raw,
  });
}
