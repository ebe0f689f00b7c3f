import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NO_RATE_LIMIT } from '../context.ts';
import { versionInfo } from '../version.ts';

/** Probes and build information; never rate limited, never touching more than they must. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const { readiness, config, auth } = app.api;
  const version = versionInfo(config.build);
  // Outside dev the checks' details (database host, migration names, errors) are for admins only.
  const showDetails = (request: FastifyRequest) =>
    config.env === 'dev' || (request.headers.authorization !== undefined && auth.isAdmin(request));

  // Liveness: the process answers. No dependency is checked, so an outage elsewhere never gets it restarted.
  app.get('/healthz', { config: NO_RATE_LIMIT }, async () => ({ status: 'ok' }));

  // Answers the latest background round (see readiness.ts): a flood of probes never reaches a dependency.
  app.get('/readyz', { config: NO_RATE_LIMIT }, async (request, reply) => {
    const report = await readiness.report();
    reply.code(report.status === 'ok' ? 200 : 503).header('cache-control', 'no-store');
    return (await showDetails(request)) ? report : { status: report.status };
  });

  app.get('/version', { config: NO_RATE_LIMIT }, async () => version);
}
