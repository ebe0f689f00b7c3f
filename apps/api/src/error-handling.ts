import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem, slugForStatus } from './problems.ts';

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
