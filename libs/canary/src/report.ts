import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Analysis, GroupFigures } from './analysis.ts';
import type { Step } from './steps.ts';

export type Outcome = 'released' | 'rolled-back' | 'failed' | 'planned';

export interface StepReport extends Step {
  index: number;
  created: string[];
  cordoned: string[];
  analyses: Analysis[];
  verdict: 'passed' | 'failed' | 'interrupted' | 'pending';
}

/** The JSON report (deploy.json): everything a release did and saw. */
export interface CanaryReport {
  app: string;
  deployment: string;
  image: string;
  previousImage: string | null;
  outcome: Outcome;
  exitCode: number;
  startedAt: string;
  finishedAt: string | null;
  releaseCommand: { command: string; machine: string | null; exitCode: number | null } | null;
  settings: Record<string, unknown>;
  machines: { old: string[]; created: string[]; destroyed: string[] };
  steps: StepReport[];
  /** An earlier release found unfinished on the machines, and what this run did about it. */
  interrupted: { deployment: string; action: 'rolled-back' | 'resumed' | 'planned'; machines: string[] } | null;
  rollback: { step: number | null; reason: string; details: string[]; completed: boolean } | null;
  summary: string;
}

export function writeReport(path: string, report: CanaryReport): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(temporary, path);
}

const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)} %`);

export function figuresLine(label: string, f: GroupFigures | null): string {
  if (!f) return `${label}: no machine served`;
  return `${label}: ${f.requests} requests, 5xx ${percent(f.errorRate)}, p95 ${f.p95Ms ?? '–'} ms`;
}

/** The one line a run ends with. */
export function summaryLine(report: CanaryReport): string {
  const passedSteps = report.steps.filter((s) => s.verdict === 'passed').length;
  switch (report.outcome) {
    case 'released':
      return `fly-canary: released ${report.image} to ${report.app}: ${report.machines.created.length} machine(s) through ${report.steps.length} step(s), ${report.machines.destroyed.length} old machine(s) destroyed`;
    case 'rolled-back':
      return `fly-canary: rolled back ${report.image} on ${report.app} at ${report.rollback?.step ? `step ${report.rollback.step}` : 'the start'} (${report.rollback?.reason}); the old version serves`;
    case 'planned':
      return `fly-canary: plan for ${report.app}: ${report.image} through ${report.steps.length} step(s); nothing changed (--dry-run)`;
    default:
      return `fly-canary: ${report.rollback?.reason ?? 'failed'} after ${passedSteps} step(s) on ${report.app}`;
  }
}

/** What a person reads at the end: the failure's figures, then the summary. */
export function resultText(report: CanaryReport): string {
  const lines: string[] = [];
  if (report.rollback) {
    lines.push(
      `fly-canary: ${report.rollback.step ? `step ${report.rollback.step} failed` : 'stopped'}: ${report.rollback.reason}`,
    );
    for (const detail of report.rollback.details) lines.push(`  - ${detail}`);
    if (!report.rollback.completed) lines.push('  the rollback did not complete: run fly-canary again to finish it');
  }
  lines.push(report.summary);
  return `${lines.join('\n')}\n`;
}
