import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '@shopops/config';
import { up } from '@shopops/migrate';
import type { DestinationStream } from '@shopops/observability';
import {
  devApiEnvironment,
  startPostgres,
  startS3Server,
  type TestPostgres,
  type TestS3Server,
} from '@shopops/local-servers';
import { buildApp, DEFAULT_MIGRATIONS_DIR, signAdminToken, type BuildAppOptions } from '../../src/index.ts';

export const BUCKET = 'uploads';
export const JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';
export const SANDBOX_SECRET = 'test-sandbox-secret';

/** One real Postgres cluster and one real S3 server per test file; a fresh migrated database per app. */
export interface TestStack {
  pg: TestPostgres;
  s3: TestS3Server;
  /** A new database with every migration applied. */
  migratedDatabase(): Promise<string>;
  /** The API's environment against this stack; `overrides` win (undefined removes a variable). */
  env(databaseUrl: string, overrides?: Record<string, string | undefined>): Record<string, string | undefined>;
  stop(): Promise<void>;
}

/** `postgres`: server settings for the cluster, e.g. ['max_connections=20']. */
export async function startTestStack(options: { postgres?: string[] } = {}): Promise<TestStack> {
  const [pg, s3] = await Promise.all([
    startPostgres({ settings: options.postgres }),
    startS3Server({ buckets: [BUCKET] }),
  ]);
  return {
    pg,
    s3,
    async migratedDatabase() {
      const url = await pg.createDatabase();
      await up({ url, dir: DEFAULT_MIGRATIONS_DIR });
      return url;
    },
    env(databaseUrl, overrides = {}) {
      const env: Record<string, string | undefined> = {
        ...devApiEnvironment({
          databaseUrl,
          s3,
          bucket: BUCKET,
          apiUrl: 'http://127.0.0.1:8080',
          webUrl: 'http://127.0.0.1:5173',
        }),
        // Tests sign tokens and sandbox webhooks with these, and count on no CORS origin being set.
        JWT_SECRET,
        PAYMENT_SANDBOX_SECRET: SANDBOX_SECRET,
        CORS_ORIGINS: undefined,
        RATE_LIMITS: 'off',
        LOG_LEVEL: 'info',
        ...overrides,
      };
      return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
    },
    async stop() {
      await Promise.all([pg.stop(), s3.stop()]);
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  databaseUrl: string;
  adminToken: string;
}

/** A ready (not listening) app on a fresh database; logs go nowhere unless a stream is given. */
export async function buildTestApp(
  stack: TestStack,
  overrides: Record<string, string | undefined> = {},
  options: BuildAppOptions = {},
): Promise<TestApp> {
  const databaseUrl = await stack.migratedDatabase();
  const config = loadConfig(stack.env(databaseUrl, overrides));
  const app = buildApp(config, { logStream: options.logStream ?? discard(), ...options });
  await app.ready();
  return { app, config, databaseUrl, adminToken: await signAdminToken(JWT_SECRET, { sub: 'admin-1' }) };
}

export function discard(): DestinationStream {
  return { write: () => undefined };
}

/** Collects JSON log lines. */
export function captureLogs(): DestinationStream & { lines: string[]; entries(): Record<string, unknown>[] } {
  const lines: string[] = [];
  return {
    lines,
    write: (line: string) => void lines.push(line),
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export const PNG_BYTES = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d0e4' +
    'a60000000049454e44ae426082',
  'hex',
);
export const JPEG_BYTES = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.alloc(60, 1),
  Buffer.from([0xff, 0xd9]),
]);
