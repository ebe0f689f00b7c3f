import { readFileSync } from 'node:fs';
import { parsePromql, substituteGrafanaVariables } from './promql.ts';
import { relativeToRoot } from './paths.ts';

interface Target {
  expr?: string;
  refId?: string;
  datasource?: unknown;
}

interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string } | string | null;
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Target[];
  panels?: Panel[];
}

interface Dashboard {
  uid?: string;
  title?: string;
  panels?: Panel[];
  templating?: { list?: { name: string; type: string; query?: string | { query?: string }; datasource?: unknown }[] };
}

/** Every panel, those inside collapsed rows included. */
function allPanels(panels: readonly Panel[] = []): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels)]);
}

export interface DashboardQuery {
  where: string;
  expr: string;
}

/** The PromQL of every panel target and every query variable, each with where it is. */
export function dashboardQueries(file: string, dashboard: Dashboard): DashboardQuery[] {
  const name = relativeToRoot(file);
  const panels = allPanels(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((target) => target.expr !== undefined)
      .map((target) => ({
        where: `${name}: panel "${panel.title}" (id ${panel.id}) query ${target.refId}`,
        expr: target.expr!,
      })),
  );
  const variables = (dashboard.templating?.list ?? [])
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
      // label_values(selector, label) and query_result(expr) wrap PromQL that Prometheus runs.
      const inner = /^\s*(?:label_values|query_result)\((.*?)(?:,\s*\w+)?\)\s*$/.exec(query)?.[1] ?? query;
      return { where: `${name}: variable $${variable.name}`, expr: inner };
    });
  return [...panels, ...variables];
}

/**
 * A dashboard's problems: JSON that does not parse, repeated panel ids, a panel without a datasource or a
 * unit, a query that is not PromQL once Grafana's variables are substituted, or that names a metric
 * nobody exports.
 */
export function dashboardProblems(file: string, exported: ReadonlySet<string>): string[] {
  const name = relativeToRoot(file);
  let dashboard: Dashboard;
  try {
    dashboard = JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
  } catch (error) {
    return [`${name}: not JSON: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  if (!dashboard.uid) problems.push(`${name}: no uid (provisioned dashboards need a stable one)`);
  if (!dashboard.title) problems.push(`${name}: no title`);
  const seen = new Set<number>();
  for (const panel of allPanels(dashboard.panels)) {
    const where = `${name}: panel "${panel.title}" (id ${panel.id})`;
    if (typeof panel.id !== 'number') problems.push(`${where}: no numeric id`);
    else if (seen.has(panel.id)) problems.push(`${where}: id ${panel.id} is used twice`);
    else seen.add(panel.id);
    if (panel.type === 'row') continue;
    if (!panel.title) problems.push(`${where}: no title`);
    if (!panel.datasource) problems.push(`${where}: no datasource`);
    if (!panel.fieldConfig?.defaults?.unit) problems.push(`${where}: no unit (fieldConfig.defaults.unit)`);
    if (!panel.targets?.length) problems.push(`${where}: no query`);
  }
  for (const { where, expr } of dashboardQueries(file, dashboard)) {
    const parsed = parsePromql(substituteGrafanaVariables(expr));
    for (const error of parsed.errors) problems.push(`${where}: not PromQL ${error}: ${expr}`);
    for (const metric of parsed.metricNames) {
      if (!exported.has(metric)) problems.push(`${where}: ${metric} is exported by nothing we run`);
    }
  }
  return problems;
}
