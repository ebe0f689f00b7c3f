import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { SignJWT, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAdminToken } from '../src/index.ts';
import { buildTestApp, JWT_SECRET, startTestStack, type TestApp, type TestStack } from './support/stack.ts';

const ADMIN_TOKEN_CLI = fileURLToPath(new URL('../src/cli/admin-token.ts', import.meta.url));
const newSecret = () => randomBytes(48).toString('base64');

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

let sku = 0;
/** POST /products with this token: 201 when the API accepts it as an admin's, else its problem. */
async function createWith(t: TestApp, token: string): Promise<{ status: number; detail?: string }> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/products',
    headers: { authorization: `Bearer ${token}` },
    payload: { sku: `AUTH-${++sku}`, name: 'Auth', priceCents: 1 },
  });
  return { status: response.statusCode, detail: response.json().detail };
}

/** A token built claim by claim, for the shapes signAdminToken never makes. */
function rawToken(secret: string, claims: { exp?: number; iat?: number; iss?: string; aud?: string }) {
  const jwt = new SignJWT({ role: 'admin', ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory');
  return jwt.sign(new TextEncoder().encode(secret));
}

async function adminTokenCli(env: Record<string, string>, ...args: string[]) {
  return execa(process.execPath, ['--import', 'tsx', ADMIN_TOKEN_CLI, ...args], {
    env: { PATH: process.env.PATH, NODE_NO_WARNINGS: '1', ...env },
    extendEnv: false,
    reject: false,
  });
}

describe('admin tokens: exp, lifetime, iss and aud', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(stack, { ADMIN_TOKEN_MAX_LIFETIME: '1h' });
  });
  afterAll(() => t?.app.close());

  it('accepts a token with iss, aud and a lifetime within ADMIN_TOKEN_MAX_LIFETIME', async () => {
    expect((await createWith(t, await signAdminToken(JWT_SECRET, { expiresIn: '30m' }))).status).toBe(201);
  });

  it('refuses a token without exp, or without iat', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: 'shopops', aud: 'shopops-api' };
    expect(await createWith(t, await rawToken(JWT_SECRET, { ...base, iat: now }))).toEqual({
      status: 401,
      detail: 'the token has no exp claim',
    });
    expect(await createWith(t, await rawToken(JWT_SECRET, { ...base, exp: now + 60 }))).toEqual({
      status: 401,
      detail: 'the token has no iat claim',
    });
  });

  it('refuses a token valid for longer than ADMIN_TOKEN_MAX_LIFETIME, or issued in the future', async () => {
    const long = await createWith(t, await signAdminToken(JWT_SECRET, { expiresIn: '2h' }));
    expect(long.status).toBe(401);
    expect(long.detail).toContain('longer than ADMIN_TOKEN_MAX_LIFETIME allows');
    const now = Math.floor(Date.now() / 1000);
    const future = await rawToken(JWT_SECRET, { iss: 'shopops', aud: 'shopops-api', iat: now + 3600, exp: now + 3660 });
    expect((await createWith(t, future)).status).toBe(401);
  });

  it('refuses a token with another issuer or audience, or none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const times = { iat: now, exp: now + 60 };
    for (const claims of [
      { iss: 'someone-else', aud: 'shopops-api' },
      { iss: 'shopops', aud: 'another-api' },
      { aud: 'shopops-api' },
      { iss: 'shopops' },
    ]) {
      const result = await createWith(t, await rawToken(JWT_SECRET, { ...claims, ...times }));
      expect(result.status, JSON.stringify(claims)).toBe(401);
      expect(result.detail).toMatch(/the token( has no|'s) (iss|aud) claim/);
    }
  });
});

describe('JWT_SECRET_PREVIOUS: rotation without downtime', () => {
  const [current, previous] = [newSecret(), newSecret()];
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(stack, { JWT_SECRET: current, JWT_SECRET_PREVIOUS: previous });
  });
  afterAll(() => t?.app.close());

  it('accepts tokens signed with either secret and nothing else', async () => {
    expect((await createWith(t, await signAdminToken(current))).status).toBe(201);
    expect((await createWith(t, await signAdminToken(previous))).status).toBe(201);
    expect(await createWith(t, await signAdminToken(newSecret()))).toEqual({
      status: 401,
      detail: 'the token is invalid',
    });
  });

  it('still checks the claims of a token signed with the previous secret', async () => {
    expect(await createWith(t, await signAdminToken(previous, { expiresIn: '-1m' }))).toEqual({
      status: 401,
      detail: 'the token has expired',
    });
  });

  it('signs new tokens with the current secret (api:admin-token)', async () => {
    const result = await adminTokenCli({ JWT_SECRET: current, JWT_SECRET_PREVIOUS: previous });
    expect(result.exitCode).toBe(0);
    const token = result.stdout.trim();
    await expect(jwtVerify(token, new TextEncoder().encode(current))).resolves.toBeDefined();
    await expect(jwtVerify(token, new TextEncoder().encode(previous))).rejects.toThrow();
    expect((await createWith(t, token)).status).toBe(201);
  });

  it('without JWT_SECRET_PREVIOUS, a token of the previous secret is refused', async () => {
    const after = await buildTestApp(stack, { JWT_SECRET: current });
    try {
      expect((await createWith(after, await signAdminToken(previous))).status).toBe(401);
    } finally {
      await after.app.close();
    }
  });
});

describe('nx run api:admin-token', () => {
  it('signs with the configured issuer and audience, which the API then accepts', async () => {
    const env = { JWT_ISSUER: 'shop-ops-staging', JWT_AUDIENCE: 'shop-staging-api' };
    const result = await adminTokenCli({ JWT_SECRET, ...env }, '--sub', 'ana', '--json');
    expect(result.exitCode).toBe(0);
    const { token, expiresAt } = JSON.parse(result.stdout) as { token: string; expiresAt: string };
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const t = await buildTestApp(stack, env);
    try {
      expect((await createWith(t, token)).status).toBe(201);
      expect((await createWith(t, await signAdminToken(JWT_SECRET))).status).toBe(401);
    } finally {
      await t.app.close();
    }
  });

  it('refuses a lifetime the API would refuse, with a remedy and exit 2', async () => {
    const result = await adminTokenCli({ JWT_SECRET, ADMIN_TOKEN_MAX_LIFETIME: '1h' }, '--expires', '2h');
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('admin-token: --expires 2h is longer than ADMIN_TOKEN_MAX_LIFETIME (3600 s)');
    expect(result.stderr).toContain('  remedy: ');
    const bad = await adminTokenCli({ JWT_SECRET }, '--expires', 'forever');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('admin-token: --expires forever: expected a duration such as 30m or 12h');
  });

  it('lists the configuration problems, secrets masked, and exits 1', async () => {
    const result = await adminTokenCli({ ENV: 'prod', JWT_SECRET: 'tiny-secret' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('admin-token: invalid configuration for ENV=prod');
    expect(result.stderr).toContain('JWT_SECRET: refused in prod: too short');
    expect(result.stderr).not.toContain('tiny-secret');
  });
});
