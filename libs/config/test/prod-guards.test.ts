import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  describeVariables,
  estimatedEntropyBits,
  GUARD_NAMES,
  loadConfig,
  relaxedGuardsWarning,
  variableMeta,
  type VariableName,
} from '../src/index.ts';

const random = (bytes = 48) => randomBytes(bytes).toString('base64');
const secretNames = describeVariables()
  .filter((v) => v.secret)
  .map((v) => v.name);

/** A complete environment for `env` with strong secrets made now; tests spoil one thing at a time. */
function deployedEnv(
  env: 'prod' | 'staging',
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    ENV: env,
    DATABASE_URL: 'postgres://shop:db-pass-123@db.internal:5432/shop',
    S3_BUCKET: 'shop-uploads',
    S3_ACCESS_KEY: random(15),
    S3_SECRET_KEY: random(30),
    JWT_SECRET: random(),
    PUBLIC_BASE_URL: 'https://api.shop.example.com',
    FRONTEND_URL: 'https://shop.example.com',
    // prod wants /metrics protected (another guard, not one of these).
    METRICS_TOKEN: random(32),
    ...overrides,
  };
}

function problemsOf(env: Record<string, string | undefined>): Map<VariableName, string> {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return new Map(error.problems.map((p) => [p.variable, p.message]));
    throw error;
  }
  return new Map();
}

describe('secret strength', () => {
  it('estimates entropy from the value itself: 32 × "a" has none, 64 random bytes in base64 have hundreds of bits', () => {
    expect(estimatedEntropyBits('a'.repeat(32))).toBe(0);
    expect(estimatedEntropyBits(randomBytes(64).toString('base64'))).toBeGreaterThan(300);
  });

  it.each(['prod', 'staging'] as const)(
    '%s refuses a JWT_SECRET of 32 × "a", a repeated pattern or too few bytes',
    (env) => {
      expect(problemsOf(deployedEnv(env, { JWT_SECRET: 'a'.repeat(32) })).get('JWT_SECRET')).toMatch(
        /too little variety/,
      );
      expect(problemsOf(deployedEnv(env, { JWT_SECRET: 'abcdefgh'.repeat(5) })).get('JWT_SECRET')).toMatch(
        /the same characters repeated/,
      );
      expect(problemsOf(deployedEnv(env, { JWT_SECRET: 'x' })).get('JWT_SECRET')).toMatch(
        /too short: 1 bytes, at least 32/,
      );
    },
  );

  it.each(['prod', 'staging'] as const)(
    '%s accepts random secrets: base64 of 64 bytes, openssl rand -hex 32',
    (env) => {
      expect(problemsOf(deployedEnv(env, { JWT_SECRET: randomBytes(64).toString('base64') }))).toEqual(new Map());
      expect(problemsOf(deployedEnv(env, { JWT_SECRET: randomBytes(32).toString('hex') }))).toEqual(new Map());
    },
  );

  it('judges every variable marked secret in the schema but the S3 key id, so a secret added later is guarded at once', () => {
    expect(secretNames).toEqual(expect.arrayContaining(['JWT_SECRET', 'JWT_SECRET_PREVIOUS', 'S3_SECRET_KEY']));
    const weak = Object.fromEntries(secretNames.map((name) => [name, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']));
    const problems = problemsOf(deployedEnv('prod', { ...weak, PAYMENT_SANDBOX_ENABLED: undefined }));
    for (const name of secretNames.filter((name) => name !== 'S3_ACCESS_KEY')) {
      expect(problems.get(name), name).toMatch(/refused in prod: too little variety/);
    }
    expect(problems.has('S3_ACCESS_KEY')).toBe(false);
  });

  it("accepts any S3 key id that is not published: it names the key, and a real AWS id's variety can be low", () => {
    // AKIA and four random base32 characters, each four times: about 46 bits by the estimate, a form AWS can
    // hand out (1 id in 300 of its random ones falls under 64 bits).
    const characters = [...randomBytes(4)].map((byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[byte % 32]!);
    const keyId = `AKIA${characters.map((character) => character.repeat(4)).join('')}`;
    expect(estimatedEntropyBits(keyId)).toBeLessThan(64);
    expect(problemsOf(deployedEnv('prod', { S3_ACCESS_KEY: keyId }))).toEqual(new Map());
    expect(problemsOf(deployedEnv('prod', { S3_ACCESS_KEY: 'AKIAIOSFODNN7EXAMPLE' })).get('S3_ACCESS_KEY')).toContain(
      "AWS's documentation example access key id",
    );
  });

  it('gives JWT_SECRET_PREVIOUS the same rules as JWT_SECRET', () => {
    expect(problemsOf(deployedEnv('prod', { JWT_SECRET_PREVIOUS: 'short' })).get('JWT_SECRET_PREVIOUS')).toMatch(
      /too short: 5 bytes, at least 32/,
    );
    const previous = random();
    expect(loadConfig(deployedEnv('prod', { JWT_SECRET_PREVIOUS: previous })).auth.previousJwtSecret).toBe(previous);
  });
});

describe('published secrets', () => {
  it.each(['prod', 'staging'] as const)(
    "%s refuses libs/config's dev defaults and the local servers' keys, saying where they are published, never the value",
    (env) => {
      const problems = problemsOf(
        deployedEnv(env, {
          JWT_SECRET: variableMeta('JWT_SECRET').devDefault,
          S3_ACCESS_KEY: 'S3RVER',
          S3_SECRET_KEY: 'minioadmin',
          PAYMENT_SANDBOX_SECRET: variableMeta('PAYMENT_SANDBOX_SECRET').devDefault,
        }),
      );
      expect(problems.get('JWT_SECRET')).toContain("a published value (JWT_SECRET's dev default in libs/config)");
      expect(problems.get('S3_ACCESS_KEY')).toContain("s3rver's built-in access key");
      expect(problems.get('S3_SECRET_KEY')).toContain("MinIO's default root user and password");
      expect(problems.get('PAYMENT_SANDBOX_SECRET')).toContain('a published value');
      const text = [...problems.values()].join('\n');
      expect(text).not.toContain(variableMeta('JWT_SECRET').devDefault);
      expect(text).not.toMatch(/"S3RVER"|"minioadmin"/);
    },
  );

  it("refuses a database or Redis URL whose password is published (docker-compose's, the schema's example)", () => {
    const problems = problemsOf(
      deployedEnv('prod', {
        DATABASE_URL: 'postgres://shop:shop@db.internal:5432/shop',
        REDIS_URL: 'redis://:secret@redis.internal:6379/0',
      }),
    );
    expect(problems.get('DATABASE_URL')).toContain(
      "its password is a published value (docker-compose.yml's PostgreSQL user and password)",
    );
    expect(problems.get('REDIS_URL')).toContain(
      "its password is a published value (DATABASE_URL's example in libs/config)",
    );
    expect([...problems.values()].join('\n')).not.toMatch(/:shop@|:secret@/);
  });

  it('refuses a published value with surrounding spaces too', () => {
    expect(problemsOf(deployedEnv('prod', { S3_SECRET_KEY: ' minioadmin ' })).get('S3_SECRET_KEY')).toContain(
      'a published value',
    );
  });
});

describe('staging: prod guards unless relaxed on purpose', () => {
  const weakStaging = {
    JWT_SECRET: 'x',
    CORS_ORIGINS: '*',
    PUBLIC_BASE_URL: 'http://api.staging.example.com',
    FRONTEND_URL: 'http://staging.example.com',
    PAYMENT_SANDBOX_ENABLED: 'true',
    PAYMENT_SANDBOX_SECRET: random(),
  };

  it('refuses what prod refuses, each with the RELAXED_GUARDS name that would allow it', () => {
    const problems = problemsOf(deployedEnv('staging', weakStaging));
    expect([...problems.keys()].sort()).toEqual(
      ['CORS_ORIGINS', 'FRONTEND_URL', 'JWT_SECRET', 'PAYMENT_SANDBOX_ENABLED', 'PUBLIC_BASE_URL'].sort(),
    );
    expect(problems.get('JWT_SECRET')).toContain('RELAXED_GUARDS=secret-strength');
    expect(problems.get('CORS_ORIGINS')).toContain('RELAXED_GUARDS=cors-origins');
    expect(problems.get('PUBLIC_BASE_URL')).toContain('RELAXED_GUARDS=https-urls');
    expect(problems.get('PAYMENT_SANDBOX_ENABLED')).toContain('RELAXED_GUARDS=sandbox-provider');
  });

  it('relaxes exactly the guards RELAXED_GUARDS names, and says so', () => {
    const problems = problemsOf(
      deployedEnv('staging', { ...weakStaging, RELAXED_GUARDS: 'sandbox-provider, https-urls' }),
    );
    expect([...problems.keys()].sort()).toEqual(['CORS_ORIGINS', 'JWT_SECRET']);

    const config = loadConfig(
      deployedEnv('staging', {
        ...weakStaging,
        JWT_SECRET: random(),
        CORS_ORIGINS: undefined,
        RELAXED_GUARDS: GUARD_NAMES.join(','),
      }),
    );
    expect(config.relaxedGuards).toEqual(GUARD_NAMES);
    expect(config.payments.sandbox).toBeDefined();
    expect(relaxedGuardsWarning(config.env, config.relaxedGuards)).toMatch(
      /^ENV=staging runs with prod guards relaxed on purpose \(RELAXED_GUARDS\): secret-strength \(.+\); .*sandbox-provider \(the sandbox payment provider is off\)$/,
    );
  });

  it('relaxing the published-secrets guard still leaves the strength check', () => {
    const problems = problemsOf(
      deployedEnv('staging', { S3_SECRET_KEY: 'minioadmin', RELAXED_GUARDS: 'published-secrets' }),
    );
    expect(problems.get('S3_SECRET_KEY')).toMatch(/too little variety.*RELAXED_GUARDS=secret-strength/);
  });

  it('prod relaxes nothing, and unknown guard names are refused everywhere', () => {
    expect(problemsOf(deployedEnv('prod', { RELAXED_GUARDS: 'sandbox-provider' })).get('RELAXED_GUARDS')).toContain(
      'prod relaxes no guard',
    );
    expect(problemsOf({ RELAXED_GUARDS: 'cors' }).get('RELAXED_GUARDS')).toContain(
      `unknown guard cors; guards are ${GUARD_NAMES.join(', ')}`,
    );
    expect(relaxedGuardsWarning('staging', [])).toBeUndefined();
  });
});

describe('admin token settings', () => {
  it('have defaults for issuer, audience and the longest lifetime, and take durations', () => {
    expect(loadConfig({}).auth).toMatchObject({
      issuer: 'shopops',
      audience: 'shopops-api',
      maxTokenLifetimeMs: 86_400_000,
    });
    expect(loadConfig({ ADMIN_TOKEN_MAX_LIFETIME: '15m' }).auth.maxTokenLifetimeMs).toBe(900_000);
    expect(problemsOf({ ADMIN_TOKEN_MAX_LIFETIME: 'forever' }).get('ADMIN_TOKEN_MAX_LIFETIME')).toContain(
      'expected a duration',
    );
  });
});

describe('shutdown drain', () => {
  it('defaults to a 5 s drain outside dev (Fly and Render need seconds to stop routing), none in dev', () => {
    expect(loadConfig(deployedEnv('prod')).shutdown.delayMs).toBe(5000);
    expect(loadConfig({}).shutdown.delayMs).toBe(0);
  });
});
