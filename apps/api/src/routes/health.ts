import type { FastifyInstance } from 'fastify';
import { NO_RATE_LIMIT } from '../context.ts';
import { versionInfo } from '../version.ts';

/** Probes and build information; never rate limited, never touching more than they must. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const { readiness, config } = app.api;
  const version = versionInfo(config.build);

  // Liveness: the process answers. No dependency is checked, so an outage elsewhere never gets it restarted.
  app.get('/healthz', { config: NO_RATE_LIMIT }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: NO_RATE_LIMIT }, async (_request, reply) => {
    const report = await readiness.report();
    reply.code(report.status === 'ok' ? 200 : 503).header('cache-control', 'no-store');
    return report;
  });

  app.get('/version', { config: NO_RATE_LIMIT }, async () => version);
}
