import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '@shopops/testing';
import { RULES_DIR, RUNBOOK } from '../src/paths.ts';
import { ruleFileProblems } from '../src/rule-policy.ts';
import { headingAnchor, markdownAnchors } from '../src/runbook.ts';

const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => join(RULES_DIR, f));
const anchors = markdownAnchors(RUNBOOK);

/** A copy of application.yml with `edit` applied to its text, in a scratch directory. */
function editedRuleFile(edit: (text: string) => string): string {
  const file = join(scratchDir('rules-'), 'application.yml');
  writeFileSync(file, edit(readFileSync(join(RULES_DIR, 'application.yml'), 'utf8')));
  return file;
}

describe('alert rule policy', () => {
  it('every alert has a routed severity, summary, a description with the value, and a runbook section that exists', async () => {
    expect(await ruleFileProblems(ruleFiles, anchors)).toEqual([]);
  });

  it('anchors are the ones GitHub renders', () => {
    expect(headingAnchor('API high error rate')).toBe('api-high-error-rate');
    expect(headingAnchor('Backup too old')).toBe('backup-too-old');
    expect(anchors.has('api-down')).toBe(true);
  });

  it('names the file and the alert whose runbook_url is missing', async () => {
    const file = editedRuleFile((text) => text.replace(/\n\s+runbook_url: '[^']*#api-down'/, ''));
    expect(await ruleFileProblems([file], anchors)).toEqual([`${file}: ApiDown: no runbook_url annotation`]);
  });

  it('names the file and the alert without a severity', async () => {
    const file = editedRuleFile((text) => text.replace('severity: warning', 'team: shop'));
    expect(await ruleFileProblems([file], anchors)).toEqual([`${file}: ApiHighLatency: no severity label`]);
  });

  it('names the alert whose runbook anchor does not exist', async () => {
    const file = editedRuleFile((text) => text.replace('#api-not-ready', '#api-unready'));
    expect(await ruleFileProblems([file], anchors)).toEqual([
      `${file}: ApiNotReady: docs/RUNBOOK.md has no section #api-unready`,
    ]);
  });

  it('names the file and the rule whose expression does not parse', async () => {
    const file = editedRuleFile((text) =>
      text.replace('expr: api_ready{job="api"} == 0', 'expr: api_ready{job="api" == 0'),
    );
    const problems = await ruleFileProblems([file], anchors);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${file}: promtool check rules:`);
    expect(problems[0]).toContain('ApiNotReady');
  });

  it('names the file that is not YAML', async () => {
    const file = editedRuleFile((text) => `${text}\n  - name: [unclosed\n`);
    const problems = await ruleFileProblems([file], anchors);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${file}: promtool check rules:`);
  });
});
