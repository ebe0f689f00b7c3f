import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAdminToken, type Product } from '../src/index.ts';
import { createProduct } from './support/catalogue.ts';
import { buildTestApp, JWT_SECRET, startTestStack, type TestApp, type TestStack } from './support/stack.ts';

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

const auth = () => ({ authorization: `Bearer ${t.adminToken}` });

describe('catalogue', () => {
  it('creates, lists, reads, updates and deactivates products', async () => {
    const kettle = await createProduct(t.app, t.adminToken, {
      sku: 'KET-1',
      name: 'Kettle',
      priceCents: 19990,
      stock: 5,
    });
    expect(kettle).toEqual({
      id: expect.any(Number),
      sku: 'KET-1',
      name: 'Kettle',
      description: '',
      priceCents: 19990,
      currency: 'CLP',
      stock: 5,
      imageUrl: null,
      active: true,
    });
    const apron = await createProduct(t.app, t.adminToken, {
      sku: 'APR-1',
      name: 'Apron',
      priceCents: 9990,
      description: 'Cotton',
      currency: 'USD',
    });

    const list = await t.app.inject({ method: 'GET', url: '/products' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ items: [apron, kettle], total: 2 });

    const one = await t.app.inject({ method: 'GET', url: `/products/${kettle.id}` });
    expect(one.json()).toEqual(kettle);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/products/${kettle.id}`,
      headers: auth(),
      payload: { priceCents: 17990, name: 'Electric kettle' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json<Product>()).toMatchObject({ priceCents: 17990, name: 'Electric kettle', sku: 'KET-1' });

    const deleted = await t.app.inject({ method: 'DELETE', url: `/products/${apron.id}`, headers: auth() });
    expect(deleted.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/products' });
    expect(after.json<{ items: Product[]; total: number }>().items.map((p) => p.sku)).toEqual(['KET-1']);
    expect((await t.app.inject({ method: 'GET', url: `/products/${apron.id}` })).statusCode).toBe(404);
    const asAdmin = await t.app.inject({ method: 'GET', url: `/products/${apron.id}`, headers: auth() });
    expect(asAdmin.json<Product>()).toMatchObject({ sku: 'APR-1', active: false });
  });

  it('pages with limit and offset and reports the total', async () => {
    for (let i = 0; i < 5; i++) {
      await createProduct(t.app, t.adminToken, { sku: `PAGE-${i}`, name: `Page item ${i}`, priceCents: 100 });
    }
    const page = await t.app.inject({ method: 'GET', url: '/products?limit=2&offset=1' });
    const body = page.json<{ items: Product[]; total: number }>();
    expect(body.items).toHaveLength(2);
    expect(body.total).toBeGreaterThanOrEqual(5);
    const past = await t.app.inject({ method: 'GET', url: `/products?limit=10&offset=${body.total}` });
    expect(past.json()).toEqual({ items: [], total: body.total });
  });

  it('answers bad queries with a 400 problem naming each field', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/products?limit=0&offset=-1' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const body = response.json();
    expect(body).toMatchObject({ type: 'urn:shopops:problem:validation', title: 'Bad Request', status: 400 });
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['query.limit', 'query.offset']);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers 404 for missing and malformed ids', async () => {
    for (const url of ['/products/999999', '/products/abc', '/products/-1']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toMatchObject({ type: 'urn:shopops:problem:not-found', status: 404, instance: url });
    }
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/products/999999',
      headers: auth(),
      payload: { stock: 1 },
    });
    expect(patch.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: '/products/999999', headers: auth() })).statusCode).toBe(404);
  });

  it('validates product bodies, listing every problem', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/products',
      headers: auth(),
      payload: { sku: 'bad sku!', name: '', priceCents: -1, currency: 'pesos', extra: true },
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.sku', 'body.name', 'body.priceCents', 'body.currency', 'body']),
    );
    const empty = await t.app.inject({ method: 'PATCH', url: '/products/1', headers: auth(), payload: {} });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().detail).toContain('give at least one field to change');
  });

  it('refuses a duplicate sku with 409', async () => {
    await createProduct(t.app, t.adminToken, { sku: 'DUP-1', name: 'One', priceCents: 1 });
    const again = await t.app.inject({
      method: 'POST',
      url: '/products',
      headers: auth(),
      payload: { sku: 'DUP-1', name: 'Two', priceCents: 1 },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toBe('a product with sku DUP-1 exists already');
  });

  it('answers invalid JSON with 400 and an unknown route with 404, as problems', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/products',
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: '{"sku":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const missing = await t.app.inject({ method: 'GET', url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ detail: 'no route for GET /nowhere', status: 404 });
  });
});

describe('admin authentication', () => {
  const newProduct = { sku: 'AUTH-1', name: 'Auth', priceCents: 1 };

  it('refuses admin routes without a token, with a bad one, an expired one or a non-admin one', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{}, 401, 'this route needs an admin token'],
      [{ authorization: 'Basic abc' }, 401, 'must be "Bearer <jwt>"'],
      [
        { authorization: `Bearer ${await signAdminToken('another-secret-entirely-0123456789abcdef')}` },
        401,
        'the token is invalid',
      ],
      [
        { authorization: `Bearer ${await signAdminToken(JWT_SECRET, { expiresIn: '-1m' })}` },
        401,
        'the token has expired',
      ],
      [{ authorization: `Bearer ${await signAdminToken(JWT_SECRET, { role: 'customer' })}` }, 403, 'for admins'],
    ];
    for (const [headers, status, detail] of cases) {
      const response = await t.app.inject({ method: 'POST', url: '/products', headers, payload: newProduct });
      expect(response.statusCode, detail).toBe(status);
      expect(response.json().detail).toContain(detail);
      if (status === 401) expect(response.headers['www-authenticate']).toBe('Bearer');
    }
  });
});
