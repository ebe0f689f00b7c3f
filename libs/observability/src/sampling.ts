import {
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type Context,
  type Link,
} from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Sampler,
  type SamplingResult,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { isErrorOrSlow } from './server-spans.ts';

/** OpenTelemetry's standard OTEL_TRACES_SAMPLER values. */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

/** The standard sampler a name and ratio (OTEL_TRACES_SAMPLER_ARG) stand for. */
export function standardSampler(name: SamplerName, ratio: number): Sampler {
  const root = name.endsWith('always_on')
    ? new AlwaysOnSampler()
    : name.endsWith('always_off')
      ? new AlwaysOffSampler()
      : new TraceIdRatioBasedSampler(ratio);
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

/**
 * The standard sampler, plus two rules. A server span is recorded even when its trace is not sampled (its
 * children are not: they would cost most of what a sampled trace costs): server-spans.ts starts one only
 * once such a request has failed or was slow, and KeepErrorsAndSlowProcessor exports it. And a root span that is
 * not a server span is dropped: in this API those are the queries and S3 calls of probes and scrapes,
 * whose own request spans are skipped.
 */
export class ErrorsAndSlowSampler implements Sampler {
  constructor(
    private readonly base: Sampler,
    private readonly keepUnsampledServerSpans: boolean,
  ) {}

  shouldSample(
    context: Context,
    traceId: string,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const parent = trace.getSpanContext(context);
    if (!parent && kind !== SpanKind.SERVER) return { decision: SamplingDecision.NOT_RECORD };
    const result = this.base.shouldSample(context, traceId, name, kind, attributes, links);
    if (result.decision === SamplingDecision.RECORD_AND_SAMPLED || !this.keepUnsampledServerSpans) return result;
    if (kind === SpanKind.SERVER && (!parent || parent.isRemote))
      return { ...result, decision: SamplingDecision.RECORD };
    return result;
  }

  toString(): string {
    return `ErrorsAndSlow{${this.base.toString()}}`;
  }
}

/** isErrorOrSlow for a finished span: its status code attribute, error status and duration. */
function isErrorOrSlowSpan(span: ReadableSpan, slowMs: number): boolean {
  if (span.status.code === SpanStatusCode.ERROR) return true;
  const status = Number(span.attributes['http.response.status_code'] ?? span.attributes['http.status_code']);
  const [seconds, nanos] = span.duration;
  return isErrorOrSlow(status, seconds * 1000 + nanos / 1e6, slowMs);
}

/**
 * Hands sampled spans to `next` as they are, and the recorded-but-unsampled server spans of failed or slow
 * requests marked sampled (a view of the span, not a copy), so the exporter sends them too.
 */
export class KeepErrorsAndSlowProcessor implements SpanProcessor {
  constructor(
    private readonly next: SpanProcessor,
    private readonly slowMs: number,
  ) {}

  onStart(span: Span, context: Context): void {
    this.next.onStart(span, context);
  }

  onEnd(span: ReadableSpan): void {
    const spanContext = span.spanContext();
    if ((spanContext.traceFlags & TraceFlags.SAMPLED) !== 0) return this.next.onEnd(span);
    if (span.kind !== SpanKind.SERVER || !isErrorOrSlowSpan(span, this.slowMs)) return;
    const sampled = { ...spanContext, traceFlags: spanContext.traceFlags | TraceFlags.SAMPLED };
    this.next.onEnd(Object.create(span, { spanContext: { value: () => sampled } }) as ReadableSpan);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
