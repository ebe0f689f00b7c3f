import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { parse } from 'yaml';
import { relativeToRoot } from './paths.ts';

export interface AlertRule {
  file: string;
  group: string;
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface RuleFile {
  groups?: { name: string; rules?: (Partial<AlertRule> & { record?: string })[] }[];
}

export const SEVERITIES = ['critical', 'warning'] as const;
/** The one alert allowed severity "none": routed to the null receiver, it proves the pipeline works. */
export const HEARTBEAT_ALERT = 'Watchdog';
const RUNBOOK_URL = /^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[^/]+\/docs\/RUNBOOK\.md#([a-z0-9-]+)$/;

/** The alerting rules of a rule file (recording rules are skipped). Throws on YAML that does not parse. */
export function alertRules(file: string): AlertRule[] {
  const document = parse(readFileSync(file, 'utf8')) as RuleFile | null;
  return (document?.groups ?? []).flatMap((group) =>
    (group.rules ?? [])
      .filter((rule) => rule.alert !== undefined)
      .map((rule) => ({
        file,
        group: group.name,
        alert: String(rule.alert),
        expr: String(rule.expr ?? ''),
        for: rule.for,
        labels: rule.labels ?? {},
        annotations: rule.annotations ?? {},
      })),
  );
}

/**
 * What every alert must carry to be actionable: a severity Alertmanager routes, a summary, a description
 * that shows the value, and a runbook_url whose anchor exists in docs/RUNBOOK.md.
 */
export function alertPolicyProblems(rule: AlertRule, runbookAnchors: ReadonlySet<string>): string[] {
  const where = `${relativeToRoot(rule.file)}: ${rule.alert}`;
  const problems: string[] = [];
  const severity = rule.labels.severity;
  if (!severity) problems.push(`${where}: no severity label`);
  else if (
    !(SEVERITIES as readonly string[]).includes(severity) &&
    !(rule.alert === HEARTBEAT_ALERT && severity === 'none')
  ) {
    problems.push(`${where}: severity "${severity}" is not one of ${SEVERITIES.join(', ')}`);
  }
  if (!rule.annotations.summary) problems.push(`${where}: no summary annotation`);
  if (!rule.annotations.description) problems.push(`${where}: no description annotation`);
  else if (!rule.annotations.description.includes('$value')) {
    problems.push(`${where}: the description does not show the value ({{ $value }})`);
  }
  const runbook = rule.annotations.runbook_url;
  if (!runbook) problems.push(`${where}: no runbook_url annotation`);
  else {
    const anchor = RUNBOOK_URL.exec(runbook)?.[1];
    if (!anchor) problems.push(`${where}: runbook_url ${runbook} is not a docs/RUNBOOK.md#section URL`);
    else if (!runbookAnchors.has(anchor)) problems.push(`${where}: docs/RUNBOOK.md has no section #${anchor}`);
  }
  return problems;
}

/** `promtool check rules` with every lint as an error; its complaint (naming group and rule) when it fails. */
export async function promtoolRuleProblems(file: string): Promise<string[]> {
  const result = await execa('promtool', ['check', 'rules', '--lint=all', '--lint-fatal', file], {
    reject: false,
    all: true,
  });
  if (result.exitCode === 0) return [];
  return [`${relativeToRoot(file)}: promtool check rules: ${result.all.trim().split('\n').slice(1).join(' ').trim()}`];
}

/** Every problem of the rule files: promtool's, then the policy's (skipped for a file promtool rejects). */
export async function ruleFileProblems(
  files: readonly string[],
  runbookAnchors: ReadonlySet<string>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const file of files) {
    const promtool = await promtoolRuleProblems(file);
    problems.push(...promtool);
    if (promtool.length === 0)
      problems.push(...alertRules(file).flatMap((rule) => alertPolicyProblems(rule, runbookAnchors)));
  }
  return problems;
}
