import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';
import { newTraceId } from './trace-context.ts';

/**
 * The tracer provider's id generator. A request's trace id is chosen before its server span exists (the
 * sampler is asked with it, and unsampled requests never get a span unless they fail), so server-spans.ts
 * hands that id over for the one root span it starts; every other root span gets a fresh one.
 */
export class PresetTraceIdGenerator implements IdGenerator {
  private preset: string | undefined;
  private readonly spanIds = new RandomIdGenerator();

  /** Runs `start`, which starts one root span synchronously, with `traceId` as that span's trace id. */
  withTraceId<T>(traceId: string, start: () => T): T {
    this.preset = traceId;
    try {
      return start();
    } finally {
      this.preset = undefined;
    }
  }

  generateTraceId(): string {
    const id = this.preset ?? newTraceId();
    this.preset = undefined;
    return id;
  }

  generateSpanId(): string {
    return this.spanIds.generateSpanId();
  }
}
