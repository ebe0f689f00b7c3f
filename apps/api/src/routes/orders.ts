import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { problem } from '../problems.ts';
import { parseInput } from '../validation.ts';

const orderRequest = z.strictObject({
  customerEmail: z.email().max(254),
  items: z
    .array(
      z.strictObject({
        productId: z.number().int().positive(),
        quantity: z.number().int().min(1).max(1000),
      }),
    )
    .min(1, 'an order needs at least one item')
    .max(100),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids that are not UUIDs name no order: 404, without asking the database. */
export function orderId(params: unknown): string {
  const id = String((params as { id?: string }).id);
  if (!UUID.test(id)) throw problem.notFound(`no order ${id}`);
  return id.toLowerCase();
}

export async function orderRoutes(app: FastifyInstance): Promise<void> {
  const { db, orders } = app.api;

  app.post('/orders', { config: app.api.rateLimit('orders') }, async (request, reply) => {
    const body = parseInput(orderRequest, request.body, 'body');
    const id = await db.transaction((tx) => orders.create(tx, body));
    const order = await orders.get(db, id);
    reply.code(201).header('location', `/orders/${id}`);
    return order;
  });

  app.get('/orders/:id', async (request, reply) => {
    const id = orderId(request.params);
    const order = await orders.get(db, id);
    if (!order) throw problem.notFound(`no order ${id}`);
    // A customer's order (address, totals, payment state): never kept by a browser or a shared cache.
    reply.header('cache-control', 'no-store');
    return order;
  });

  // Whoever holds the order's id (the unguessable UUID the order was created with, as for reading or paying
  // it) may cancel it: the same capability, no account needed.
  app.post('/orders/:id/cancel', { config: app.api.rateLimit('orders') }, async (request, reply) => {
    const id = orderId(request.params);
    await orders.cancel(db, id);
    reply.header('cache-control', 'no-store');
    return orders.get(db, id);
  });
}
