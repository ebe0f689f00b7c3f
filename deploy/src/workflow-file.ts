import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The parts of GitHub's workflow syntax our checks read; actionlint checks the rest. */
export interface WorkflowStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface WorkflowJob {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string; url?: string };
  permissions?: Record<string, string> | string;
  env?: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  outputs?: Record<string, string>;
  /** A reusable workflow. */
  uses?: string;
  steps?: WorkflowStep[];
}

export interface Workflow {
  name?: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string };
  env?: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, WorkflowJob>;
}

export interface WorkflowFile {
  /** Relative to the workspace root, e.g. .github/workflows/ci.yml. */
  path: string;
  text: string;
  workflow: Workflow;
}

export interface RunStep {
  file: WorkflowFile;
  jobId: string;
  job: WorkflowJob;
  step: WorkflowStep;
  /** The shell GitHub runs the script with: the step's, the job's or workflow's default, else bash. */
  shell: string;
  label: string;
}

export function readWorkflows(workspaceRoot: string, dir = '.github/workflows'): WorkflowFile[] {
  return readdirSync(join(workspaceRoot, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => {
      const path = `${dir}/${name}`;
      const text = readFileSync(join(workspaceRoot, path), 'utf8');
      return { path, text, workflow: parse(text) as Workflow };
    });
}

export function steps(file: WorkflowFile): { jobId: string; job: WorkflowJob; step: WorkflowStep }[] {
  return Object.entries(file.workflow.jobs).flatMap(([jobId, job]) =>
    (job.steps ?? []).map((step) => ({ jobId, job, step })),
  );
}

export function runSteps(file: WorkflowFile): RunStep[] {
  return steps(file)
    .filter(({ step }) => step.run !== undefined)
    .map(({ jobId, job, step }) => ({
      file,
      jobId,
      job,
      step,
      shell: step.shell ?? job.defaults?.run?.shell ?? file.workflow.defaults?.run?.shell ?? 'bash',
      label: `${file.path} ${jobId} "${step.name ?? step.run!.split('\n')[0]}"`,
    }));
}

/** The step of `jobId` called `name`; throws, naming what there is, when none is. */
export function stepNamed(file: WorkflowFile, jobId: string, name: string): WorkflowStep {
  const job = file.workflow.jobs[jobId];
  if (!job) throw new Error(`${file.path} has no job ${jobId}`);
  const step = job.steps?.find((s) => s.name === name);
  if (!step) {
    const names = (job.steps ?? []).map((s) => s.name).filter(Boolean);
    throw new Error(`${file.path} job ${jobId} has no step "${name}" (it has: ${names.join('; ')})`);
  }
  return step;
}
