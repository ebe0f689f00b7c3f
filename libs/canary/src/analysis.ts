import { quantileSeconds, type TrafficSample } from './prometheus.ts';

export type Verdict = 'passed' | 'failed' | 'inconclusive';

export interface GroupFigures {
  machines: string[];
  requests: number;
  errors: number;
  /** 5xx / requests; null without requests. */
  errorRate: number | null;
  p95Ms: number | null;
}

export interface MachineProbe {
  machine: string;
  /** /readyz answered 200. */
  ready: boolean;
  detail: string;
  /** Fly's checks of the machine that were not passing. */
  failingChecks: string[];
}

export interface Analysis {
  step: number;
  /** 1-based measurement at this step. */
  measurement: number;
  verdict: Verdict;
  new: GroupFigures;
  /** null when no old machine served in the interval (the last step): the previous figures are used. */
  old: GroupFigures | null;
  probes: MachineProbe[];
  /** Every figure that crossed its threshold, or why the verdict is inconclusive. */
  reasons: string[];
  syntheticLoad: boolean;
}

export interface Thresholds {
  minRequests: number;
  maxErrorRate: number;
  maxErrorRateIncrease: number;
  maxP95Ratio: number;
  latencyFloorMs: number;
}

export function figures(machines: string[], sample: TrafficSample): GroupFigures {
  const p95 = quantileSeconds(sample.buckets, 0.95);
  return {
    machines,
    requests: sample.requests,
    errors: sample.errors,
    errorRate: sample.requests > 0 ? sample.errors / sample.requests : null,
    p95Ms: p95 === null ? null : Math.round(p95 * 100_000) / 100,
  };
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;

/**
 * Argo-style judgement of one interval: a probe or a check failing, or a figure over its threshold, fails;
 * fewer than minRequests requests on the new machines is inconclusive, never a success.
 */
export function judge(
  fresh: GroupFigures,
  old: GroupFigures | null,
  probes: MachineProbe[],
  t: Thresholds,
): { verdict: Verdict; reasons: string[] } {
  const reasons: string[] = [];
  for (const probe of probes) {
    if (!probe.ready) reasons.push(`machine ${probe.machine}: /readyz ${probe.detail}`);
    if (probe.failingChecks.length)
      reasons.push(`machine ${probe.machine}: checks failing: ${probe.failingChecks.join(', ')}`);
  }
  if (reasons.length) return { verdict: 'failed', reasons };
  if (fresh.requests < t.minRequests)
    return {
      verdict: 'inconclusive',
      reasons: [`${fresh.requests} request(s) on the new machines, fewer than the ${t.minRequests} an analysis needs`],
    };
  const rate = fresh.errorRate ?? 0;
  if (rate > t.maxErrorRate)
    reasons.push(
      `5xx rate ${percent(rate)} (${fresh.errors} of ${fresh.requests}) over the maximum ${percent(t.maxErrorRate)}`,
    );
  const oldConclusive = old !== null && old.requests >= t.minRequests;
  if (oldConclusive && rate - (old.errorRate ?? 0) > t.maxErrorRateIncrease)
    reasons.push(
      `5xx rate ${percent(rate)} is ${percent(rate - (old.errorRate ?? 0))} above the old machines' ${percent(old.errorRate ?? 0)} (maximum increase ${percent(t.maxErrorRateIncrease)})`,
    );
  if (
    oldConclusive &&
    fresh.p95Ms !== null &&
    old.p95Ms &&
    fresh.p95Ms > t.latencyFloorMs &&
    fresh.p95Ms / old.p95Ms > t.maxP95Ratio
  )
    reasons.push(
      `p95 ${fresh.p95Ms} ms is ${(fresh.p95Ms / old.p95Ms).toFixed(2)}× the old machines' ${old.p95Ms} ms (maximum ${t.maxP95Ratio}×)`,
    );
  return reasons.length ? { verdict: 'failed', reasons } : { verdict: 'passed', reasons: [] };
}
