import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { SECURITY_HEADERS } from './hardening.ts';
import { outageOf, outageProblem } from './outages.ts';
import { HttpProblem, slugForStatus } from './problems.ts';
import { TRACE_ID_HEADER } from './request-hooks.ts';

/** The path of a request without its query string (which may carry tokens). */
export function requestPath(request: FastifyRequest): string {
  const url = request.url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function send(reply: FastifyReply, request: FastifyRequest, error: HttpProblem) {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send(error.body(requestPath(request), String(request.id)));
}

/**
 * Every error becomes an application/problem+json response. Client errors raised by Fastify and its plugins
 * (bad JSON, body too large, unsupported media type, timeouts, rate limits) keep their 4xx status and their
 * message, which says what was wrong with the request; anything else is a 500 whose detail reveals nothing
 * and whose stack goes to the log only.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    if (error instanceof HttpProblem) return send(reply, request, error);
    const outage = outageOf(error);
    if (outage) {
      // Expected during an outage: one line naming it, no stack per request.
      request.log.warn({ outage, code: (error as { code?: string }).code }, `${outage}: ${error.message}`);
      return send(reply, request, outageProblem(outage));
    }
    const status = error.statusCode;
    if (status && status >= 400 && status < 500) {
      const headers: Record<string, string> = {};
      const retryAfter = reply.getHeader('retry-after');
      if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
      return send(reply, request, new HttpProblem(status, slugForStatus(status), error.message, { headers }));
    }
    request.log.error({ err: error }, 'request failed');
    const unavailable = status === 503;
    return send(
      reply,
      request,
      unavailable
        ? new HttpProblem(503, 'unavailable', 'the service is unavailable; try again shortly')
        : new HttpProblem(500, 'internal', 'an unexpected error occurred; quote the traceId when reporting it'),
    );
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, new HttpProblem(404, 'not-found', `no route for ${request.method} ${requestPath(request)}`)),
  );
}

// Built on first use: hardening.ts and this module import each other's neighbours.
let securityHeaders: ReturnType<typeof helmet> | undefined;

// Fastify answers these before routing, so no hook (helmet, trace id) and no error handler runs for them.
const FRAMEWORK_PROBLEMS: Record<string, () => HttpProblem> = {
  FST_ERR_BAD_URL: () => new HttpProblem(400, 'bad-url', 'the URL is malformed (an invalid percent-encoding?)'),
  FST_ERR_MAX_PARAM_LENGTH: () => new HttpProblem(414, 'uri-too-long', 'a path segment of the URL is too long'),
};

/**
 * Fastify's frameworkErrors option: the errors it raises before routing become problem responses with the
 * security headers and the trace id, like every other answer. The URL is never echoed: it is what was wrong.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known = FRAMEWORK_PROBLEMS[error.code];
  if (!known) request.log.error({ err: error }, 'request failed before routing');
  const problem =
    known?.() ?? new HttpProblem(500, 'internal', 'an unexpected error occurred; quote the traceId when reporting it');
  securityHeaders ??= helmet(SECURITY_HEADERS);
  securityHeaders(request.raw, reply.raw, () => {
    const body = problem.body('', String(request.id));
    delete body.instance;
    reply.header(TRACE_ID_HEADER, request.id).code(problem.status).type('application/problem+json').send(body);
  });
}
