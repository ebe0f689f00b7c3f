import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { EXPORTER_METRICS } from './paths.ts';

/** The documented metrics of the exporters we run (monitoring/exporter-metrics.yml), by exporter. */
export function exporterMetrics(file = EXPORTER_METRICS): Record<string, string[]> {
  return parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
}
