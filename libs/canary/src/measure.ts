import { figures, judge, type Analysis, type GroupFigures, type MachineProbe, type Thresholds } from './analysis.ts';
import { pause } from './interrupt.ts';
import type { Machine } from './machine.ts';
import type { MachinesApi } from './machines-api.ts';
import { probeReadiness, scrapeTraffic } from './machine-probe.ts';
import { difference, sum, type TrafficSample } from './prometheus.ts';

export interface Measured {
  machine: Machine;
  url: string;
  /** The machine's /metrics base (fly.toml's [[metrics]] port), which may differ from url's. */
  metricsUrl: string;
}

export interface MeasureInput {
  api: MachinesApi;
  step: number;
  measurement: number;
  fresh: Measured[];
  old: Measured[];
  /** The old machines' figures from the previous interval, for the last step where none serves. */
  previousOld: GroupFigures | null;
  intervalMs: number;
  thresholds: Thresholds;
  /** Drives traffic at the new machines for the interval instead of just waiting (--synthetic-load). */
  load?: (signal: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

/** One interval: every machine's /metrics before and after, each new machine's /readyz and checks, the verdict. */
export async function measureInterval(input: MeasureInput): Promise<Analysis> {
  const all = [...input.fresh, ...input.old];
  const before = await Promise.all(all.map((m) => scrapeTraffic(m.metricsUrl).catch(() => undefined)));
  if (input.load) {
    // A plain controller and timer: a timeout signal combined with AbortSignal.any can be collected
    // before it fires on Node 20, and the load would never stop.
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), input.intervalMs);
    const onInterrupt = () => stop.abort();
    input.signal?.addEventListener('abort', onInterrupt, { once: true });
    try {
      await Promise.all([input.load(stop.signal), pause(input.intervalMs, input.signal)]);
    } finally {
      clearTimeout(timer);
      stop.abort();
      input.signal?.removeEventListener('abort', onInterrupt);
    }
  } else {
    await pause(input.intervalMs, input.signal);
  }
  const after = await Promise.all(all.map((m) => scrapeTraffic(m.metricsUrl).catch((error: Error) => error)));
  const deltas = new Map<string, TrafficSample>();
  const unreadable = new Map<string, string>();
  all.forEach((m, i) => {
    const sample = after[i]!;
    if (sample instanceof Error) unreadable.set(m.machine.id, sample.message);
    else deltas.set(m.machine.id, difference(sample, before[i]));
  });
  const group = (members: Measured[]) =>
    figures(
      members.map((m) => m.machine.id),
      sum(members.flatMap((m) => deltas.get(m.machine.id) ?? [])),
    );
  const probes = await Promise.all(input.fresh.map((m) => probe(input.api, m, unreadable.get(m.machine.id))));
  const fresh = group(input.fresh);
  const old = input.old.length ? group(input.old) : input.previousOld;
  const { verdict, reasons } = judge(fresh, old, probes, input.thresholds);
  return {
    step: input.step,
    measurement: input.measurement,
    verdict,
    new: fresh,
    old,
    probes,
    reasons,
    syntheticLoad: input.load !== undefined,
  };
}

async function probe(api: MachinesApi, m: Measured, metricsProblem: string | undefined): Promise<MachineProbe> {
  const [readiness, machine] = await Promise.all([probeReadiness(m.url), api.get(m.machine.id).catch(() => undefined)]);
  const failingChecks = (machine?.checks ?? []).filter((c) => c.status === 'critical').map((c) => c.name);
  if (metricsProblem) failingChecks.push(`/metrics unreadable (${metricsProblem})`);
  return { machine: m.machine.id, ready: readiness.ready, detail: readiness.detail, failingChecks };
}
