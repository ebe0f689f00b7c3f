import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../src/index.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

let stack: TestStack;
let api: RunningApi;

beforeAll(async () => {
  stack = await startTestStack();
  api = await startApi({ env: stack.env(await stack.migratedDatabase()), port: 0, logStream: { write: () => true } });
});
afterAll(async () => {
  await api?.close();
  await stack?.stop();
});

/** Over real HTTP: Fastify answers these before routing, where inject and real sockets behave alike. */
async function expectProblem(path: string, status: number, type: string): Promise<void> {
  const response = await fetch(`${api.url}${path}`);
  const body = await response.text();
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  // helmet's headers, as on every other answer.
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(response.headers.get('strict-transport-security')).toBeTruthy();
  const traceId = response.headers.get('x-trace-id');
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  const problem = JSON.parse(body) as Record<string, unknown>;
  expect(problem).toMatchObject({ type: `urn:shopops:problem:${type}`, status, traceId });
  // What was wrong is the URL itself: it is never echoed back.
  expect(body).not.toContain(path.slice(1, 40));
  expect(body).not.toContain('FST_ERR');
}

describe('errors Fastify raises before routing', () => {
  it('a malformed percent-encoding answers 400 problem+json with the security headers and a trace id', async () => {
    await expectProblem('/products/%E0%A4%A', 400, 'bad-url');
  });

  it('a path segment over the router limit answers 414 problem+json, the URL not echoed', async () => {
    await expectProblem(`/products/${'9'.repeat(500)}`, 414, 'uri-too-long');
  });
});
