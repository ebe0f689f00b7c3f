/**
 * Prints the failed tests recorded by the workspace's Vitest runs (one JSON report per project, see
 * vitest.config.ts), with their first error lines. CI shows only the end of a long log; this puts the
 * failures there, whichever project's output scrolled past.
 *
 *   tsx tools/scripts/test-failures.ts [reports/tests]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

interface AssertionResult {
  fullName: string;
  status: string;
  failureMessages: string[];
}
interface FileResult {
  name: string;
  status: string;
  message?: string;
  assertionResults: AssertionResult[];
}

const MESSAGE_LINES = 12;
const workspaceRoot = resolve(import.meta.dirname, '../..');
const reportDir = resolve(process.argv[2] ?? join(workspaceRoot, 'reports/tests'));

/** The message and our own stack frames: the test runner's and Node's frames say nothing here. */
function firstLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s+at .*(node_modules|node:internal|<anonymous>)/.test(line))
    .slice(0, MESSAGE_LINES)
    .map((line) => `    ${line}`)
    .join('\n');
}

function failuresIn(file: FileResult): string[] {
  const where = relative(workspaceRoot, file.name);
  const failed = file.assertionResults
    .filter((test) => test.status === 'failed')
    .map((test) => `✗ ${where} > ${test.fullName}\n${firstLines(test.failureMessages.join('\n'))}`);
  // A failing hook or an import error fails the file without failing any single test.
  if (failed.length === 0 && file.status === 'failed') failed.push(`✗ ${where}\n${firstLines(file.message ?? '')}`);
  return failed;
}

const reports = existsSync(reportDir) ? readdirSync(reportDir).filter((name) => name.endsWith('.json')) : [];
const failures = reports.flatMap((report) => {
  const { testResults } = JSON.parse(readFileSync(join(reportDir, report), 'utf8')) as { testResults: FileResult[] };
  return testResults.flatMap(failuresIn);
});
console.log(
  failures.length > 0
    ? `Failed tests (${failures.length}):\n${failures.join('\n')}`
    : `No failed test in ${reports.length} report(s) under ${relative(workspaceRoot, reportDir)}: the failure is in a task above (lint, typecheck, build).`,
);
