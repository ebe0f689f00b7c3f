import type { SmokeResult } from '../run-smoke.ts';

/** One line: how many passed, against what, and which build answered. */
export function summaryLine(result: Omit<SmokeResult, 'summary'>): string {
  const total = result.checks.length;
  const seconds = `${(result.durationMs / 1000).toFixed(1)} s`;
  const outcome =
    result.exitCode === 0
      ? `${result.passed} of ${total} checks passed`
      : `${result.failed + result.unreachable} of ${total} checks failed${result.unreachable ? ` (${result.unreachable} unreachable)` : ''}`;
  const { version, commit } = result.answered;
  const build =
    version === null && commit === null
      ? 'version unknown, commit unknown (no check reads the build)'
      : `version ${version ?? 'unknown'}, commit ${commit ?? 'unknown'} answered`;
  const expected = [
    result.expected.version !== undefined ? `version ${result.expected.version}` : '',
    result.expected.commit !== undefined ? `commit ${result.expected.commit}` : '',
  ].filter(Boolean);
  const expectation = expected.length ? ` (expected ${expected.join(', ')})` : '';
  const skipped = result.skipped.length ? `, ${result.skipped.length} skipped` : '';
  return `smoke: ${outcome}${skipped} in ${seconds} against ${result.baseUrl}; ${build}${expectation}`;
}
