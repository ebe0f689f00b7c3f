import type { CanaryReport } from './report.ts';

/** --dry-run: what each step would create, cordon and destroy, and how it would be judged. */
export function planText(report: CanaryReport): string {
  const s = report.settings as Record<string, unknown>;
  const old = [...report.machines.old];
  const lines = [
    `fly-canary: plan for ${report.app}: ${report.previousImage} → ${report.image} (deployment ${report.deployment})`,
  ];
  if (report.interrupted)
    lines.push(
      `  first: roll back interrupted release ${report.interrupted.deployment} (${report.interrupted.machines.join(', ')})`,
    );
  lines.push(`  release command: ${s.releaseCommand ? `\`${s.releaseCommand}\` in a temporary machine` : 'none'}`);
  for (const step of report.steps) {
    const cordon = old.splice(0, step.create);
    lines.push(
      `  step ${step.index} (${step.label}): create ${step.create} machine(s), then cordon ${cordon.join(', ')}; ${step.target} of ${report.machines.old.length} on the new image`,
    );
  }
  lines.push(`  at the end: destroy ${report.machines.old.join(', ')}`);
  lines.push(
    `  analysis every ${Number(s.intervalMs) / 1000} s: at least ${s.minRequests} requests, 5xx ≤ ${Number(s.maxErrorRate) * 100} % and ≤ old + ${Number(s.maxErrorRateIncrease) * 100} %, p95 ≤ ${s.maxP95Ratio}× old (above ${s.latencyFloorMs} ms); failure limit ${s.failureLimit}; inconclusive: ${s.onInconclusive}${s.onInconclusive === 'wait' ? ` (up to ${s.maxInconclusive})` : ''}${s.syntheticLoad ? ', synthetic load first' : ''}`,
  );
  lines.push(report.summary);
  return `${lines.join('\n')}\n`;
}
