import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '@shopops/testing';
import { dashboardProblems } from '../src/dashboards.ts';
import { DASHBOARDS_DIR, MONITORING_DIR } from '../src/paths.ts';
import { parsePromql, substituteGrafanaVariables } from '../src/promql.ts';

const dashboards = readdirSync(DASHBOARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => join(DASHBOARDS_DIR, f));
/** Structure and PromQL only; metric-names.test.ts checks the names against what is really exported. */
const ANY_METRIC = { has: () => true } as unknown as ReadonlySet<string>;

interface EditablePanel {
  id: number;
  datasource?: unknown;
  fieldConfig: { defaults: { unit?: string } };
  targets: { expr: string }[];
}

function editedDashboard(name: string, edit: (dashboard: { panels: EditablePanel[] }) => void): string {
  const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, name), 'utf8')) as { panels: EditablePanel[] };
  edit(dashboard);
  const file = join(scratchDir('dashboard-'), name);
  writeFileSync(file, JSON.stringify(dashboard));
  return file;
}

describe('Grafana dashboards', () => {
  it('has the API, payments, database, process and backups dashboards', () => {
    expect(dashboards.map((f) => f.split('/').at(-1)).sort()).toEqual([
      'api.json',
      'backups.json',
      'database.json',
      'payments.json',
      'process.json',
    ]);
  });

  it.each(dashboards)('%s: unique panel ids, a datasource and a unit on every panel, every query PromQL', (file) => {
    expect(dashboardProblems(file, ANY_METRIC)).toEqual([]);
  });

  it('the API dashboard shows p50, p95 and p99 by route', () => {
    const api = readFileSync(join(DASHBOARDS_DIR, 'api.json'), 'utf8');
    for (const q of ['0.5', '0.95', '0.99']) expect(api).toContain(`histogram_quantile(${q}, sum by (le, route)`);
  });

  it('provisioning points Grafana at the dashboards folder and the Prometheus uid the panels use', () => {
    const datasources = parse(
      readFileSync(join(MONITORING_DIR, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    );
    expect(datasources.datasources[0]).toMatchObject({ uid: 'prometheus', type: 'prometheus' });
    const providers = parse(readFileSync(join(MONITORING_DIR, 'grafana/provisioning/dashboards/shopops.yml'), 'utf8'));
    expect(providers.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
    for (const file of dashboards) {
      const uids = new Set([...readFileSync(file, 'utf8').matchAll(/"uid": "([^"]+)"/g)].map((m) => m[1]));
      uids.delete(JSON.parse(readFileSync(file, 'utf8')).uid);
      expect([...uids]).toEqual(['prometheus']);
    }
  });

  it("substitutes Grafana's variables before parsing", () => {
    const expr = 'rate(http_requests_total{instance=~"$instance", x="${database}"}[$__rate_interval])';
    expect(substituteGrafanaVariables(expr)).toBe('rate(http_requests_total{instance=~".*", x=".*"}[1m])');
    expect(parsePromql(substituteGrafanaVariables(expr))).toEqual({ metricNames: ['http_requests_total'], errors: [] });
    expect(parsePromql(expr).errors.length).toBeGreaterThan(0);
  });

  it('names the dashboard and panel of a query that is not PromQL, a missing unit, a repeated id, a missing datasource', () => {
    const file = editedDashboard('api.json', (d) => {
      d.panels[0]!.targets[0]!.expr = 'sum by (route (rate(http_requests_total[5m]))';
      delete d.panels[1]!.fieldConfig.defaults.unit;
      d.panels[2]!.id = d.panels[3]!.id;
      delete d.panels[4]!.datasource;
    });
    const problems = dashboardProblems(file, ANY_METRIC);
    expect(problems).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${file}: panel "Requests per second by route" \\(id 1\\) query A: not PromQL`),
      ),
    );
    expect(problems).toContain(`${file}: panel "5xx ratio" (id 2): no unit (fieldConfig.defaults.unit)`);
    expect(problems).toContain(`${file}: panel "Latency p50 / p95 / p99 by route" (id 4): id 4 is used twice`);
    expect(problems).toContain(`${file}: panel "Instances up" (id 5): no datasource`);
  });

  it('names the panel whose query names a metric nobody exports', () => {
    const file = editedDashboard('payments.json', (d) => {
      d.panels[0]!.targets[0]!.expr = 'sum(rate(payments_begun_total[$__rate_interval]))';
    });
    const exported = new Set(['payments_paid_total', 'payments_failed_total', 'payments_started_total']);
    expect(
      dashboardProblems(file, { has: (name: string) => exported.has(name) || !name.startsWith('payments_') } as never),
    ).toEqual([
      `${file}: panel "Payments started, paid and failed" (id 1) query A: payments_begun_total is exported by nothing we run`,
    ]);
  });
});
