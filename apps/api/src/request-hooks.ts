import type { FastifyInstance } from 'fastify';
import { trace } from '@opentelemetry/api';
import { UNMATCHED_ROUTE, type ApiMetrics } from '@shopops/observability';
import { requestPath } from './error-handling.ts';

export const TRACE_ID_HEADER = 'x-trace-id';

/**
 * Per-request observability: the trace id answered in x-trace-id (request.id, set by genReqId from the
 * incoming traceparent or the active span), the route template on the OpenTelemetry server span, one
 * metrics observation and one JSON log line per response. Kept to what each request must do: no closures,
 * no label objects, cached metric children.
 */
export function registerRequestHooks(app: FastifyInstance, metrics: ApiMetrics, tracing: boolean): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(TRACE_ID_HEADER, request.id);
    if (tracing) {
      const route = request.routeOptions.url;
      const span = trace.getActiveSpan();
      if (span && route) {
        span.setAttribute('http.route', route);
        span.updateName(`${request.method} ${route}`);
      }
    }
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const latencyMs = reply.elapsedTime;
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
