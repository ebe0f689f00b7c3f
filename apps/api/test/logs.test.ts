import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@shopops/config';
import { buildApp } from '../src/index.ts';
import { captureLogs, JWT_SECRET, SANDBOX_SECRET, startTestStack, type TestStack } from './support/stack.ts';
import { signAdminToken } from '../src/index.ts';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';

let stack: TestStack;
let app: FastifyInstance;
let databaseUrl: string;
const logs = captureLogs();
const DB_PASSWORD = 'db-password-that-must-not-leak';

beforeAll(async () => {
  stack = await startTestStack();
  const database = new URL(await stack.migratedDatabase());
  // The throwaway cluster trusts every local connection, so any password works; it is here to be hidden.
  database.password = DB_PASSWORD;
  databaseUrl = database.toString();
  app = buildApp(loadConfig(stack.env(database.toString())), { logStream: logs });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

const requestLines = () => logs.entries().filter((e) => e.msg === 'request completed');

describe('request logs', () => {
  it('writes one JSON line per request: time, level, traceId, method, path, status, latencyMs, clientIp', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await app.inject({
      method: 'GET',
      url: '/products?limit=5',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(response.headers['x-trace-id']).toBe(traceId);
    const line = requestLines().at(-1)!;
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      service: 'shopops-api',
      traceId,
      method: 'GET',
      path: '/products',
      status: 200,
      latencyMs: expect.any(Number),
      clientIp: '127.0.0.1',
      msg: 'request completed',
    });
  });

  it('generates a trace id when none comes in (or a malformed one), and returns it', async () => {
    const fresh = await app.inject({ method: 'GET', url: '/healthz' });
    const generated = String(fresh.headers['x-trace-id']);
    expect(generated).toMatch(/^[0-9a-f]{32}$/);
    expect(requestLines().at(-1)!.traceId).toBe(generated);
    const malformed = await app.inject({ method: 'GET', url: '/healthz', headers: { traceparent: '00-0000-bad' } });
    expect(String(malformed.headers['x-trace-id'])).toMatch(/^[0-9a-f]{32}$/);
    expect(malformed.headers['x-trace-id']).not.toBe(generated);
  });

  it('names the admin (userId) on authenticated requests', async () => {
    const token = await signAdminToken(JWT_SECRET, { sub: 'admin-42' });
    await app.inject({
      method: 'POST',
      url: '/products',
      headers: { authorization: `Bearer ${token}` },
      payload: { sku: 'L-1', name: 'Log', priceCents: 1 },
    });
    expect(requestLines().at(-1)).toMatchObject({ method: 'POST', path: '/products', status: 201, userId: 'admin-42' });
  });

  it('never writes authorization headers, cookies, tokens, passwords, JWT_SECRET, S3 keys or the database password', async () => {
    const token = await signAdminToken(JWT_SECRET, { sub: 'admin-7' });
    await app.inject({
      method: 'GET',
      url: '/products?access_token=query-token-123456&password=hunter2-secret',
      headers: { authorization: `Bearer ${token}`, cookie: 'session=cookie-value-987654' },
    });
    await app.inject({
      method: 'POST',
      url: '/products',
      headers: { authorization: `Bearer ${token}` },
      payload: { sku: 'L-2', name: 'x', priceCents: 1, password: 'body-password-55555' },
    });
    // Code that logs more than it should: whole objects with secrets inside.
    app.log.info({ config: loadConfig(stack.env('postgres://u:' + DB_PASSWORD + '@127.0.0.1:1/x')) }, 'config dump');
    app.log.warn(
      { headers: { authorization: `Bearer ${token}`, cookie: 'session=cookie-value-987654' }, password: 'pw-1234567' },
      `failed with ${JWT_SECRET} and ${SANDBOX_SECRET}`,
    );
    app.log.error(
      { err: new Error(`cannot reach postgres://app:${DB_PASSWORD}@db:5432/shop with S3RVER/S3RVER`) },
      'boom',
    );

    const output = logs.lines.join('');
    for (const secret of [
      token,
      JWT_SECRET,
      SANDBOX_SECRET,
      DB_PASSWORD,
      'S3RVER',
      'cookie-value-987654',
      'query-token-123456',
      'hunter2-secret',
      'body-password-55555',
      'pw-1234567',
    ]) {
      expect(output, secret).not.toContain(secret);
    }
    expect(output).toContain('config dump');
    expect(output).toContain('boom');
  });

  it('writes errors as plain data, never the pg client (socket, cancel key) pg-pool hangs on them', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    try {
      const lost = new Promise<Error>((resolve) => pool.once('error', resolve));
      const idle = await pool.connect();
      const { rows } = await idle.query<{ pid: number }>('select pg_backend_pid() as pid');
      idle.release();
      await pool.query('select 1'); // the same idle connection, still there
      const killer = new pg.Client({ connectionString: databaseUrl });
      await killer.connect();
      await killer.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await killer.end();
      const error = await lost;
      // What makes the default serializer dump it: the client, with its socket and backend key data.
      expect((error as Error & { client?: pg.Client }).client).toBeInstanceOf(pg.Client);

      app.log.warn({ err: error }, 'idle connection lost: serializer check');
      const line = logs.entries().find((e) => e.msg === 'idle connection lost: serializer check')!;
      // What says what went wrong stays: pg's class, SQLSTATE (57P01 admin_shutdown), message and stack.
      expect(line.err).toMatchObject({
        type: 'DatabaseError',
        code: '57P01',
        message: error.message,
        stack: expect.any(String),
      });
      const text = JSON.stringify(line);
      for (const field of ['client', 'secretKey', 'processID', 'connectionParameters', '_readableState'])
        expect(text, field).not.toContain(`"${field}"`);
    } finally {
      await pool.end();
    }
  });

  it('puts the traceId on every line a request writes: validation errors, 404s and rate-limit rejections', async () => {
    const lines = captureLogs();
    const limited = buildApp(loadConfig(stack.env(databaseUrl, { RATE_LIMITS: 'default=2/1m,notfound=1/1m' })), {
      logStream: lines,
    });
    try {
      const answers = [];
      for (const url of ['/products?limit=x', '/products', '/products', '/unknown', '/unknown'])
        answers.push(await limited.inject({ method: 'GET', url }));
      expect(answers.map((r) => r.statusCode)).toEqual([400, 200, 429, 404, 429]);
      const traced = lines.entries().filter((e) => e.traceId !== undefined);
      expect(traced.map((e) => e.traceId)).toEqual(answers.map((r) => r.headers['x-trace-id']));
      expect(traced.map((e) => e.status)).toEqual([400, 200, 429, 404, 429]);
      // Only the app's own start-up lines have no request to name.
      expect(lines.entries().filter((e) => e.traceId === undefined && e.status !== undefined)).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});
