import type { FastifyInstance } from 'fastify';
import type { ApiMetrics } from '@shopops/observability';
import { NO_RATE_LIMIT } from '../context.ts';

/** Prometheus scrape endpoint. */
export async function metricsRoutes(app: FastifyInstance, metrics: ApiMetrics): Promise<void> {
  app.get('/metrics', { config: NO_RATE_LIMIT }, async (_request, reply) => {
    reply.type(metrics.contentType).header('cache-control', 'no-store');
    return metrics.render();
  });
}
