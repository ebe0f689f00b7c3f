import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { context, propagation, trace } from '@opentelemetry/api';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { configureServerSpans } from './server-spans.ts';
import { PresetTraceIdGenerator } from './span-ids.ts';
import { ErrorsAndSlowSampler, KeepErrorsAndSlowProcessor, standardSampler, type SamplerName } from './sampling.ts';

export interface TracingOptions {
  /** OTLP/HTTP endpoint; spans are posted to <endpoint>/v1/traces as protobuf. */
  endpoint?: string;
  /** Where spans go instead of the OTLP endpoint (tests give an InMemorySpanExporter). */
  exporter?: SpanExporter;
  /** OTEL_TRACES_SAMPLER; default parentbased_always_on. */
  sampler?: SamplerName;
  /** OTEL_TRACES_SAMPLER_ARG, for the traceidratio samplers; default 1. */
  samplerRatio?: number;
  /** Server spans of requests slower than this (ms) or answered 5xx are exported even when not sampled; default 1000. */
  slowRequestMs?: number;
  serviceName: string;
  serviceVersion?: string;
  /** Incoming requests to these paths make no span (probes and scrapes would drown real traffic). */
  ignorePaths?: readonly string[];
}

export interface Tracing {
  /** Exports the spans buffered so far. */
  forceFlush(): Promise<void>;
  /** Flushes buffered spans, stops exporting and unregisters the global tracer, context manager and propagator. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry: spans for outgoing HTTP (node:http and fetch) and PostgreSQL queries, and the tracer
 * the app's request hooks make server spans with (server-spans.ts), sampled as OTEL_TRACES_SAMPLER says plus
 * the server spans of failed and slow requests (sampling.ts),
 * exported in batches over OTLP/HTTP in protobuf. Instrumentation patches modules as they are loaded, so call this before
 * importing the HTTP server, pg or the S3 client: the API's main.ts does, then imports the app.
 */
export function startTracing(options: TracingOptions): Tracing {
  const exporter = options.exporter ?? otlpExporter(options.endpoint);
  const samplerName = options.sampler ?? 'parentbased_always_on';
  const keepErrorsAndSlow = samplerName !== 'always_off';
  const sampler = new ErrorsAndSlowSampler(standardSampler(samplerName, options.samplerRatio ?? 1), keepErrorsAndSlow);
  const ids = new PresetTraceIdGenerator();
  const slowMs = options.slowRequestMs ?? 1000;
  const provider = new NodeTracerProvider({
    sampler,
    idGenerator: ids,
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
    }),
    spanProcessors: [new KeepErrorsAndSlowProcessor(new BatchSpanProcessor(exporter), slowMs)],
  });
  provider.register();
  configureServerSpans({
    tracer: provider.getTracer('@shopops/observability'),
    sampler,
    ids,
    slowMs: keepErrorsAndSlow ? slowMs : undefined,
    ignorePaths: options.ignorePaths ?? [],
  });
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Outgoing calls only (S3 goes through node:http): the app's request hooks make the server spans.
      // Children of a sampled request only: outside one (an unsampled request runs in no context, probes and
      // background work in none either) the sampler would drop the span anyway, after paying for it.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true, requireParentforOutgoingSpans: true }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    ],
  });
  return {
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      configureServerSpans(undefined);
      unregister();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function otlpExporter(endpoint: string | undefined): SpanExporter {
  if (!endpoint) throw new Error('startTracing: give the OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) or an exporter');
  // Protobuf rather than JSON: smaller bodies and no JSON.stringify of every attribute.
  return new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
}
