import type { z } from 'zod';
import { ApiError } from './api-error.ts';
import {
  orderSchema,
  productPageSchema,
  productSchema,
  readinessSchema,
  startedPaymentSchema,
  versionSchema,
  type Order,
  type Product,
  type ProductPage,
  type Readiness,
  type StartedPayment,
  type VersionInfo,
} from './schemas.ts';

export interface ApiClientOptions {
  /** Where the API lives, e.g. http://127.0.0.1:8080 or /api behind a proxy. */
  baseUrl: string;
  /** A request that takes longer fails with a timeout error instead of spinning forever. */
  timeoutMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface NewOrder {
  customerEmail: string;
  items: { productId: number; quantity: number }[];
}

export type SandboxOutcome = 'paid' | 'failed';

export interface ApiClient {
  readonly baseUrl: string;
  listProducts(page: { limit: number; offset: number }, options?: CallOptions): Promise<ProductPage>;
  getProduct(id: number, options?: CallOptions): Promise<Product>;
  createOrder(order: NewOrder, options?: CallOptions): Promise<Order>;
  getOrder(id: string, options?: CallOptions): Promise<Order>;
  startPayment(orderId: string, provider: 'sandbox', options?: CallOptions): Promise<StartedPayment>;
  completeSandboxCheckout(checkoutUrl: string, outcome: SandboxOutcome, options?: CallOptions): Promise<void>;
  /** 503 is an answer here, not a failure: the body says which check failed. */
  getReadiness(options?: CallOptions): Promise<{ httpStatus: number; readiness: Readiness }>;
  getVersion(options?: CallOptions): Promise<VersionInfo>;
}

interface RequestSpec<T> {
  method?: 'GET' | 'POST';
  /** A path on the API, or an absolute URL the API handed out (a checkout URL). */
  url: string;
  body?: unknown;
  schema?: z.ZodType<T>;
  /** Non-2xx statuses whose body is still parsed with `schema`. */
  acceptStatuses?: number[];
  signal?: AbortSignal;
}

export function createApiClient({ baseUrl, timeoutMs = 15_000 }: ApiClientOptions): ApiClient {
  const base = baseUrl.replace(/\/+$/, '');

  async function request<T>(spec: RequestSpec<T>): Promise<{ status: number; data: T }> {
    const method = spec.method ?? 'GET';
    const url = /^https?:\/\//.test(spec.url) ? spec.url : `${base}${spec.url}`;
    const what = `${method} ${url}`;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const forwardAbort = () => controller.abort();
    spec.signal?.addEventListener('abort', forwardAbort);

    try {
      let response: Response;
      try {
        // Read `fetch` at call time: the page's fetch in the browser, the stub in unit tests.
        response = await globalThis.fetch(url, {
          method,
          headers: {
            accept: 'application/json, application/problem+json',
            ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          signal: controller.signal,
        });
      } catch (error) {
        if (spec.signal?.aborted) throw error;
        if (timedOut) throw new ApiError('timeout', `${what} took longer than ${timeoutMs / 1000} s`);
        throw new ApiError(
          'network',
          `Cannot reach the API at ${base} (${error instanceof Error ? error.message : String(error)})`,
        );
      }

      const body = await readBody(response);
      if (!response.ok && !spec.acceptStatuses?.includes(response.status)) {
        throw ApiError.fromResponse(response.status, response.statusText, body);
      }
      if (!spec.schema) return { status: response.status, data: undefined as T };
      const parsed = spec.schema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
        throw new ApiError(
          'invalid-response',
          `Unexpected response from ${what}${where}: ${issue?.message ?? 'invalid body'}`,
          response.status,
        );
      }
      return { status: response.status, data: parsed.data };
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', forwardAbort);
    }
  }

  const data = async <T>(spec: RequestSpec<T>) => (await request(spec)).data;

  return {
    baseUrl: base,
    listProducts: ({ limit, offset }, options) =>
      data({ url: `/products?limit=${limit}&offset=${offset}`, schema: productPageSchema, ...options }),
    getProduct: (id, options) =>
      data({ url: `/products/${encodeURIComponent(id)}`, schema: productSchema, ...options }),
    createOrder: (order, options) =>
      data({ method: 'POST', url: '/orders', body: order, schema: orderSchema, ...options }),
    getOrder: (id, options) => data({ url: `/orders/${encodeURIComponent(id)}`, schema: orderSchema, ...options }),
    startPayment: (orderId, provider, options) =>
      data({
        method: 'POST',
        url: `/orders/${encodeURIComponent(orderId)}/payments`,
        body: { provider },
        schema: startedPaymentSchema,
        ...options,
      }),
    completeSandboxCheckout: async (checkoutUrl, outcome, options) => {
      await request({ method: 'POST', url: checkoutUrl, body: { outcome }, ...options });
    },
    getReadiness: async (options) => {
      const { status, data: readiness } = await request({
        url: '/readyz',
        schema: readinessSchema,
        acceptStatuses: [503],
        ...options,
      });
      return { httpStatus: status, readiness };
    },
    getVersion: (options) => data({ url: '/version', schema: versionSchema, ...options }),
  };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  if (!/json/i.test(response.headers.get('content-type') ?? '')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
