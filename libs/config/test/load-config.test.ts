import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.ts';

/**
 * Secrets for prod and staging are made at run time: every value committed for a secret is refused there
 * (published-secrets.test.ts checks that), so a literal here could not pass.
 */
const random = (bytes = 48) => randomBytes(bytes).toString('base64');
const strongSecret = random();
const s3AccessKey = random(15);
const s3SecretKey = random(30);

/** A complete prod environment; tests remove or spoil one thing at a time. */
function prodEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ENV: 'prod',
    DATABASE_URL: 'postgres://shop:db-pass-123@db.internal:5432/shop',
    S3_BUCKET: 'shop-uploads',
    S3_ACCESS_KEY: s3AccessKey,
    S3_SECRET_KEY: s3SecretKey,
    JWT_SECRET: strongSecret,
    PUBLIC_BASE_URL: 'https://api.shop.example.com',
    FRONTEND_URL: 'https://shop.example.com',
    METRICS_PORT: '9091',
    ...overrides,
  };
}

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('runs in dev with an empty environment, on the local stack defaults', () => {
    const config = loadConfig({});
    expect(config.env).toBe('dev');
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:54329/shop');
    expect(config.s3).toMatchObject({ endpoint: 'http://127.0.0.1:4568', bucket: 'uploads', region: 'us-east-1' });
    expect(config.http.corsOrigins).toEqual(['http://127.0.0.1:5173', 'http://localhost:5173']);
    expect(config.payments.sandbox).toEqual({ secret: 'sandbox-webhook-secret' });
    expect(config.payments.webpay).toBeUndefined();
    expect(config.http.rateLimits).toEqual({
      default: { max: 600, windowMs: 60_000 },
      orders: { max: 30, windowMs: 60_000 },
      payments: { max: 30, windowMs: 60_000 },
      admin: { max: 300, windowMs: 60_000 },
      notfound: { max: 120, windowMs: 60_000 },
    });
    expect(config.features.payments).toBeUndefined();
    expect(config.build).toEqual({ version: undefined, commit: 'unknown', buildTime: undefined });
  });

  it('parses a complete prod environment into typed, grouped values', () => {
    const [flowKey, flowSecret] = [random(24), random(24)];
    const config = loadConfig(
      prodEnv({
        PORT: '9000',
        CORS_ORIGINS: 'https://shop.example.com, https://admin.example.com',
        RATE_LIMITS: 'default=100/10s,orders=5/1m',
        TRUST_PROXY: '1',
        FEATURE_PAYMENTS: 'off',
        PAYMENT_FLOW_API_KEY: flowKey,
        PAYMENT_FLOW_SECRET_KEY: flowSecret,
        BUILD_TIME: '2026-11-23T09:00:00Z',
        REDIS_URL: 'redis://:redis-pass@redis.internal:6379/0',
      }),
    );
    expect(config.port).toBe(9000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.http.corsOrigins).toEqual(['https://shop.example.com', 'https://admin.example.com']);
    expect(config.http.rateLimits).toEqual({
      default: { max: 100, windowMs: 10_000 },
      orders: { max: 5, windowMs: 60_000 },
    });
    expect(config.http.trustProxy).toEqual({ hops: 1 });
    expect(config.features.payments).toBe(false);
    expect(config.payments.flow).toEqual({
      apiUrl: 'https://sandbox.flow.cl/api',
      apiKey: flowKey,
      secretKey: flowSecret,
    });
    expect(config.payments.sandbox).toBeUndefined();
    expect(config.build.buildTime).toBe('2026-11-23T09:00:00Z');
    expect(config.secrets).toEqual(
      expect.arrayContaining([
        'db-pass-123',
        s3AccessKey,
        s3SecretKey,
        strongSecret,
        flowKey,
        flowSecret,
        'redis-pass',
      ]),
    );
  });

  it('takes the origin of FRONTEND_URL when CORS_ORIGINS is unset outside dev', () => {
    expect(loadConfig(prodEnv({ FRONTEND_URL: 'https://shop.example.com/store' })).http.corsOrigins).toEqual([
      'https://shop.example.com',
    ]);
  });

  it('treats empty values as unset', () => {
    const config = loadConfig({ PORT: '', REDIS_URL: '  ', FEATURE_PAYMENTS: '' });
    expect(config.port).toBe(8080);
    expect(config.redisUrl).toBeUndefined();
  });

  it('RATE_LIMITS=off turns rate limiting off', () => {
    expect(loadConfig({ RATE_LIMITS: 'off' }).http.rateLimits).toBeNull();
  });

  it('lists every missing variable at once outside dev', () => {
    const error = configError({ ENV: 'staging' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(
      [
        'DATABASE_URL',
        'FRONTEND_URL',
        'JWT_SECRET',
        'PUBLIC_BASE_URL',
        'S3_ACCESS_KEY',
        'S3_BUCKET',
        'S3_SECRET_KEY',
      ].sort(),
    );
    expect(error.message).toMatch(/^invalid configuration for ENV=staging \(7 problems\):/);
    expect(error.message).toContain(
      '  DATABASE_URL: missing (required in staging). PostgreSQL connection URL; add ?sslmode=require where the server needs TLS. Example: postgres://shop:secret@db.internal:5432/shop',
    );
  });

  it('lists every invalid variable at once, secrets masked', () => {
    const error = configError(
      prodEnv({
        PORT: '70000',
        DATABASE_URL: 'mysql://root:hunter2-db@db:3306/shop',
        LOG_LEVEL: 'loud',
        CORS_ORIGINS: 'https://shop.example.com/path',
        RATE_LIMITS: 'default=ten/1m,everything=5/1m',
        FEATURE_PAYMENTS: 'maybe',
        BUILD_TIME: 'yesterday',
        REDIS_URL: 'http://:redis-secret@redis:6379',
        S3_ENDPOINT: 'not a url',
      }),
    );
    const byVariable = Object.fromEntries(error.problems.map((p) => [p.variable, p.message]));
    expect(Object.keys(byVariable).sort()).toEqual(
      [
        'BUILD_TIME',
        'CORS_ORIGINS',
        'DATABASE_URL',
        'FEATURE_PAYMENTS',
        'LOG_LEVEL',
        'PORT',
        'RATE_LIMITS',
        'REDIS_URL',
        'S3_ENDPOINT',
      ].sort(),
    );
    expect(byVariable.PORT).toContain('between 1 and 65535');
    expect(byVariable.DATABASE_URL).toContain('scheme must be postgres:// or postgresql://');
    expect(byVariable.DATABASE_URL).toContain('mysql://root:***@db:3306/shop');
    expect(byVariable.RATE_LIMITS).toContain('"default=ten/1m" is not scope=max/window');
    expect(byVariable.RATE_LIMITS).toContain('unknown scope everything');
    expect(error.message).not.toContain('hunter2-db');
    expect(error.message).not.toContain('redis-secret');
  });

  // The start-up check once quoted these with the password, or its tail, in clear.
  it.each(['shop:pw-1234@db:5432/shop', 'mysql://root:pw@1234@db:3306/shop', 'postgres//shop:pw-1234@db/shop'])(
    'masks a DATABASE_URL of any shape in its message: %s',
    (url) => {
      const error = configError(prodEnv({ DATABASE_URL: url }));
      expect(error.problems.map((p) => p.variable)).toEqual(['DATABASE_URL']);
      expect(error.message).not.toMatch(/1234|pw/);
      expect(error.message).toContain(':***@');
    },
  );

  it('never prints the value of a secret variable', () => {
    const error = configError({ ENV: 'prod', JWT_SECRET: 'short-but-secret', S3_SECRET_KEY: ' ' });
    expect(error.message).not.toContain('short-but-secret');
    expect(error.problems.find((p) => p.variable === 'JWT_SECRET')?.message).toContain(
      'too short: 16 bytes, at least 32',
    );
  });

  it('refuses weak values in prod: short JWT_SECRET, CORS *, plain-http PUBLIC_BASE_URL, the sandbox', () => {
    const error = configError(
      prodEnv({
        JWT_SECRET: 'x'.repeat(31),
        CORS_ORIGINS: '*',
        PUBLIC_BASE_URL: 'http://api.shop.example.com',
        PAYMENT_SANDBOX_ENABLED: 'true',
        PAYMENT_SANDBOX_SECRET: random(),
        FRONTEND_URL: 'http://shop.example.com',
      }),
    );
    expect(error.problems.map((p) => p.variable).sort()).toEqual(
      ['CORS_ORIGINS', 'FRONTEND_URL', 'JWT_SECRET', 'PAYMENT_SANDBOX_ENABLED', 'PUBLIC_BASE_URL'].sort(),
    );
  });

  it('counts JWT_SECRET in bytes, not characters', () => {
    // 16 two-byte characters are 32 bytes: long enough, but one character repeated.
    const message = configError(prodEnv({ JWT_SECRET: 'é'.repeat(16) })).problems[0]!.message;
    expect(message).not.toContain('too short');
    expect(message).toContain('too little variety');
  });

  it('accepts weak values in dev', () => {
    const config = loadConfig({ JWT_SECRET: 'short', CORS_ORIGINS: '*', S3_ACCESS_KEY: 'S3RVER' });
    expect(config.http.corsOrigins).toBe('*');
    expect(config.auth.jwtSecret).toBe('short');
  });

  it('refuses half a set of provider credentials, naming what is missing', () => {
    const error = configError(
      prodEnv({ PAYMENT_WEBPAY_COMMERCE_CODE: '597055555532', PAYMENT_MP_WEBHOOK_SECRET: random() }),
    );
    expect(error.problems).toEqual([
      expect.objectContaining({
        variable: 'PAYMENT_WEBPAY_API_KEY',
        message: expect.stringContaining('PAYMENT_WEBPAY_COMMERCE_CODE is set'),
      }),
      expect.objectContaining({ variable: 'PAYMENT_WEBPAY_WEBHOOK_SECRET' }),
      expect.objectContaining({ variable: 'PAYMENT_MP_ACCESS_TOKEN' }),
    ]);
  });

  it('reports an invalid ENV and still checks the rest', () => {
    const error = configError({ ENV: 'production', PORT: 'eighty' });
    expect(error.problems.map((p) => p.variable)).toEqual(['ENV', 'PORT']);
    expect(error.message).toMatch(/^invalid configuration \(2 problems\):/);
  });
});
