import { query } from '@shopops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, Product } from '../src/index.ts';
import { createProduct, placeOrder } from './support/catalogue.ts';
import { metricValue } from './support/fake-provider.ts';
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

async function metricsText(): Promise<string> {
  return (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
}

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
      reservedUntil: expect.any(String),
      refundDue: null,
      createdAt: expect.any(String),
    });
    // The default ORDER_RESERVATION_TTL: the stock is held for 30 minutes from the order.
    expect(Date.parse(order.reservedUntil!) - Date.parse(order.createdAt)).toBeCloseTo(30 * 60_000, -3);
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

  it('merges the lines of one product and caps them per order (ORDER_MAX_UNITS_PER_PRODUCT)', async () => {
    const bulk = await createProduct(t.app, t.adminToken, {
      sku: 'BULK',
      name: 'Bulk',
      priceCents: 10,
      stock: 100_000,
    });
    const other = await createProduct(t.app, t.adminToken, { sku: 'BULK-2', name: 'Other', priceCents: 10, stock: 50 });
    // The attack: one product on many lines, each under the per-line limit.
    const hoard = await placeOrder(t.app, [
      { productId: other.id, quantity: 1 },
      ...Array.from({ length: 99 }, () => ({ productId: bulk.id, quantity: 1000 })),
    ]);
    expect(hoard.statusCode).toBe(400);
    expect(hoard.headers['content-type']).toContain('application/problem+json');
    expect(hoard.json().errors).toEqual([
      {
        path: 'body.items.1.quantity',
        message: `at most 20 units of product ${bulk.id} per order; the order asks for 99000 over all its lines`,
      },
    ]);
    expect(await stockOf(bulk.id)).toBe(100_000);
    // 12 + 9 = 21 over two lines is over the cap as well; 20 is the most.
    const split = await placeOrder(t.app, [
      { productId: bulk.id, quantity: 12 },
      { productId: bulk.id, quantity: 9 },
    ]);
    expect(split.statusCode).toBe(400);
    expect(split.json().errors[0].path).toBe('body.items.0.quantity');
    const atCap = await placeOrder(t.app, [
      { productId: bulk.id, quantity: 12 },
      { productId: bulk.id, quantity: 8 },
    ]);
    expect(atCap.statusCode, atCap.body).toBe(201);
    expect(await stockOf(bulk.id)).toBe(100_000 - 20);
  });

  it('lets the customer cancel a pending order: the stock comes back at once, exactly once', async () => {
    const lamp = await createProduct(t.app, t.adminToken, { sku: 'LAMP', name: 'Lamp', priceCents: 900, stock: 6 });
    const order = (await placeOrder(t.app, [{ productId: lamp.id, quantity: 4 }])).json<Order>();
    expect(await stockOf(lamp.id)).toBe(2);
    const before = metricValue(await metricsText(), 'order_stock_returned_units_total{reason="cancelled"}');
    const cancels = await Promise.all(
      [1, 2, 3].map(() => t.app.inject({ method: 'POST', url: `/orders/${order.id}/cancel` })),
    );
    for (const cancel of cancels) {
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect(cancel.headers['cache-control']).toBe('no-store');
      expect(cancel.json()).toMatchObject({ id: order.id, status: 'cancelled', reservedUntil: null });
    }
    expect(await stockOf(lamp.id)).toBe(6);
    const after = metricValue(await metricsText(), 'order_stock_returned_units_total{reason="cancelled"}');
    expect(after - before).toBe(4);
    // A cancelled order is not paid any more.
    const pay = await t.app.inject({
      method: 'POST',
      url: `/orders/${order.id}/payments`,
      payload: { provider: 'sandbox' },
    });
    expect(pay.statusCode).toBe(409);
    expect(pay.json().detail).toContain('place a new order');
  });

  it('refuses to cancel paid orders (409) and answers 404 for unknown ones', async () => {
    const mug = await createProduct(t.app, t.adminToken, { sku: 'MUG', name: 'Mug', priceCents: 500, stock: 3 });
    const order = (await placeOrder(t.app, [{ productId: mug.id, quantity: 1 }])).json<Order>();
    await query(t.databaseUrl, `update orders set status = 'paid' where id = $1`, [order.id]);
    const paid = await t.app.inject({ method: 'POST', url: `/orders/${order.id}/cancel` });
    expect(paid.statusCode).toBe(409);
    expect(paid.headers['content-type']).toContain('application/problem+json');
    expect(paid.json().detail).toContain('refunded, not cancelled');
    expect(await stockOf(mug.id)).toBe(2);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const unknown = await t.app.inject({ method: 'POST', url: `/orders/${id}/cancel` });
      expect(unknown.statusCode, id).toBe(404);
    }
  });
});
