import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, captureLogs, startTestStack, type TestStack } from './support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * Behind Fly's or Render's edge the socket address is the proxy's: TRUST_PROXY decides which entry of
 * X-Forwarded-For is the client. A client may prepend anything to the header; only the entry the last
 * trusted proxy added is its real address.
 */
async function seenAs(trustProxy: string, forwardedFor: string) {
  const logs = captureLogs();
  const t = await buildTestApp(
    stack,
    { TRUST_PROXY: trustProxy, RATE_LIMITS: 'default=2/1m,orders=30/1m,payments=30/1m,admin=300/1m' },
    { logStream: logs },
  );
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await t.app.inject({
        method: 'GET',
        url: '/products',
        headers: { 'x-forwarded-for': forwardedFor },
      });
      statuses.push(response.statusCode);
    }
    // Another client behind the same proxy has a bucket of its own.
    const other = await t.app.inject({
      method: 'GET',
      url: '/products',
      headers: { 'x-forwarded-for': '203.0.113.77' },
    });
    const clientIps = logs
      .entries()
      .filter((e) => e.msg === 'request completed')
      .map((e) => e.clientIp);
    return { statuses, other: other.statusCode, clientIp: clientIps[0] };
  } finally {
    await t.app.close();
  }
}

describe('TRUST_PROXY', () => {
  it('1 (Fly, Render): the address the edge added is the client, whatever the client prepended', async () => {
    const seen = await seenAs('1', '6.6.6.6, 198.51.100.7');
    expect(seen.clientIp).toBe('198.51.100.7');
    expect(seen.statuses).toEqual([200, 200, 429]);
    expect(seen.other).toBe(200);
  });

  it('a list of proxy addresses: the first address not in it, from the right', async () => {
    const seen = await seenAs('127.0.0.1,10.0.0.0/8', '6.6.6.6, 198.51.100.7, 10.1.2.3');
    expect(seen.clientIp).toBe('198.51.100.7');
    expect(seen.other).toBe(200);
  });

  it('false: every request is the socket’s, so clients behind one proxy share a bucket', async () => {
    const seen = await seenAs('false', '198.51.100.7');
    expect(seen.clientIp).toBe('127.0.0.1');
    expect(seen.statuses).toEqual([200, 200, 429]);
    expect(seen.other).toBe(429);
  });

  it('true trusts the client’s own header (documented as unsafe unless the proxy overwrites it)', async () => {
    expect((await seenAs('true', '6.6.6.6, 198.51.100.7')).clientIp).toBe('6.6.6.6');
  });

  it('refuses a value that is none of these, naming it', async () => {
    await expect(buildTestApp(stack, { TRUST_PROXY: '10.0.0.0/99' })).rejects.toThrow(
      /TRUST_PROXY.*not an address: 10\.0\.0\.0\/99/,
    );
  });
});
