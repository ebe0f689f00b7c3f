import { execa } from 'execa';
import type { WorkflowStep } from './workflow-file.ts';

export interface StepRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/**
 * A `run:` step executed as GitHub's runner executes it on Linux: the script in bash with -e (and
 * `--noprofile --norc -o pipefail` when the step names `shell: bash`), in `cwd`, with `env` standing in for
 * the runner's environment plus the workflow's, job's and step's `env:` after their expressions were
 * evaluated.
 */
export async function runStep(step: WorkflowStep, cwd: string, env: Record<string, string>): Promise<StepRun> {
  if (step.run === undefined) throw new Error(`step "${step.name}" has no run: script`);
  const shell = step.shell ?? 'default';
  if (!['default', 'bash'].includes(shell)) throw new Error(`step "${step.name}": shell ${shell} is not run here`);
  const flags = shell === 'bash' ? ['--noprofile', '--norc', '-eo', 'pipefail'] : ['-e'];
  const result = await execa('bash', [...flags, '-c', step.run], { cwd, env, extendEnv: false, reject: false });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}
