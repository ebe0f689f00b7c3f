import type { Config, RateLimitScope } from '@shopops/config';
import type { ApiMetrics } from '@shopops/observability';
import type { Authenticator } from './auth.ts';
import type { Database } from './db.ts';
import type { OrderStore } from './domain/orders.ts';
import type { PaymentService } from './domain/payments.ts';
import type { ProductStore } from './domain/products.ts';
import type { Readiness } from './readiness.ts';
import type { Storage } from './storage.ts';

/** Where the API and the storefront are reached; the API's base is settled once it listens (see startApi). */
export interface PublicUrls {
  publicBaseUrl(): string;
  setPublicBaseUrl(url: string): void;
  readonly frontendUrl: string;
}

/** What every route module gets: the app's dependencies, built once in buildApp. */
export interface ApiContext {
  config: Config;
  db: Database;
  storage: Storage;
  metrics: ApiMetrics | undefined;
  auth: Authenticator;
  products: ProductStore;
  orders: OrderStore;
  payments: PaymentService;
  readiness: Readiness;
  urls: PublicUrls;
  /** Route config for a rate-limit scope (see hardening.ts rateLimitScope): one counter per scope and client. */
  rateLimit(scope: Exclude<RateLimitScope, 'default' | 'notfound'>): Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyInstance {
    api: ApiContext;
  }
  interface FastifyRequest {
    /** The admin's id (the token's sub) once authenticated; logged with the request. */
    userId: string | null;
  }
}

/** Route config that exempts a route from rate limits (probes, scrapes, provider webhooks). */
export const NO_RATE_LIMIT = { rateLimit: false } as const;
