import type { IncomingMessage } from 'node:http';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Span,
} from '@opentelemetry/api';

/**
 * The server span of each incoming request, made by the app's own request hooks rather than by
 * @opentelemetry/instrumentation-http's incoming side. That instrumentation computes a dozen attributes and
 * runs the whole request inside an AsyncLocalStorage context, sampled or not; measured on GET /products it
 * cost about 100 µs of CPU per request, most of what tracing cost at the default 5 % sampler. Here an
 * unsampled request gets one recorded span with a few attributes (kept only when it fails or is slow,
 * sampling.ts) and no context; only sampled requests run in their span's context, so that their queries,
 * S3 and provider calls become its children.
 */

const TRACER_NAME = '@shopops/observability';
const spans = new WeakMap<IncomingMessage, Span>();
let ignoredPaths: ReadonlySet<string> = new Set();

/** Paths that get no span (probes and scrapes would drown real traffic); set by startTracing. */
export function ignoreServerSpanPaths(paths: readonly string[]): void {
  ignoredPaths = new Set(paths);
}

/**
 * Starts the request's server span, continuing an incoming traceparent, and returns its trace id; undefined
 * when the path is ignored or no tracer provider is registered (then the caller picks the trace id).
 */
export function startServerSpan(request: IncomingMessage): string | undefined {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (ignoredPaths.has(path)) return undefined;
  const method = request.method ?? 'GET';
  const parent = request.headers.traceparent ? propagation.extract(ROOT_CONTEXT, request.headers) : ROOT_CONTEXT;
  const span = trace.getTracer(TRACER_NAME).startSpan(
    method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': method,
        'url.path': path,
        'url.scheme': 'http',
        'network.protocol.version': request.httpVersion,
      },
    },
    parent,
  );
  const spanContext = span.spanContext();
  if (!trace.isSpanContextValid(spanContext)) return undefined;
  spans.set(request, span);
  return spanContext.traceId;
}

/** Names the span by its route template, as the metrics label it. */
export function nameServerSpan(request: IncomingMessage, route: string | undefined): void {
  const span = spans.get(request);
  if (!span || !route) return;
  span.setAttribute('http.route', route);
  span.updateName(`${request.method} ${route}`);
}

/**
 * Runs `next` (the rest of the request) in the span's context when the trace is sampled, so that the
 * request's queries and outgoing calls are its children and carry its traceparent; otherwise runs it as is.
 */
export function withServerSpan(request: IncomingMessage, next: () => void): void {
  const span = spans.get(request);
  if (!span || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return next();
  context.with(trace.setSpan(ROOT_CONTEXT, span), next);
}

/** Ends the span with the response's status: a 5xx is an error (and kept though not sampled). */
export function endServerSpan(request: IncomingMessage, status: number): void {
  const span = spans.get(request);
  if (!span) return;
  spans.delete(request);
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
