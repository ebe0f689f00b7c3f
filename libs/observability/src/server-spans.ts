import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SamplingDecision,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Sampler,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { newTraceId } from './trace-context.ts';
import type { PresetTraceIdGenerator } from './span-ids.ts';

/**
 * The server span of each incoming request, made by the app's own request hooks rather than by
 * @opentelemetry/instrumentation-http's incoming side, which computes a dozen attributes and runs every
 * request in an AsyncLocalStorage context, sampled or not (about 100 µs of CPU per request on GET /products).
 *
 * The sampler is asked first, with the request's trace id, before any span exists. A sampled request gets
 * its span at once and runs in its context, so that its queries, S3 and provider calls become its children.
 * An unsampled one (95 % at the production default) gets no span and no context: only its trace id, start
 * time and route are kept, and when it fails or is slow its server span is made afterwards from them, with
 * the trace id its log line and x-trace-id already carry.
 */

export interface ServerSpanOptions {
  tracer: Tracer;
  /** The provider's sampler: asked with the trace id the span will have. */
  sampler: Sampler;
  /** The provider's id generator, through which a root span gets the trace id chosen here. */
  ids: PresetTraceIdGenerator;
  /**
   * Unsampled requests slower than this (ms) still get their span, as do those answered 5xx; undefined: an
   * unsampled request never gets one (OTEL_TRACES_SAMPLER=always_off).
   */
  slowMs: number | undefined;
  /** Paths that get no span (probes and scrapes would drown real traffic). */
  ignorePaths: readonly string[];
}

interface ServerRequest {
  traceId: string;
  /** The incoming traceparent's context, or ROOT_CONTEXT. */
  parent: Context;
  /** Whether the trace id is the parent's (continued) rather than chosen here. */
  continued: boolean;
  method: string;
  path: string;
  httpVersion: string;
  /** performance.now() when the request arrived. */
  startedAt: number;
  route?: string;
  /** Only for sampled requests; an unsampled one gets its span, if at all, when it ends. */
  span?: Span;
}

/** Whether a request's server span is worth exporting though its trace was not sampled: answered 5xx, or slow. */
export function isErrorOrSlow(status: number, durationMs: number, slowMs: number): boolean {
  return status >= 500 || durationMs >= slowMs;
}

let options: (ServerSpanOptions & { ignored: ReadonlySet<string> }) | undefined;
const requests = new WeakMap<IncomingMessage, ServerRequest>();

/** Set by startTracing; undefined stops making server spans (tracing shut down). */
export function configureServerSpans(next: ServerSpanOptions | undefined): void {
  options = next && { ...next, ignored: new Set(next.ignorePaths) };
}

/**
 * Starts tracking the request, continuing an incoming traceparent, and returns its trace id; undefined when
 * the path is ignored or tracing is not started (then the caller picks the trace id).
 */
export function startServerSpan(request: IncomingMessage): string | undefined {
  if (!options) return undefined;
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (options.ignored.has(path)) return undefined;
  const method = request.method ?? 'GET';
  const parent = request.headers.traceparent ? propagation.extract(ROOT_CONTEXT, request.headers) : ROOT_CONTEXT;
  const parentSpan = trace.getSpanContext(parent);
  const continued = parentSpan !== undefined && trace.isSpanContextValid(parentSpan);
  const tracked: ServerRequest = {
    traceId: continued ? parentSpan.traceId : newTraceId(),
    parent,
    continued,
    method,
    path,
    httpVersion: request.httpVersion,
    startedAt: performance.now(),
  };
  const { decision } = options.sampler.shouldSample(parent, tracked.traceId, method, SpanKind.SERVER, {}, []);
  if (decision === SamplingDecision.RECORD_AND_SAMPLED) tracked.span = openSpan(options, tracked);
  requests.set(request, tracked);
  return tracked.traceId;
}

/** Names the span by its route template, as the metrics label it. */
export function nameServerSpan(request: IncomingMessage, route: string | undefined): void {
  const tracked = requests.get(request);
  if (!tracked || !route) return;
  tracked.route = route;
  if (!tracked.span) return;
  tracked.span.setAttribute('http.route', route);
  tracked.span.updateName(`${tracked.method} ${route}`);
}

/**
 * Runs `next` (the rest of the request) in the span's context when the request is sampled, so that its
 * queries and outgoing calls are its children and carry its traceparent; otherwise runs it as is.
 */
export function withServerSpan(request: IncomingMessage, next: () => void): void {
  const tracked = requests.get(request);
  if (!tracked?.span) return next();
  context.with(trace.setSpan(tracked.parent, tracked.span), next);
}

/** Ends the span with the response's status: a 5xx is an error. An unsampled request failed or slow gets its span now. */
export function endServerSpan(request: IncomingMessage, status: number): void {
  const tracked = requests.get(request);
  if (!tracked) return;
  requests.delete(request);
  const endedAt = performance.now();
  let span = tracked.span;
  if (!span) {
    if (options?.slowMs === undefined || !isErrorOrSlow(status, endedAt - tracked.startedAt, options.slowMs)) return;
    span = openSpan(options, tracked);
  }
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(endedAt);
}

/** The request's server span, started when the request arrived and with the trace id it was answered with. */
function openSpan({ tracer, ids }: ServerSpanOptions, tracked: ServerRequest): Span {
  const start = () =>
    tracer.startSpan(
      tracked.route ? `${tracked.method} ${tracked.route}` : tracked.method,
      {
        kind: SpanKind.SERVER,
        startTime: tracked.startedAt,
        attributes: {
          'http.request.method': tracked.method,
          'url.path': tracked.path,
          'url.scheme': 'http',
          'network.protocol.version': tracked.httpVersion,
          ...(tracked.route ? { 'http.route': tracked.route } : {}),
        },
      },
      tracked.parent,
    );
  // A continued trace keeps its parent's id by itself; a new one is the id chosen in startServerSpan.
  return tracked.continued ? start() : ids.withTraceId(tracked.traceId, start);
}
