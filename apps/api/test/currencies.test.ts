import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../src/index.ts';
import { createProduct } from './support/catalogue.ts';
import { buildTestApp, startTestStack, type TestApp, type TestStack } from './support/stack.ts';

let stack: TestStack;
let t: TestApp;

beforeAll(async () => {
  stack = await startTestStack();
  t = await buildTestApp(stack);
});
afterAll(async () => {
  await t?.app.close();
  await stack?.stop();
});

function createWithCurrency(sku: string, currency: string) {
  return t.app.inject({
    method: 'POST',
    url: '/products',
    headers: { authorization: `Bearer ${t.adminToken}` },
    payload: { sku, name: 'Priced', priceCents: 100, currency },
  });
}

describe('product currencies', () => {
  it('refuses codes that are not ISO 4217 currencies with 400 naming the field', async () => {
    for (const [index, currency] of ['ZZZ', 'XXX', 'ABC'].entries()) {
      const response = await createWithCurrency(`CUR-BAD-${index}`, currency);
      expect(response.statusCode, currency).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors).toEqual([
        { path: 'body.currency', message: 'not an ISO 4217 currency code in use, e.g. CLP, USD or EUR' },
      ]);
    }
    const malformed = await createWithCurrency('CUR-BAD-LOWER', 'usd');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].path).toBe('body.currency');
  });

  it('refuses them on changes too, and accepts real codes', async () => {
    const product = await createProduct(t.app, t.adminToken, {
      sku: 'CUR-OK',
      name: 'Priced',
      priceCents: 100,
      currency: 'EUR',
    });
    expect(product.currency).toBe('EUR');
    const change = await t.app.inject({
      method: 'PATCH',
      url: `/products/${product.id}`,
      headers: { authorization: `Bearer ${t.adminToken}` },
      payload: { currency: 'ZZZ' },
    });
    expect(change.statusCode).toBe(400);
    expect(change.json().errors[0].path).toBe('body.currency');
    const read = await t.app.inject({ method: 'GET', url: `/products/${product.id}` });
    expect(read.json<Product>().currency).toBe('EUR');
    for (const currency of ['CLP', 'USD', 'JPY']) {
      expect((await createWithCurrency(`CUR-OK-${currency}`, currency)).statusCode, currency).toBe(201);
    }
  });
});
