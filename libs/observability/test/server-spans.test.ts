import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { endServerSpan, nameServerSpan, requestTraceId, startServerSpan, withServerSpan } from '../src/index.ts';
import { startTracing, type Tracing, type TracingOptions } from '../src/tracing.ts';

/**
 * The server spans as the API makes them (request-hooks.ts calls the same four functions), with the real
 * OpenTelemetry SDK exporting to memory: which requests get a span, with which trace id, parent, times and
 * status, and which of their children are kept.
 */

const SLOW_MS = 150;
let tracing: Tracing | undefined;
let server: Server | undefined;
let exporter: InMemorySpanExporter;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await tracing?.shutdown();
  server = tracing = undefined;
});

/**
 * A server that handles GET /items/<id>?status=N&delayMs=N like the API: the span starts on arrival, is
 * named by the route, the handler runs in it (making one child span) and it ends with the status.
 */
async function serve(options: Omit<TracingOptions, 'exporter' | 'serviceName'>): Promise<string> {
  exporter = new InMemorySpanExporter();
  tracing = startTracing({ ...options, exporter, serviceName: 'server-spans-test', slowRequestMs: SLOW_MS });
  server = createServer((request, response) => {
    const traceId = startServerSpan(request) ?? requestTraceId(request.headers.traceparent);
    const url = new URL(request.url!, 'http://localhost');
    nameServerSpan(request, url.pathname.startsWith('/items/') ? '/items/:id' : undefined);
    withServerSpan(request, () => {
      void (async () => {
        const child = trace.getTracer('handler').startSpan('load item');
        await sleep(Number(url.searchParams.get('delayMs') ?? 0));
        child.end();
        const status = Number(url.searchParams.get('status') ?? 200);
        endServerSpan(request, status);
        response.writeHead(status, { 'x-trace-id': traceId }).end();
      })();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  return response.headers.get('x-trace-id')!;
}

async function exported(): Promise<ReadableSpan[]> {
  await tracing!.forceFlush();
  return exporter.getFinishedSpans();
}

const durationMs = (span: ReadableSpan) => span.duration[0] * 1000 + span.duration[1] / 1e6;
const PARENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

describe('server spans', () => {
  it('sampled: the span has the answered trace id, the route, the status and its handler’s child', async () => {
    const base = await serve({ sampler: 'parentbased_always_on', ignorePaths: ['/healthz'] });
    const traceId = await get(`${base}/items/7?status=201&delayMs=20`);
    await get(`${base}/healthz`);
    const spans = await exported();
    expect(spans).toHaveLength(2);
    const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(serverSpan.name).toBe('GET /items/:id');
    expect(serverSpan.spanContext().traceId).toBe(traceId);
    expect(serverSpan.parentSpanContext).toBeUndefined();
    expect(serverSpan.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/items/:id',
      'url.path': '/items/7',
      'http.response.status_code': 201,
    });
    expect(durationMs(serverSpan)).toBeGreaterThanOrEqual(19);
    const child = spans.find((s) => s.name === 'load item')!;
    expect(child.spanContext().traceId).toBe(traceId);
    expect(child.parentSpanContext?.spanId).toBe(serverSpan.spanContext().spanId);
  });

  it('unsampled: no span for a request that went well; a failed or slow one gets its span afterwards, from its arrival', async () => {
    const base = await serve({ sampler: 'parentbased_traceidratio', samplerRatio: 0 });
    await get(`${base}/items/1`);
    await get(`${base}/items/2?status=404`);
    expect(await exported()).toEqual([]);

    const failedTrace = await get(`${base}/items/3?status=503&delayMs=30`);
    const slowTrace = await get(`${base}/items/4?delayMs=${SLOW_MS + 50}`);
    const spans = await exported();
    // The children of unsampled requests are never recorded, kept request or not.
    expect(spans.map((s) => s.kind)).toEqual([SpanKind.SERVER, SpanKind.SERVER]);
    const [failed, slow] = spans as [ReadableSpan, ReadableSpan];
    expect(failed.spanContext().traceId).toBe(failedTrace);
    expect(failed.name).toBe('GET /items/:id');
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes).toMatchObject({ 'http.route': '/items/:id', 'http.response.status_code': 503 });
    // Started when the request arrived, not when it was found to have failed.
    expect(durationMs(failed)).toBeGreaterThanOrEqual(29);
    expect(slow.spanContext().traceId).toBe(slowTrace);
    expect(slow.status.code).toBe(SpanStatusCode.UNSET);
    expect(durationMs(slow)).toBeGreaterThanOrEqual(SLOW_MS + 49);
  });

  it('continues an incoming traceparent: its sampled flag decides, and a kept span names its parent', async () => {
    const base = await serve({ sampler: 'parentbased_traceidratio', samplerRatio: 0 });
    const sampled = await get(`${base}/items/1`, { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` });
    expect(sampled).toBe(PARENT_TRACE);
    let spans = await exported();
    expect(spans.map((s) => s.name).sort()).toEqual(['GET /items/:id', 'load item']);
    const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(serverSpan.parentSpanContext).toMatchObject({ traceId: PARENT_TRACE, spanId: PARENT_SPAN, isRemote: true });

    exporter.reset();
    const otherTrace = PARENT_TRACE.replace('4b', '5c');
    await get(`${base}/items/2`, { traceparent: `00-${otherTrace}-${PARENT_SPAN}-00` });
    expect(await exported()).toEqual([]);
    await get(`${base}/items/3?status=500`, { traceparent: `00-${otherTrace}-${PARENT_SPAN}-00` });
    spans = await exported();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.spanContext().traceId).toBe(otherTrace);
    expect(spans[0]!.parentSpanContext?.spanId).toBe(PARENT_SPAN);
  });

  it('always_off keeps nothing, not even failures; ids still come from the request', async () => {
    const base = await serve({ sampler: 'always_off' });
    const traceId = await get(`${base}/items/1?status=500`);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await get(`${base}/items/1`, { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` })).toBe(PARENT_TRACE);
    expect(await exported()).toEqual([]);
  });

  it('after shutdown, requests are still answered with trace ids', async () => {
    const base = await serve({ sampler: 'parentbased_always_on' });
    await tracing!.shutdown();
    tracing = undefined;
    expect(await get(`${base}/items/1`)).toMatch(/^[0-9a-f]{32}$/);
  });
});
