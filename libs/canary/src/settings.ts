import type { Thresholds } from './analysis.ts';
import type { ResolvedCanaryOptions } from './options.ts';

/** The options with fly.toml's values filled in: what a release runs with, in the report as it ran. */
export interface Settings extends Thresholds {
  app: string;
  image: string;
  apiUrl: string;
  releaseCommand: string | null;
  steps: string[];
  intervalMs: number;
  failureLimit: number;
  onInconclusive: 'wait' | 'fail';
  maxInconclusive: number;
  syntheticLoad: boolean;
  smokeFile: string | undefined;
  syntheticLoadSkipTags: string[];
  appUrl: string;
  machineUrl: string;
  internalPort: number;
  /** Where each machine serves /metrics: fly.toml's [[metrics]] port, else internalPort. */
  metricsPort: number;
  waitTimeoutMs: number;
  releaseCommandTimeoutMs: number;
  minMachinesRunning: number;
  leaseTtlSeconds: number;
  retries: number;
}

export function settingsShown(s: Settings): Record<string, unknown> {
  return {
    steps: s.steps,
    intervalMs: s.intervalMs,
    minRequests: s.minRequests,
    maxErrorRate: s.maxErrorRate,
    maxErrorRateIncrease: s.maxErrorRateIncrease,
    maxP95Ratio: s.maxP95Ratio,
    latencyFloorMs: s.latencyFloorMs,
    failureLimit: s.failureLimit,
    onInconclusive: s.onInconclusive,
    maxInconclusive: s.maxInconclusive,
    syntheticLoad: s.syntheticLoad,
    syntheticLoadSkipTags: s.syntheticLoadSkipTags,
    releaseCommand: s.releaseCommand,
    waitTimeoutMs: s.waitTimeoutMs,
    releaseCommandTimeoutMs: s.releaseCommandTimeoutMs,
    minMachinesRunning: s.minMachinesRunning,
    leaseTtlSeconds: s.leaseTtlSeconds,
  };
}

export type { ResolvedCanaryOptions };
