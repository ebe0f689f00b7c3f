import { parser } from '@prometheus-io/lezer-promql';

export interface ParsedQuery {
  /** Metric names the query selects (`foo` in `rate(foo[5m])`), in order of appearance, without repeats. */
  metricNames: string[];
  /** Where the parser gave up, as `at <offset>: <text around it>`; empty for a valid query. */
  errors: string[];
}

/** Parses PromQL with Prometheus's own grammar (the one its web UI uses). */
export function parsePromql(expr: string): ParsedQuery {
  const names = new Set<string>();
  const errors: string[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError)
      errors.push(`at ${cursor.from}: ${JSON.stringify(expr.slice(cursor.from, cursor.from + 20))}`);
    if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector') {
      names.add(expr.slice(cursor.from, cursor.to));
    }
  } while (cursor.next());
  return { metricNames: [...names], errors };
}

/** What Grafana puts in place of its built-in interval variables when it runs a query. */
const BUILT_IN: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '1m',
  __range: '1h',
  __range_s: '3600',
  __interval_ms: '60000',
};

/**
 * The query as Grafana would send it: `$__rate_interval` and the other interval variables become
 * durations, a dashboard variable (`$instance`, `${database}`, `[[x]]`) becomes `.*`, which is valid
 * wherever such variables may stand (inside label matchers).
 */
export function substituteGrafanaVariables(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (_match, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    return BUILT_IN[name] ?? '.*';
  });
}
