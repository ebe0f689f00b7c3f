import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SmokeResult } from '../run-smoke.ts';
import { junitXml } from './junit.ts';

/** The JSON report: the result as it is (the canary reads it), without the summary line's duplication. */
export function jsonReport(result: SmokeResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** --junit and --report, each written whole (a temporary file renamed), so a reader never sees half. */
export function writeReports(result: SmokeResult, paths: { junit?: string; report?: string }): void {
  if (paths.junit) writeWhole(paths.junit, junitXml(result));
  if (paths.report) writeWhole(paths.report, jsonReport(result));
}

function writeWhole(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}
