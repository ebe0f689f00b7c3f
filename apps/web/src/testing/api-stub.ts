import { vi } from 'vitest';
import type { Order, Product } from '../api/schemas.ts';

export const API_URL = 'http://api.test';

export interface RecordedRequest {
  method: string;
  url: string;
  /** Path and query on the API, e.g. /products?limit=12&offset=0. */
  path: string;
  body: unknown;
  headers: Headers;
}

type Reply = Response | (() => Response | Promise<Response>);
type Handler = (request: RecordedRequest, signal: AbortSignal | undefined) => Reply | Promise<Reply>;

/**
 * Replaces `fetch` (the boundary of the API client) with a table of canned answers, and records
 * every request. A request no route answers is recorded in `unmatched` and fails with a 599, so a
 * test cannot pass by accident on a request it did not expect.
 */
export function stubApi() {
  const routes: { method: string; path: string | RegExp; handler: Handler }[] = [];
  const requests: RecordedRequest[] = [];
  const unmatched: string[] = [];

  const fetchStub = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init.method ?? 'GET').toUpperCase();
    const path = url.startsWith(API_URL) ? url.slice(API_URL.length) : url;
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const request = { method, url, path, body, headers: new Headers(init.headers) };
    requests.push(request);
    const route = routes.find(
      (r) => r.method === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path)),
    );
    if (!route) {
      unmatched.push(`${method} ${url}`);
      return new Response('no stubbed route', { status: 599 });
    }
    const reply = await route.handler(request, init.signal ?? undefined);
    return typeof reply === 'function' ? reply() : reply;
  });
  vi.stubGlobal('fetch', fetchStub);

  return {
    requests,
    unmatched,
    /** Answers `method path` (exact path with query, or a pattern); later routes do not override earlier ones. */
    on(method: string, path: string | RegExp, handler: Handler | Response) {
      routes.push({ method, path, handler: typeof handler === 'function' ? handler : () => handler.clone() });
      return this;
    },
  };
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function problem(status: number, title: string, detail?: string, errors?: unknown): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title, status, detail, errors }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

export function aProduct(overrides: Partial<Product> = {}): Product {
  return {
    id: 1,
    sku: 'MUG-001',
    name: 'Enamel mug',
    description: 'A mug that survives the campfire.',
    priceCents: 12990,
    currency: 'CLP',
    stock: 5,
    imageUrl: null,
    active: true,
    ...overrides,
  };
}

export function anOrder(overrides: Partial<Order> = {}): Order {
  return {
    id: '0b6e8f52-2d7a-4c1e-9a57-3c2f0f5d8e11',
    status: 'pending',
    customerEmail: 'ana@example.com',
    totalCents: 25980,
    currency: 'CLP',
    items: [{ productId: 1, name: 'Enamel mug', quantity: 2, unitPriceCents: 12990 }],
    payments: [],
    createdAt: '2026-11-23T12:00:00.000Z',
    ...overrides,
  };
}
