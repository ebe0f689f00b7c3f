import type { SmokeResult } from '../run-smoke.ts';

/** JUnit XML as CI systems read it: one testsuite, one testcase per check, unreachable ones as errors. */
export function junitXml(result: SmokeResult): string {
  const seconds = (ms: number | null) => ((ms ?? 0) / 1000).toFixed(3);
  const cases = result.checks.map((check) => {
    const attrs = `name="${xml(check.name)}" classname="smoke.${xml(check.tags[0] ?? 'checks')}" time="${seconds(check.durationMs)}"`;
    const detail = xml(
      [`${check.method} ${check.url}`, `attempts: ${check.attempts}`, ...check.failures.map((f) => `- ${f}`)].join(
        '\n',
      ),
    );
    const message = xml(check.failures.join('; '));
    const props = `\n      <system-out>${xml(`${check.method} ${check.url}: status ${check.httpStatus ?? 'none'}, ${check.attempts} attempt(s), ${check.latencyMs ?? '-'} ms`)}</system-out>`;
    if (check.status === 'passed') return `    <testcase ${attrs}>${props}\n    </testcase>`;
    const tag = check.status === 'unreachable' ? 'error' : 'failure';
    return `    <testcase ${attrs}>\n      <${tag} message="${message}" type="${check.status}">${detail}</${tag}>${props}\n    </testcase>`;
  });
  const suite = `name="smoke ${xml(result.baseUrl)}" tests="${result.checks.length}" failures="${result.failed}" errors="${result.unreachable}" skipped="0" time="${seconds(result.durationMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${suite}>`,
    `  <testsuite ${suite}>`,
    `    <properties>\n      <property name="version" value="${xml(result.answered.version ?? 'unknown')}"/>\n      <property name="commit" value="${xml(result.answered.commit ?? 'unknown')}"/>\n    </properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Control characters are not allowed in XML 1.0 at all, even escaped.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}
