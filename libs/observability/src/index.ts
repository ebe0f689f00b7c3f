export { createLogger, loggerOptions, type DestinationStream, type Logger, type LogOptions } from './logger.ts';
export { ApiMetrics, HTTP_METHODS, UNMATCHED_ROUTE, type MetricsOptions } from './metrics.ts';
export type { BuildInfo, PoolStats, ReadinessChecks } from './state-gauges.ts';
export { createScrubber, redactSensitiveKeys, SENSITIVE_KEYS } from './redaction.ts';
export { newTraceId, parseTraceparent, requestTraceId, type TraceParent } from './trace-context.ts';
export { endServerSpan, nameServerSpan, startServerSpan, withServerSpan } from './server-spans.ts';
// Tracing lives at '@shopops/observability/tracing' so that importing this module never loads OpenTelemetry's SDK.
export type { Tracing, TracingOptions } from './tracing.ts';
