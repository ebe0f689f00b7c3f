import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '@shopops/config';
import { HttpProblem } from './problems.ts';
import { TRACE_ID_HEADER } from './request-hooks.ts';

/** Security headers, CORS from CORS_ORIGINS and rate limits from RATE_LIMITS (Redis-backed when given one). */
export function registerHardening(app: FastifyInstance, config: Config, redis: Redis | undefined): void {
  // Registered on the root instance (not awaited: avvio loads them in order, before the routes registered next).
  app.register(helmet, {
    // Product images are embedded by the storefront, another origin; CORS still governs what scripts may read.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
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
  app.register(rateLimit, {
    global: limits.default !== undefined,
    max: limits.default?.max ?? 1000,
    timeWindow: limits.default?.windowMs ?? 60_000,
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
}
