import { query } from '@shopops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, Product } from '../src/index.ts';
import { createProduct, placeOrder } from './support/catalogue.ts';
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

async function stockOf(id: number): Promise<number> {
  const response = await t.app.inject({ method: 'GET', url: `/products/${id}` });
  return response.json<Product>().stock;
}

describe('orders', () => {
  it('places an order priced from the database, taking stock, and reads it back', async () => {
    const tea = await createProduct(t.app, t.adminToken, { sku: 'TEA', name: 'Tea', priceCents: 3500, stock: 10 });
    const cup = await createProduct(t.app, t.adminToken, { sku: 'CUP', name: 'Cup', priceCents: 2000, stock: 4 });
    const response = await placeOrder(t.app, [
      { productId: tea.id, quantity: 2 },
      { productId: cup.id, quantity: 1 },
      { productId: tea.id, quantity: 1 },
    ]);
    expect(response.statusCode, response.body).toBe(201);
    const order = response.json<Order>();
    expect(order).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'pending',
      customerEmail: 'ana@example.com',
      totalCents: 3 * 3500 + 2000,
      currency: 'CLP',
      items: [
        { productId: tea.id, name: 'Tea', quantity: 3, unitPriceCents: 3500 },
        { productId: cup.id, name: 'Cup', quantity: 1, unitPriceCents: 2000 },
      ],
      payments: [],
      createdAt: expect.any(String),
    });
    expect(response.headers.location).toBe(`/orders/${order.id}`);
    expect(await stockOf(tea.id)).toBe(7);
    expect(await stockOf(cup.id)).toBe(3);
    const read = await t.app.inject({ method: 'GET', url: `/orders/${order.id}` });
    expect(read.json()).toEqual(order);
    // A customer's order is never stored by a browser or a shared cache.
    expect(read.headers['cache-control']).toBe('no-store');
  });

  it('refuses more than the stock with 409 and takes nothing', async () => {
    const a = await createProduct(t.app, t.adminToken, { sku: 'STK-A', name: 'A', priceCents: 100, stock: 5 });
    const b = await createProduct(t.app, t.adminToken, { sku: 'STK-B', name: 'B', priceCents: 100, stock: 1 });
    const response = await placeOrder(t.app, [
      { productId: a.id, quantity: 2 },
      { productId: b.id, quantity: 2 },
    ]);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      status: 409,
      errors: [{ path: 'body.items.1.quantity', message: `only 1 of product ${b.id} in stock` }],
    });
    expect(await stockOf(a.id)).toBe(5);
    expect(await stockOf(b.id)).toBe(1);
  });

  it('sells the last units once under concurrent orders', async () => {
    const scarce = await createProduct(t.app, t.adminToken, {
      sku: 'SCARCE',
      name: 'Scarce',
      priceCents: 100,
      stock: 5,
    });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        placeOrder(t.app, [{ productId: scarce.id, quantity: 1 }], `c${i}@example.com`),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    expect(await stockOf(scarce.id)).toBe(0);
  });

  it('refuses missing and inactive products, and mixed currencies, with 422', async () => {
    const gone = await createProduct(t.app, t.adminToken, { sku: 'GONE', name: 'Gone', priceCents: 100, stock: 5 });
    await t.app.inject({
      method: 'DELETE',
      url: `/products/${gone.id}`,
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    const missing = await placeOrder(t.app, [
      { productId: gone.id, quantity: 1 },
      { productId: 424242, quantity: 1 },
    ]);
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors.map((e: { path: string }) => e.path)).toEqual([
      'body.items.0.productId',
      'body.items.1.productId',
    ]);

    const clp = await createProduct(t.app, t.adminToken, {
      sku: 'CLP-1',
      name: 'Peso thing',
      priceCents: 100,
      stock: 5,
    });
    const usd = await createProduct(t.app, t.adminToken, {
      sku: 'USD-1',
      name: 'Dollar thing',
      priceCents: 100,
      stock: 5,
      currency: 'USD',
    });
    const mixed = await placeOrder(t.app, [
      { productId: clp.id, quantity: 1 },
      { productId: usd.id, quantity: 1 },
    ]);
    expect(mixed.statusCode).toBe(422);
    expect(mixed.json().detail).toContain('one currency');
    expect(await stockOf(clp.id)).toBe(5);
  });

  it('validates the order body, and never takes prices from the client', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/orders',
      payload: { customerEmail: 'not-an-email', items: [{ productId: 1, quantity: 0, unitPriceCents: 1 }] },
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.customerEmail', 'body.items.0.quantity', 'body.items.0']));
    const empty = await t.app.inject({
      method: 'POST',
      url: '/orders',
      payload: { customerEmail: 'a@example.com', items: [] },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0]).toEqual({ path: 'body.items', message: 'an order needs at least one item' });
    const noBody = await t.app.inject({ method: 'POST', url: '/orders' });
    expect(noBody.statusCode).toBe(400);
  });

  it('answers 404 for unknown and malformed order ids', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope', '1']) {
      const response = await t.app.inject({ method: 'GET', url: `/orders/${id}` });
      expect(response.statusCode, id).toBe(404);
    }
  });

  it('commits the order, its items and the stock in one transaction', async () => {
    const thing = await createProduct(t.app, t.adminToken, { sku: 'TX-1', name: 'Thing', priceCents: 700, stock: 3 });
    const order = (await placeOrder(t.app, [{ productId: thing.id, quantity: 3 }])).json<Order>();
    const rows = await query(
      t.databaseUrl,
      `select o.total_cents, i.quantity, i.unit_price_cents, p.stock
       from orders o join order_items i on i.order_id = o.id join products p on p.id = i.product_id where o.id = $1`,
      [order.id],
    );
    expect(rows).toEqual([{ total_cents: 2100, quantity: 3, unit_price_cents: 700, stock: 0 }]);
  });
});
