import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAdminToken, type Product } from '../src/index.ts';
import { createProduct } from './support/catalogue.ts';
import { buildTestApp, JWT_SECRET, PNG_BYTES, startTestStack, type TestApp, type TestStack } from './support/stack.ts';

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

  it('answers 404 for ids not written in canonical decimal, on every product route', async () => {
    const { id } = await createProduct(t.app, t.adminToken, { sku: 'CANON-1', name: 'Canonical', priceCents: 1 });
    expect((await t.app.inject({ method: 'GET', url: `/products/${id}` })).statusCode).toBe(200);
    const variants = [
      `0x${id.toString(16)}`,
      `${id}e0`,
      `%20${id}`,
      `${id}%20`,
      `0${id}`,
      `%2B${id}`,
      `+${id}`,
      `${id}%2F`,
      `${id}.0`,
      `${id}%00`,
    ];
    for (const variant of variants) {
      const url = `/products/${variant}`;
      const read = await t.app.inject({ method: 'GET', url });
      expect(read.statusCode, url).toBe(404);
      expect(read.json()).toMatchObject({ type: 'urn:shopops:problem:not-found', status: 404 });
      const patch = await t.app.inject({ method: 'PATCH', url, headers: auth(), payload: { stock: 3 } });
      expect(patch.statusCode, `PATCH ${url}`).toBe(404);
      const image = await t.app.inject({
        method: 'PUT',
        url: `${url}/image`,
        headers: { ...auth(), 'content-type': 'image/png' },
        payload: PNG_BYTES,
      });
      expect(image.statusCode, `PUT ${url}/image`).toBe(404);
      expect((await t.app.inject({ method: 'DELETE', url, headers: auth() })).statusCode, `DELETE ${url}`).toBe(404);
    }
    // Nothing above touched the product.
    expect((await t.app.inject({ method: 'GET', url: `/products/${id}` })).json()).toMatchObject({
      stock: 0,
      active: true,
      imageUrl: null,
    });
  });

  it('refuses non-canonical numbers in the query with a 400 naming the field', async () => {
    for (const limit of ['0x10', '1e1', '%2010', '010', '%2B10', '10.0', '10%00']) {
      const response = await t.app.inject({ method: 'GET', url: `/products?limit=${limit}` });
      expect(response.statusCode, limit).toBe(400);
      expect(response.json().errors.map((e: { path: string }) => e.path)).toEqual(['query.limit']);
    }
    expect((await t.app.inject({ method: 'GET', url: '/products?limit=10&offset=0' })).statusCode).toBe(200);
  });

  it('refuses NUL characters in any text field with a 400 naming it (Postgres cannot store them)', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/products',
      headers: auth(),
      payload: { sku: 'NUL-1', name: 'nul\u0000name', description: 'a\u0000b', priceCents: 1 },
    });
    expect(created.statusCode).toBe(400);
    expect(created.json()).toMatchObject({ type: 'urn:shopops:problem:validation', status: 400 });
    expect(created.json().errors).toEqual([
      { path: 'body.name', message: 'must not contain NUL characters (\\u0000)' },
      { path: 'body.description', message: 'must not contain NUL characters (\\u0000)' },
    ]);
    const { id } = await createProduct(t.app, t.adminToken, { sku: 'NUL-2', name: 'Clean', priceCents: 1 });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/products/${id}`,
      headers: auth(),
      payload: { description: '\u0000' },
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.description']);
    const query = await t.app.inject({ method: 'GET', url: '/products?limit=5&offset=0&x=%00' });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors.map((e: { path: string }) => e.path)).toEqual(['query.x']);
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
