/** What one machine's /metrics said about the app's own traffic (probes and scrapes left out). */
export interface TrafficSample {
  requests: number;
  errors: number;
  /** Cumulative request_latency_seconds buckets: upper bound (seconds, Infinity for +Inf) → count. */
  buckets: Map<number, number>;
}

/** Requests a release's own checks make: counting them would turn an idle machine into a "busy" one. */
const PROBE_ROUTES = new Set(['/healthz', '/readyz', '/metrics', '/version']);

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Sums http_requests_total (by 5xx status) and request_latency_seconds_bucket over the app's routes. */
export function trafficSample(text: string): TrafficSample {
  const sample: TrafficSample = { requests: 0, errors: 0, buckets: new Map() };
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const [, name, labelText = '', valueText] = match;
    if (name !== 'http_requests_total' && name !== 'request_latency_seconds_bucket') continue;
    const labels = Object.fromEntries([...labelText.matchAll(LABEL)].map(([, k, v]) => [k!, v!]));
    if (PROBE_ROUTES.has(labels.route ?? '')) continue;
    const value = Number(valueText);
    if (!Number.isFinite(value)) continue;
    if (name === 'http_requests_total') {
      sample.requests += value;
      if (/^5\d\d$/.test(labels.status ?? '')) sample.errors += value;
    } else {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      sample.buckets.set(le, (sample.buckets.get(le) ?? 0) + value);
    }
  }
  return sample;
}

/** What happened between two samples of one machine; a restarted machine (counters reset) counts from zero. */
export function difference(after: TrafficSample, before: TrafficSample | undefined): TrafficSample {
  if (!before || after.requests < before.requests) return after;
  const buckets = new Map([...after.buckets].map(([le, count]) => [le, count - (before.buckets.get(le) ?? 0)]));
  return { requests: after.requests - before.requests, errors: after.errors - before.errors, buckets };
}

export function sum(samples: readonly TrafficSample[]): TrafficSample {
  const total: TrafficSample = { requests: 0, errors: 0, buckets: new Map() };
  for (const s of samples) {
    total.requests += s.requests;
    total.errors += s.errors;
    for (const [le, count] of s.buckets) total.buckets.set(le, (total.buckets.get(le) ?? 0) + count);
  }
  return total;
}

/** A quantile from cumulative buckets, interpolated inside its bucket as Prometheus's histogram_quantile does. */
export function quantileSeconds(buckets: Map<number, number>, q: number): number | null {
  const sorted = [...buckets].sort(([a], [b]) => a - b);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let [lowerBound, lowerCount] = [0, 0];
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / Math.max(count - lowerCount, 1e-9);
    }
    [lowerBound, lowerCount] = [le, count];
  }
  return lowerBound;
}
