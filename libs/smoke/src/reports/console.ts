import { maskSecrets } from '@shopops/postgres';
import { SmokeInputError, SmokeInputErrors } from '../errors.ts';
import type { SmokeResult } from '../run-smoke.ts';

/** What a person reads at the end of a run: each check that did not pass with all its failures, then the summary. */
export function resultText(result: SmokeResult): string {
  const failing = result.checks
    .filter((check) => check.status !== 'passed')
    .map(
      (check) =>
        `${check.status}: ${check.name} (${check.method} ${check.url}, ${check.attempts} attempt(s))\n${check.failures.map((f) => `  - ${f}\n`).join('')}`,
    );
  return `${failing.join('')}${result.summary}\n`;
}

/** `smoke: <file:line: what>` and `  remedy: <what to do>` for each problem; the stack with DEBUG=1. */
export function errorText(error: unknown, env: NodeJS.ProcessEnv): string {
  const problems = error instanceof SmokeInputErrors ? error.problems : error instanceof SmokeInputError ? [error] : [];
  const lines = problems.length
    ? problems.flatMap((p) => [`smoke: ${p.where}`, ...(p.remedy ? [`  remedy: ${p.remedy}`] : [])])
    : [`smoke: ${(error as Error).message ?? String(error)}`];
  if (env.DEBUG) lines.push((error as Error).stack ?? '');
  return `${maskSecrets(lines.join('\n'))}\n`;
}
