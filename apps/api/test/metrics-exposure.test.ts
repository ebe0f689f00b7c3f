import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@shopops/config';
import { freePort } from '@shopops/local-servers';
import { buildApp, startApi } from '../src/index.ts';
import { discard, startTestStack, type TestStack } from './support/stack.ts';

let stack: TestStack;
let databaseUrl: string;

beforeAll(async () => {
  stack = await startTestStack();
  databaseUrl = await stack.migratedDatabase();
});
afterAll(async () => {
  await stack?.stop();
});

const TOKEN = 'metrics-token-for-the-scraper-0123456789';

describe('/metrics behind METRICS_TOKEN', () => {
  it('answers 401 problem+json without the token or with another one, the exposition with it', async () => {
    const app = buildApp(loadConfig(stack.env(databaseUrl, { METRICS_TOKEN: TOKEN })), { logStream: discard() });
    try {
      const anonymous = await app.inject({ method: 'GET', url: '/metrics' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(anonymous.body).not.toContain('http_requests');
      const wrong = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TOKEN}x` },
      });
      expect(wrong.statusCode).toBe(401);
      const scraper = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(scraper.statusCode).toBe(200);
      expect(scraper.headers['content-type']).toMatch(/^text\/plain/);
      expect(scraper.body).toContain('# TYPE');
    } finally {
      await app.close();
    }
  });

  it('without METRICS_TOKEN or METRICS_PORT (dev, tests, the local Prometheus) it stays open', async () => {
    const app = buildApp(loadConfig(stack.env(databaseUrl)), { logStream: discard() });
    try {
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('/metrics on METRICS_PORT', () => {
  it('is served on its own listener only, not on the public port, and closes with the API', async () => {
    const metricsPort = await freePort();
    const api = await startApi({
      env: stack.env(databaseUrl, { METRICS_PORT: String(metricsPort) }),
      port: 0,
      logStream: discard(),
    });
    let closed = false;
    try {
      expect(api.metricsUrl).toBe(`http://127.0.0.1:${metricsPort}`);
      expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
      const scrape = await fetch(`${api.metricsUrl}/metrics`);
      expect(scrape.status).toBe(200);
      // The public port's request was counted: the listener serves the API's own registry.
      expect(await scrape.text()).toMatch(/http_requests_total\{[^}]*status="404"/);
      expect((await fetch(`${api.metricsUrl}/products`)).status).toBe(404);
      await api.close();
      closed = true;
      await expect(fetch(`${api.metricsUrl}/metrics`)).rejects.toThrow();
    } finally {
      if (!closed) await api.close();
    }
  });

  it('refuses a METRICS_PORT equal to PORT', () => {
    expect(() => loadConfig(stack.env(databaseUrl, { PORT: '9091', METRICS_PORT: '9091' }))).toThrow(
      /METRICS_PORT: must differ from PORT/,
    );
  });
});
