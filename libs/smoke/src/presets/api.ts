import type { Check } from '../file/schema.ts';

/**
 * The API's probes (apps/api/src/routes/health.ts and metrics.ts): liveness, readiness with every
 * dependency check ok, the Prometheus endpoint, and /version, which says which build answered.
 */
export function apiPreset(): Check[] {
  return [
    {
      name: 'api: GET /healthz answers ok',
      method: 'GET',
      path: '/healthz',
      status: 200,
      tags: ['api', 'liveness'],
      assert: { json: { '$.status': { equals: 'ok' } } },
    },
    {
      name: 'api: GET /readyz is ready, every check ok',
      method: 'GET',
      path: '/readyz',
      status: 200,
      tags: ['api', 'readiness'],
      assert: {
        headers: { 'cache-control': { equals: 'no-store' } },
        json: { '$.status': { equals: 'ok' }, '$.checks.*.ok': { equals: true, exists: true } },
      },
    },
    {
      name: 'api: GET /metrics exposes http_requests_total',
      method: 'GET',
      path: '/metrics',
      status: 200,
      tags: ['api', 'metrics'],
      assert: { headers: { 'content-type': { matches: '^text/plain' } }, body: { contains: 'http_requests_total' } },
    },
    {
      name: 'api: GET /version names the build',
      method: 'GET',
      path: '/version',
      status: 200,
      tags: ['api', 'version'],
      assert: {
        json: { '$.version': { exists: true }, '$.commit': { exists: true }, '$.buildTime': { exists: true } },
      },
      build: { version: '$.version', commit: '$.commit' },
    },
  ];
}
