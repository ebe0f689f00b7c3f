import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_METRICS } from '@shopops/backup';
import { scratchDir } from '@shopops/testing';
import { dashboardProblems } from '../src/dashboards.ts';
import { metricNamesFromExposition } from '../src/exposition.ts';
import { exporterMetrics } from '../src/exported-metrics.ts';
import { DASHBOARDS_DIR, RULES_DIR, WORKSPACE_ROOT } from '../src/paths.ts';
import { parsePromql } from '../src/promql.ts';
import { alertRules } from '../src/rule-policy.ts';
import { runBackupWithMetrics, startApiUnderWatch, type ApiUnderWatch } from './support/running-api.ts';
import { startNodeExporter } from './support/exporters.ts';

let watched: ApiUnderWatch;
let apiMetrics: Set<string>;
let backupMetrics: Set<string>;
let exported: Set<string>;

beforeAll(async () => {
  watched = await startApiUnderWatch();
  apiMetrics = metricNamesFromExposition(await (await fetch(`${watched.api.url}/metrics`)).text());
  const dir = scratchDir('backup-metrics-');
  await runBackupWithMetrics(watched.databaseUrl, join(dir, 'backups'), { file: join(dir, 'backup.prom') });
  backupMetrics = metricNamesFromExposition(readFileSync(join(dir, 'backup.prom'), 'utf8'));
  exported = new Set([...apiMetrics, ...backupMetrics, ...Object.values(exporterMetrics()).flat()]);
});
afterAll(async () => {
  await watched?.stop();
});

const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => join(RULES_DIR, f));
const dashboards = readdirSync(DASHBOARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => join(DASHBOARDS_DIR, f));

describe('every metric a rule or a dashboard queries is really exported', () => {
  it("the API's /metrics has the metrics the rules need", () => {
    for (const name of [
      'http_requests_total',
      'request_latency_seconds_bucket',
      'db_query_seconds_bucket',
      'db_pool_connections',
      'db_pool_max_connections',
      'app_build_info',
      'api_ready',
      'readiness_check_ok',
      'payments_failed_total',
      'payment_provider_request_seconds_bucket',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(apiMetrics, name).toContain(name);
    }
  });

  it("the backup CLI's --metrics-file output has every gauge @shopops/backup declares", async () => {
    const help = await execa(process.execPath, ['--import', 'tsx', 'libs/backup/src/main.ts', 'backup', '--help'], {
      cwd: WORKSPACE_ROOT,
    });
    expect(help.stdout).toContain('--metrics-file');
    expect([...backupMetrics].sort()).toEqual(BACKUP_METRICS.map((m) => m.name).sort());
  });

  it("the node_exporter names of exporter-metrics.yml are in the real node_exporter's /metrics", async () => {
    const exporter = await startNodeExporter();
    try {
      const names = metricNamesFromExposition(await (await fetch(`${exporter.url}/metrics`)).text());
      expect(exporterMetrics().node_exporter!.filter((name) => !names.has(name))).toEqual([]);
    } finally {
      await exporter.stop();
    }
  });

  it.each(ruleFiles)('%s: every metric its alerts select', (file) => {
    const unknown = alertRules(file).flatMap((rule) =>
      parsePromql(rule.expr)
        .metricNames.filter((name) => !exported.has(name))
        .map((name) => `${rule.alert}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it.each(dashboards)('%s: every metric its panels and variables select', (file) => {
    expect(dashboardProblems(file, exported)).toEqual([]);
  });

  it('docs/OBSERVABILITY.md names every metric family the API exports beyond prom-client defaults', () => {
    const doc = readFileSync(join(WORKSPACE_ROOT, 'docs/OBSERVABILITY.md'), 'utf8');
    const families = [...apiMetrics]
      .filter((name) => !/^(process_|nodejs_)/.test(name))
      .map((name) => name.replace(/_(bucket|sum|count)$/, ''));
    expect([...new Set(families)].filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it('the check is not vacuous: a made-up metric is not exported', () => {
    expect(exported.has('http_request_total')).toBe(false);
    expect(exported.size).toBeGreaterThan(40);
  });
});
