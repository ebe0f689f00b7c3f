import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '@shopops/testing';
import { PROMETHEUS_CONFIG, RULES_DIR, RULE_TESTS_DIR } from '../src/paths.ts';
import { alertRules, HEARTBEAT_ALERT } from '../src/rule-policy.ts';

const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => join(RULES_DIR, f));
const testFiles = readdirSync(RULE_TESTS_DIR)
  .filter((f) => f.endsWith('.test.yml'))
  .map((f) => join(RULE_TESTS_DIR, f));

interface RuleTestFile {
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

describe('Prometheus configuration (promtool)', () => {
  it('promtool check config accepts prometheus.yml and the rule files it loads', async () => {
    const result = await execa('promtool', ['check', 'config', '--lint=all', '--lint-fatal', PROMETHEUS_CONFIG], {
      reject: false,
      all: true,
    });
    expect(result.all).toContain('SUCCESS');
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
  });

  it.each(ruleFiles)('promtool check rules --lint=all accepts %s', async (file) => {
    const result = await execa('promtool', ['check', 'rules', '--lint=all', '--lint-fatal', file], {
      reject: false,
      all: true,
    });
    expect(result.exitCode, result.all).toBe(0);
  });

  it.each(testFiles)('promtool test rules passes %s', async (file) => {
    const result = await execa('promtool', ['test', 'rules', file], { reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toContain('SUCCESS');
  });

  it('every alert has a unit test where it fires and one where it stays silent', () => {
    const fires = new Set<string>();
    const silent = new Set<string>();
    for (const file of testFiles) {
      for (const test of (parse(readFileSync(file, 'utf8')) as RuleTestFile).tests) {
        for (const check of test.alert_rule_test ?? []) {
          (check.exp_alerts?.length ? fires : silent).add(check.alertname);
        }
      }
    }
    const alerts = ruleFiles.flatMap(alertRules).map((rule) => rule.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(17);
    expect(alerts.filter((alert) => !fires.has(alert))).toEqual([]);
    // The heartbeat has no threshold to stay under.
    expect(alerts.filter((alert) => alert !== HEARTBEAT_ALERT && !silent.has(alert))).toEqual([]);
  });

  it('a rule unit test that expects the wrong outcome fails promtool', async () => {
    const file = join(RULE_TESTS_DIR, 'application.test.yml');
    const document = parse(readFileSync(file, 'utf8')) as RuleTestFile;
    const silentCase = document.tests.find((t) => t.name.startsWith('ApiHighErrorRate stays silent'))!;
    silentCase.alert_rule_test![0]!.exp_alerts = [{ exp_labels: { severity: 'critical', job: 'api' } }];
    const dir = scratchDir('rule-test-');
    const broken = join(dir, 'broken.test.yml');
    writeFileSync(broken, stringify({ ...document, rule_files: [join(RULES_DIR, 'application.yml')] }));
    const result = await execa('promtool', ['test', 'rules', broken], { reject: false, all: true });
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain('ApiHighErrorRate stays silent at 1.9 % of 5xx');
  });
});
