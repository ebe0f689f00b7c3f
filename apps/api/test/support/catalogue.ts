import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Product } from '../../src/index.ts';

export interface ProductInput {
  sku: string;
  name: string;
  priceCents: number;
  stock?: number;
  currency?: string;
  description?: string;
  active?: boolean;
}

/** Creates a product through the admin API (as an admin would). */
export async function createProduct(app: FastifyInstance, token: string, input: ProductInput): Promise<Product> {
  const response = await app.inject({
    method: 'POST',
    url: '/products',
    headers: { authorization: `Bearer ${token}` },
    payload: input,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Product>();
}

export async function placeOrder(
  app: FastifyInstance,
  items: { productId: number; quantity: number }[],
  customerEmail = 'ana@example.com',
) {
  return app.inject({ method: 'POST', url: '/orders', payload: { customerEmail, items } });
}
