import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '@shopops/config';
import type { ApiMetrics } from '@shopops/observability';
import { registerErrorHandling } from './error-handling.ts';
import { metricsRoutes } from './routes/metrics.ts';

/**
 * /metrics alone on METRICS_PORT, for a scraper on a private network (Fly's [metrics]): the business
 * counters stay off the public listener. Nothing else is served there.
 */
export async function listenMetrics(config: Config, metrics: ApiMetrics): Promise<FastifyInstance> {
  const server = Fastify({ logger: false, forceCloseConnections: true });
  registerErrorHandling(server);
  await server.register(metricsRoutes, { metrics, token: config.metrics.token });
  await server.listen({ port: config.metrics.port ?? 0, host: config.host });
  return server;
}
