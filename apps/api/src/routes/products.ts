import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sqlState } from '../db.ts';
import { isIsoCurrency } from '../domain/currencies.ts';
import { toProduct } from '../domain/products.ts';
import { problem } from '../problems.ts';
import { canonicalId, parseInput, queryInteger } from '../validation.ts';

const listQuery = z.object({
  limit: queryInteger(1, 100).default(20),
  offset: queryInteger(0, 1_000_000).default(0),
});

const sku = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');

const productFields = {
  sku,
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000),
  priceCents: z.number().int().min(0).max(2_000_000_000),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code, e.g. CLP')
    .refine(isIsoCurrency, 'not an ISO 4217 currency code in use, e.g. CLP, USD or EUR'),
  stock: z.number().int().min(0).max(2_000_000_000),
  active: z.boolean(),
};

const newProduct = z.strictObject({
  ...productFields,
  description: productFields.description.default(''),
  currency: productFields.currency.default('CLP'),
  stock: productFields.stock.default(0),
  active: productFields.active.default(true),
});

const productChanges = z
  .strictObject({
    sku: productFields.sku.optional(),
    name: productFields.name.optional(),
    description: productFields.description.optional(),
    priceCents: productFields.priceCents.optional(),
    currency: productFields.currency.optional(),
    stock: productFields.stock.optional(),
    active: productFields.active.optional(),
  })
  .refine((changes) => Object.values(changes).some((v) => v !== undefined), 'give at least one field to change');

/** Path ids that are not positive integers in canonical decimal name no product: 404, like any other missing one. */
export function productId(params: unknown): number {
  const raw = (params as { id?: unknown }).id;
  const id = canonicalId(raw);
  if (id === undefined) throw problem.notFound(`no product ${JSON.stringify(raw)}`);
  return id;
}

/** The catalogue: public reads of active products, admin writes. */
export async function productRoutes(app: FastifyInstance): Promise<void> {
  const { products, auth, urls } = app.api;
  // onRequest: the token is checked before any body is read (preHandler runs after parsing).
  const admin = { onRequest: auth.requireAdmin, config: app.api.rateLimit('admin') };

  app.get('/products', async (request) => {
    const { limit, offset } = parseInput(listQuery, request.query, 'query');
    const { rows, total } = await products.listActive(limit, offset);
    const base = urls.publicBaseUrl();
    return { items: rows.map((row) => toProduct(row, base)), total };
  });

  app.get('/products/:id', async (request) => {
    const id = productId(request.params);
    const row = await products.get(id);
    // Inactive products are gone for shoppers, still there for admins.
    if (!row || (!row.active && !(await auth.isAdmin(request)))) throw problem.notFound(`no product ${id}`);
    return toProduct(row, urls.publicBaseUrl());
  });

  app.post('/products', admin, async (request, reply) => {
    const body = parseInput(newProduct, request.body, 'body');
    try {
      const row = await products.create(body);
      reply.code(201).header('location', `/products/${row.id}`);
      return toProduct(row, urls.publicBaseUrl());
    } catch (error) {
      if (sqlState(error) === '23505') throw problem.conflict(`a product with sku ${body.sku} exists already`);
      throw error;
    }
  });

  app.patch('/products/:id', admin, async (request) => {
    const id = productId(request.params);
    const changes = parseInput(productChanges, request.body, 'body');
    try {
      const row = await products.update(id, changes);
      if (!row) throw problem.notFound(`no product ${id}`);
      return toProduct(row, urls.publicBaseUrl());
    } catch (error) {
      if (sqlState(error) === '23505') throw problem.conflict(`a product with sku ${changes.sku} exists already`);
      throw error;
    }
  });

  app.delete('/products/:id', admin, async (request, reply) => {
    const id = productId(request.params);
    if (!(await products.deactivate(id))) throw problem.notFound(`no product ${id}`);
    return reply.code(204).send();
  });
}
