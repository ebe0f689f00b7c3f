import type { FastifyInstance } from 'fastify';
import {
  UNMATCHED_ROUTE,
  endServerSpan,
  nameServerSpan,
  withServerSpan,
  type ApiMetrics,
} from '@shopops/observability';
import { requestPath } from './error-handling.ts';

export const TRACE_ID_HEADER = 'x-trace-id';

/**
 * Per-request observability: the trace id answered in x-trace-id (request.id, set by genReqId from the
 * request's server span or the incoming traceparent), the server span named by the route template and run
 * around the rest of a sampled request (server-spans.ts), one metrics observation and one JSON log line per
 * response. Kept to what each request must do: no closures, no label objects, cached metric children.
 */
export function registerRequestHooks(app: FastifyInstance, metrics: ApiMetrics, tracing: boolean): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(TRACE_ID_HEADER, request.id);
    if (!tracing) return done();
    nameServerSpan(request.raw, request.routeOptions.url);
    withServerSpan(request.raw, done);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const latencyMs = reply.elapsedTime;
    if (tracing) endServerSpan(request.raw, status);
    metrics.observeRequest(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, status, latencyMs / 1000);
    const line = {
      method: request.method,
      path: requestPath(request),
      status,
      latencyMs: Math.round(latencyMs * 100) / 100,
      // The address TRUST_PROXY resolved: the one the rate limiter counts, for tracing abuse back.
      clientIp: request.ip,
      userId: request.userId ?? undefined,
    };
    if (status >= 500) request.log.error(line, 'request completed');
    else request.log.info(line, 'request completed');
    done();
  });
}
