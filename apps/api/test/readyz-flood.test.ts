import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, sampleClientSessions } from '@shopops/testing';
import { startApi, type RunningApi } from '../src/index.ts';
import { captureLogs, startTestStack, type TestStack } from './support/stack.ts';

// Few connections, so the old behaviour (a new session per probe) really runs out of them.
const MAX_CONNECTIONS = 20;
const POOL_MAX = 4;
const PROBES = 500;

let stack: TestStack;
let api: RunningApi;
const logs = captureLogs();

beforeAll(async () => {
  stack = await startTestStack({ postgres: [`max_connections=${MAX_CONNECTIONS}`] });
  const databaseUrl = await stack.migratedDatabase();
  api = await startApi({
    // Rounds every 200 ms, so several run during the flood; generous limits, so that a round slowed down by
    // a loaded machine still passes (a failed round would be a true 503, not what this test is about).
    env: stack.env(databaseUrl, {
      DATABASE_POOL_MAX: String(POOL_MAX),
      DATABASE_POOL_WAIT_MS: '10000',
      READINESS_INTERVAL_MS: '200',
      READINESS_TIMEOUT_MS: '10000',
      S3_REQUEST_TIMEOUT_MS: '10000',
    }),
    port: 0,
    logStream: logs,
  });
});
afterAll(async () => {
  await api?.close();
  await stack?.stop();
});

describe('/readyz under a flood of probes', () => {
  it(`${PROBES} concurrent probes all answer 200 from the cache; Postgres sessions stay within the pool`, async () => {
    const sampler = sampleClientSessions(stack.pg.url, 0);
    // fetch opens a connection per request in flight: 500 probes at once, as many sockets.
    const statuses = await Promise.all(
      Array.from({ length: PROBES }, async () => {
        const response = await fetch(`${api.url}/readyz`);
        await response.arrayBuffer();
        return response.status;
      }),
    );
    const maxSessions = await sampler.stop();
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(maxSessions).toBeGreaterThan(0);
    expect(maxSessions).toBeLessThanOrEqual(POOL_MAX);
    expect(logs.lines.join('\n')).not.toContain('too many clients');
    // The API's sessions are its pool's, named after it; none is a migrate session of its own.
    const rows = await query<{ name: string }>(
      stack.pg.url,
      `select distinct application_name as name from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`,
    );
    expect(rows.map((r) => r.name)).toEqual(['shopops-api']);
  });
});
