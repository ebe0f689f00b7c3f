import type { Registry } from 'prom-client';

interface ExposedValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

interface ExposedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: ExposedValue[];
  aggregator: 'sum';
}

/**
 * Metrics recorded on every request, as prom-client collectors (the registry renders and merges them like its
 * own) whose labelled series are plain objects the caller keeps: recording is an addition, with no label
 * object to build, validate and hash per call as prom-client's own metrics do. That per-call work was most of
 * what metrics cost a request.
 */
abstract class SeriesFamily<L extends string, S> {
  readonly aggregator = 'sum' as const;
  private readonly byKey = new Map<string, { labels: Record<L, string>; series: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series for these label values, created on first use; callers cache the handle. */
  series(labels: Record<L, string>): S {
    const key = this.labelNames.map((name) => labels[name]).join('\u0000');
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, series: this.create() };
      this.byKey.set(key, entry);
    }
    return entry.series;
  }

  protected entries(): Iterable<{ labels: Record<L, string>; series: S }> {
    return this.byKey.values();
  }

  protected abstract create(): S;
  abstract get(): Promise<ExposedMetric>;
  /** prom-client's Registry.resetMetrics() calls this. */
  reset(): void {
    this.byKey.clear();
  }
}

export interface CounterSeries {
  value: number;
}

export class CounterFamily<L extends string> extends SeriesFamily<L, CounterSeries> {
  readonly type = 'counter' as const;

  protected create(): CounterSeries {
    return { value: 0 };
  }

  async get(): Promise<ExposedMetric> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.entries()].map(({ labels, series }) => ({ labels, value: series.value })),
    };
  }
}

export interface HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot is above the highest bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

export class HistogramFamily<L extends string> extends SeriesFamily<L, HistogramSeries> {
  readonly type = 'histogram' as const;

  constructor(
    name: string,
    help: string,
    labelNames: readonly L[],
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    super(name, help, labelNames, registry);
  }

  observe(series: HistogramSeries, value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    series.counts[i]! += 1;
    series.sum += value;
    series.count += 1;
  }

  protected create(): HistogramSeries {
    return { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
  }

  async get(): Promise<ExposedMetric> {
    const values: ExposedValue[] = [];
    for (const { labels, series } of this.entries()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += series.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: series.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
