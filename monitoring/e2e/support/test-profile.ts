import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ALERTMANAGER_CONFIG, PROMETHEUS_CONFIG, RULES_DIR } from '../../src/paths.ts';

/** How long every `for:` of the test profile is: the expressions stay as written, only the waiting shrinks. */
export const TEST_FOR = '3s';

interface PrometheusConfig {
  global: Record<string, unknown>;
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
}

/**
 * monitoring/prometheus/prometheus.yml and its rules as a test run needs them, in `dir`: 1 s scrape and
 * evaluation intervals, the jobs in `targets` pointed at loopback (the others dropped: nothing runs
 * there), alerts sent to `alertmanager`, and every `for:` shortened to TEST_FOR.
 */
export function writePrometheusTestProfile(dir: string, targets: Record<string, string>, alertmanager: string): string {
  const config = parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as PrometheusConfig;
  config.global = {
    ...config.global,
    scrape_interval: '1s',
    evaluation_interval: '1s',
    external_labels: { environment: 'e2e' },
  };
  config.alerting.alertmanagers = [{ static_configs: [{ targets: [alertmanager] }] }];
  config.scrape_configs = config.scrape_configs
    .filter((job) => targets[job.job_name])
    .map((job) => ({ ...job, static_configs: [{ targets: [targets[job.job_name]!] }] }));
  mkdirSync(join(dir, 'rules'), { recursive: true });
  for (const file of readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml'))) {
    const rules = parse(readFileSync(join(RULES_DIR, file), 'utf8')) as { groups: { rules: { for?: string }[] }[] };
    for (const rule of rules.groups.flatMap((g) => g.rules)) if (rule.for) rule.for = TEST_FOR;
    writeFileSync(join(dir, 'rules', file), stringify(rules));
  }
  const path = join(dir, 'prometheus.yml');
  writeFileSync(path, stringify(config));
  return path;
}

interface Route {
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
}

interface AlertmanagerConfig {
  route: Route;
  receivers: {
    name: string;
    pagerduty_configs?: Record<string, unknown>[];
    slack_configs?: Record<string, unknown>[];
  }[];
}

/**
 * monitoring/alertmanager/alertmanager.yml with its routes, grouping and inhibitions as they are, waits cut
 * to 1 s, and the PagerDuty and Slack receivers posting to `webhook` (/pagerduty, /slack) with secrets
 * from files in `dir`.
 */
export function writeAlertmanagerTestProfile(dir: string, webhook: string): string {
  const config = parse(readFileSync(ALERTMANAGER_CONFIG, 'utf8')) as AlertmanagerConfig;
  const shorten = (route: Route) => {
    if (route.group_wait) route.group_wait = '1s';
    if (route.group_interval) route.group_interval = '1s';
    if (route.repeat_interval) route.repeat_interval = '1h';
    route.routes?.forEach(shorten);
  };
  shorten(config.route);
  const routingKey = join(dir, 'pagerduty-routing-key');
  const slackUrl = join(dir, 'slack-webhook-url');
  writeFileSync(routingKey, 'e2e-routing-key');
  writeFileSync(slackUrl, `${webhook}/slack`);
  for (const receiver of config.receivers) {
    for (const pagerduty of receiver.pagerduty_configs ?? []) {
      pagerduty.routing_key_file = routingKey;
      pagerduty.url = `${webhook}/pagerduty`;
    }
    for (const slack of receiver.slack_configs ?? []) slack.api_url_file = slackUrl;
  }
  const path = join(dir, 'alertmanager.yml');
  writeFileSync(path, stringify(config));
  return path;
}
