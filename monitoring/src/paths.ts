import { resolve } from 'node:path';

export const WORKSPACE_ROOT = resolve(import.meta.dirname, '../..');
export const MONITORING_DIR = resolve(WORKSPACE_ROOT, 'monitoring');
export const PROMETHEUS_CONFIG = resolve(MONITORING_DIR, 'prometheus/prometheus.yml');
export const RULES_DIR = resolve(MONITORING_DIR, 'prometheus/rules');
export const RULE_TESTS_DIR = resolve(MONITORING_DIR, 'prometheus/tests');
export const ALERTMANAGER_CONFIG = resolve(MONITORING_DIR, 'alertmanager/alertmanager.yml');
export const DASHBOARDS_DIR = resolve(MONITORING_DIR, 'grafana/dashboards');
export const EXPORTER_METRICS = resolve(MONITORING_DIR, 'exporter-metrics.yml');
export const RUNBOOK = resolve(WORKSPACE_ROOT, 'docs/RUNBOOK.md');

/** A path as the problems name it: relative to the workspace root. */
export const relativeToRoot = (path: string) =>
  path.startsWith(`${WORKSPACE_ROOT}/`) ? path.slice(WORKSPACE_ROOT.length + 1) : path;
