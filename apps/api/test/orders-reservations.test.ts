import { query } from '@shopops/testing';
import { ApiMetrics } from '@shopops/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../src/db.ts';
import { ReservationSweeper } from '../src/domain/reservation-sweeper.ts';
import { signBody, type Order, type PaymentStart, type Product } from '../src/index.ts';
import { createProduct, placeOrder } from './support/catalogue.ts';
import { metricValue } from './support/fake-provider.ts';
import {
  buildTestApp,
  captureLogs,
  SANDBOX_SECRET,
  startTestStack,
  type TestApp,
  type TestStack,
} from './support/stack.ts';

const TTL_MS = 30 * 60_000;

let stack: TestStack;
let t: TestApp;
/** Connections of other API instances: each sweeper gets its own pool, as each instance has its own. */
const pools: Database[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  t = await buildTestApp(stack);
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  await t?.app.close();
  await stack?.stop();
});

/** A sweeper as another API instance runs it: its own pool and metrics, against the same database. */
function otherInstanceSweeper(): { sweeper: ReservationSweeper; metrics: ApiMetrics } {
  const db = createDatabase({ url: t.databaseUrl, poolMax: 4 });
  pools.push(db);
  const metrics = new ApiMetrics({ defaultMetrics: false });
  return { sweeper: new ReservationSweeper({ db, ttlMs: TTL_MS, metrics, log: t.app.log, batchSize: 7 }), metrics };
}

/** A moment after every reservation placed so far has run out, without waiting for it. */
function afterTtl(): Date {
  return new Date(Date.now() + TTL_MS + 60_000);
}

async function stockOf(id: number): Promise<number> {
  return (await t.app.inject({ method: 'GET', url: `/products/${id}` })).json<Product>().stock;
}

async function counter(metrics: ApiMetrics, name: 'reservationsExpired' | 'stockReturned'): Promise<number> {
  const { values } = await metrics[name].get();
  return values.reduce((sum, value) => sum + value.value, 0);
}

let sku = 0;
async function product(stock: number): Promise<Product> {
  return createProduct(t.app, t.adminToken, { sku: `RES-${++sku}`, name: 'Reserved', priceCents: 1000, stock });
}

async function order(productId: number, quantity: number): Promise<Order> {
  const response = await placeOrder(t.app, [{ productId, quantity }]);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Order>();
}

describe('order reservations', () => {
  it('expire after the TTL: the order is marked expired and its stock returned, not before', async () => {
    const tea = await product(10);
    const placed = await order(tea.id, 3);
    const { sweeper, metrics } = otherInstanceSweeper();
    expect(await sweeper.sweep(new Date(Date.parse(placed.reservedUntil!) - 1_000))).toBe(0);
    expect(await stockOf(tea.id)).toBe(7);

    expect(await sweeper.sweep(afterTtl())).toBeGreaterThanOrEqual(1);
    const expired = (await t.app.inject({ method: 'GET', url: `/orders/${placed.id}` })).json<Order>();
    expect(expired).toMatchObject({ status: 'expired', reservedUntil: null });
    expect(await stockOf(tea.id)).toBe(10);
    expect(await counter(metrics, 'reservationsExpired')).toBeGreaterThanOrEqual(1);
    // An expired order is not paid any more, and sweeping again returns nothing twice.
    const pay = await t.app.inject({
      method: 'POST',
      url: `/orders/${placed.id}/payments`,
      payload: { provider: 'sandbox' },
    });
    expect(pay.statusCode).toBe(409);
    expect(await sweeper.sweep(afterTtl())).toBe(0);
    expect(await stockOf(tea.id)).toBe(10);
  });

  it('two instances sweeping at once return every reservation exactly once', async () => {
    const products = await Promise.all([product(1000), product(1000), product(1000)]);
    const orders: Order[] = [];
    for (let i = 0; i < 30; i++) orders.push(await order(products[i % 3]!.id, 1 + (i % 4)));
    const units = orders.reduce((sum, o) => sum + o.items[0]!.quantity, 0);

    const a = otherInstanceSweeper();
    const b = otherInstanceSweeper();
    const now = afterTtl();
    const [byA, byB] = await Promise.all([a.sweeper.sweep(now), b.sweeper.sweep(now)]);
    expect(byA + byB).toBe(30);
    expect((await counter(a.metrics, 'reservationsExpired')) + (await counter(b.metrics, 'reservationsExpired'))).toBe(
      30,
    );
    expect((await counter(a.metrics, 'stockReturned')) + (await counter(b.metrics, 'stockReturned'))).toBe(units);
    for (const p of products) expect(await stockOf(p.id)).toBe(1000);
    const statuses = await query<{ status: string; n: number }>(
      t.databaseUrl,
      'select status, count(*)::int as n from orders where id = any($1::uuid[]) group by status',
      [orders.map((o) => o.id)],
    );
    expect(statuses).toEqual([{ status: 'expired', n: 30 }]);
  });

  it('an expiry racing a failing payment returns the stock once', async () => {
    const scarce = await product(500);
    const placed: { order: Order; payment: PaymentStart }[] = [];
    for (let i = 0; i < 12; i++) {
      const o = await order(scarce.id, 5);
      const started = await t.app.inject({
        method: 'POST',
        url: `/orders/${o.id}/payments`,
        payload: { provider: 'sandbox' },
      });
      expect(started.statusCode, started.body).toBe(201);
      placed.push({ order: o, payment: started.json<PaymentStart>() });
    }
    expect(await stockOf(scarce.id)).toBe(500 - 12 * 5);

    const { sweeper } = otherInstanceSweeper();
    const failures = placed.map(({ payment }) => {
      const body = JSON.stringify({ paymentId: payment.id, outcome: 'failed', reason: 'card declined' });
      return t.app.inject({
        method: 'POST',
        url: '/payments/sandbox/webhook',
        headers: { 'content-type': 'application/json', 'sandbox-signature': signBody(SANDBOX_SECRET, body) },
        payload: body,
      });
    });
    const [swept, ...answers] = await Promise.all([sweeper.sweep(afterTtl()), ...failures]);
    for (const answer of answers) expect(answer.statusCode, answer.body).toBe(200);

    expect(await stockOf(scarce.id)).toBe(500);
    const rows = await query<{ status: string; stock_reserved: boolean }>(
      t.databaseUrl,
      'select status, stock_reserved from orders where id = any($1::uuid[])',
      [placed.map(({ order: o }) => o.id)],
    );
    expect(rows.every((row) => !row.stock_reserved && ['expired', 'failed'].includes(row.status))).toBe(true);
    // Whichever came first for an order took it; the expired ones are the sweeper's.
    expect(rows.filter((row) => row.status === 'expired')).toHaveLength(swept);
  });

  it('runs in the background from start-up with a short TTL, and stops with the app', async () => {
    const logs = captureLogs();
    const short = await buildTestApp(stack, { ORDER_RESERVATION_TTL: '1s' }, { logStream: logs });
    try {
      const cup = await createProduct(short.app, short.adminToken, {
        sku: 'BG-CUP',
        name: 'Cup',
        priceCents: 100,
        stock: 4,
      });
      const placed = (await placeOrder(short.app, [{ productId: cup.id, quantity: 3 }])).json<Order>();
      let status = placed.status;
      // Bounded polling: the sweeper runs every 250 ms with this TTL; 20 s is far more than it needs.
      for (let i = 0; i < 200 && status !== 'expired'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await short.app.inject({ method: 'GET', url: `/orders/${placed.id}` })).json<Order>().status;
      }
      expect(status).toBe('expired');
      const stock = (await short.app.inject({ method: 'GET', url: `/products/${cup.id}` })).json<Product>().stock;
      expect(stock).toBe(4);
      const text = (await short.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metricValue(text, 'order_reservations_expired_total')).toBe(1);
      expect(metricValue(text, 'order_stock_returned_units_total{reason="expired"}')).toBe(3);
    } finally {
      await short.app.close();
    }
    const entries = logs.entries();
    expect(entries.some((e) => e.msg === 'order reservations expired, stock returned')).toBe(true);
    // Closing waited for the sweeper: no sweep failed on a closed pool.
    expect(entries.filter((e) => e.msg === 'reservation sweep failed; retrying')).toEqual([]);
  });
});
