import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config, RateLimits, RateLimitScope } from '@shopops/config';
import { HttpProblem } from './problems.ts';
import { TRACE_ID_HEADER } from './request-hooks.ts';

/** helmet's options; error-handling.ts applies the same to the errors Fastify answers before any hook runs. */
export const SECURITY_HEADERS = {
  // Product images are embedded by the storefront, another origin; CORS still governs what scripts may read.
  crossOriginResourcePolicy: { policy: 'cross-origin' },
} as const;

/** Security headers, CORS from CORS_ORIGINS and rate limits from RATE_LIMITS (Redis-backed when given one). */
export function registerHardening(app: FastifyInstance, config: Config, redis: Redis | undefined): void {
  // Registered on the root instance (not awaited: avvio loads them in order, before the routes registered next).
  app.register(helmet, SECURITY_HEADERS);
  const origins = config.http.corsOrigins;
  app.register(cors, {
    origin: origins === '*' ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'traceparent', 'tracestate'],
    exposedHeaders: [TRACE_ID_HEADER, 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  });
  const limits = config.http.rateLimits;
  if (!limits) return;
  const limitOf = (request: FastifyRequest) => limits[countedScope(limits, request)];
  app.register(rateLimit, {
    // Every route is counted (probes opt out with NO_RATE_LIMIT); the scope's limit comes per request, and the
    // scope is part of the key, so all routes of a scope share one counter per client. Route-level rateLimit
    // objects would each get a store of their own, even with a groupId (fastify/fastify-rate-limit#463).
    global: true,
    keyGenerator: (request) => `${countedScope(limits, request)}:${normalizeIP(request.ip)}`,
    max: (request) => limitOf(request)?.max ?? 0,
    timeWindow: (request) => limitOf(request)?.windowMs ?? 60_000,
    // A scope with no limit of its own and no default is not limited.
    allowList: (request) => limitOf(request) === undefined,
    ...(redis ? { redis, nameSpace: 'shopops-api:rate-limit:' } : {}),
    // A Redis outage must not take the shop down with it: requests pass unlimited until it is back.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(
        429,
        'rate-limited',
        `too many requests: at most ${context.max} per ${context.after}; retry later`,
      ),
  });
  // Unknown paths are no route, so the plugin never sees them: without this a scanner probes for free.
  // Created on first use: the plugin's decorator exists only once it has loaded.
  let notFoundLimiter: ReturnType<FastifyInstance['rateLimit']> | undefined;
  // A callback hook: routed requests, nearly all of them, pass without a promise.
  app.addHook('onRequest', function (request, reply, done) {
    if (!request.is404) return done();
    notFoundLimiter ??= app.rateLimit();
    notFoundLimiter.call(this, request, reply).then(() => done(), done);
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The rate-limit scope a route counts in (see rateLimitScope); unset: `default`. */
    rateLimitScope?: RateLimitScope;
  }
}

/** Route config for a rate-limit scope: the route counts in that scope's budget, shared by all its routes. */
export function rateLimitScope(scope: Exclude<RateLimitScope, 'default' | 'notfound'>): {
  rateLimitScope: RateLimitScope;
} {
  return { rateLimitScope: scope };
}

/** The scope whose counter a request uses: its route's, `notfound` for unknown paths; `default` when that one has no limit of its own. */
function countedScope(limits: NonNullable<RateLimits>, request: FastifyRequest): RateLimitScope {
  const scope = request.is404 ? 'notfound' : (request.routeOptions.config.rateLimitScope ?? 'default');
  return limits[scope] ? scope : 'default';
}
