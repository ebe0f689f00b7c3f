import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiMetrics } from '@shopops/observability';
import { NO_RATE_LIMIT } from '../context.ts';
import { problem } from '../problems.ts';

export interface MetricsRouteOptions {
  metrics: ApiMetrics;
  /** METRICS_TOKEN: when set, a scrape must send Authorization: Bearer <token>. */
  token: string | undefined;
}

/** Prometheus scrape endpoint; on PORT, or on METRICS_PORT (metrics-server.ts), behind METRICS_TOKEN if set. */
export async function metricsRoutes(app: FastifyInstance, { metrics, token }: MetricsRouteOptions): Promise<void> {
  const authorized = token === undefined ? () => true : bearerMatcher(token);
  app.get('/metrics', { config: NO_RATE_LIMIT }, async (request, reply) => {
    if (!authorized(request)) {
      throw problem.unauthorized('/metrics needs the metrics token: Authorization: Bearer <METRICS_TOKEN>');
    }
    reply.type(metrics.contentType).header('cache-control', 'no-store');
    return metrics.render();
  });
}

/** Compares digests, so neither the token's length nor its prefix leaks through timing. */
function bearerMatcher(token: string): (request: FastifyRequest) => boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = digest(token);
  return (request) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]!), expected);
  };
}
