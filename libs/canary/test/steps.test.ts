import { describe, expect, it } from 'vitest';
import { planSteps } from '../src/steps.ts';
import { authorization } from '../src/machines-api.ts';
import { quantileSeconds, trafficSample } from '../src/prometheus.ts';

describe('steps by machine count', () => {
  it('turns counts and percentages into targets, merges steps that round alike and ends at 100 %', () => {
    expect(planSteps(['1', '50%', '100%'], 3).map((s) => [s.label, s.target, s.create])).toEqual([
      ['1', 1, 1],
      ['50%', 2, 1],
      ['100%', 3, 1],
    ]);
    expect(planSteps(['1', '50%', '100%'], 2).map((s) => [s.label, s.target])).toEqual([
      ['1', 1],
      ['100%', 2],
    ]);
    expect(planSteps(['25%'], 4).map((s) => [s.label, s.target])).toEqual([
      ['25%', 1],
      ['100%', 4],
    ]);
  });
});

describe('what /metrics says', () => {
  const text = [
    '# TYPE http_requests_total counter',
    'http_requests_total{method="GET",route="/products",status="200"} 80',
    'http_requests_total{method="GET",route="/products",status="503"} 20',
    'http_requests_total{method="GET",route="/readyz",status="200"} 500',
    'request_latency_seconds_bucket{method="GET",route="/products",le="0.01"} 50',
    'request_latency_seconds_bucket{method="GET",route="/products",le="0.1"} 90',
    'request_latency_seconds_bucket{method="GET",route="/products",le="+Inf"} 100',
    'request_latency_seconds_bucket{method="GET",route="/readyz",le="0.01"} 500',
  ].join('\n');

  it("counts the app's requests and 5xx, leaving out probes, and interpolates p95 inside its bucket", () => {
    const sample = trafficSample(text);
    expect([sample.requests, sample.errors]).toEqual([100, 20]);
    expect(quantileSeconds(sample.buckets, 0.5)).toBeCloseTo(0.01);
    expect(quantileSeconds(sample.buckets, 0.95)).toBe(0.1);
    expect(quantileSeconds(new Map(), 0.95)).toBeNull();
  });
});

describe('the Authorization header', () => {
  it('is FlyV1 for macaroon tokens and Bearer for the others', () => {
    expect(authorization('fm2_abc,fm2_def')).toBe('FlyV1 fm2_abc,fm2_def');
    expect(authorization('FlyV1 fm2_abc')).toBe('FlyV1 fm2_abc');
    expect(authorization('legacy-token')).toBe('Bearer legacy-token');
  });
});
