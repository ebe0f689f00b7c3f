/* global fetch */
// The lower bound for bench/smoke.ts: the api preset's four checks as plain fetch calls, plain JS
// (no build step, no tsx), no file, no validation, no reports. Usage: node bench/smoke-fetch.mjs <base url>
const base = process.argv[2];
const [health, ready, metrics, version] = await Promise.all(
  ['/healthz', '/readyz', '/metrics', '/version'].map((path) => fetch(`${base}${path}`)),
);
const readiness = await ready.json();
const ok =
  health.status === 200 &&
  (await health.json()).status === 'ok' &&
  ready.status === 200 &&
  readiness.status === 'ok' &&
  Object.values(readiness.checks).every((check) => check.ok) &&
  (await metrics.text()).includes('http_requests_total') &&
  version.status === 200 &&
  typeof (await version.json()).version === 'string';
process.exitCode = ok ? 0 : 1;
