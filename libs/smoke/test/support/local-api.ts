import { fileURLToPath } from 'node:url';
import { startApi } from '@shopops/api';
import { devApiEnvironment, freePort, startPostgres, startS3Server } from '@shopops/local-servers';
import { up } from '@shopops/migrate';
import { query } from '@shopops/testing';

const migrationsDir = fileURLToPath(new URL('../../../../apps/api/migrations', import.meta.url));

export interface LocalApi {
  url: string;
  /** The storefront origin the API allows (CORS_ORIGINS). */
  webOrigin: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

export interface LocalApiOptions {
  version?: string;
  commit?: string;
}

/**
 * The real API (startApi) on loopback, as the local stack runs it (devApiEnvironment): a throwaway
 * Postgres with the migrations and two products (one sold out), a real S3 server, the sandbox
 * payment provider on, and the build identity the image would pass in.
 */
export async function startLocalApi(options: LocalApiOptions = {}): Promise<LocalApi> {
  const [postgres, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['uploads'] })]);
  try {
    const databaseUrl = await postgres.createDatabase('shop');
    await up({ url: databaseUrl, dir: migrationsDir });
    await query(
      databaseUrl,
      `insert into products (sku, name, description, price_cents, currency, stock) values
         ('LAN-003', 'Storm lantern', 'Sold out', 21500, 'CLP', 0),
         ('MUG-001', 'Enamel mug', 'Survives the campfire', 12990, 'CLP', 10)`,
    );
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const webOrigin = 'http://127.0.0.1:5173';
    const api = await startApi({
      host: '127.0.0.1',
      port,
      env: {
        ...devApiEnvironment({ databaseUrl, s3, apiUrl, webUrl: webOrigin }),
        LOG_LEVEL: 'error',
        MIGRATIONS_DIR: migrationsDir,
        RATE_LIMITS: 'off',
        FEATURE_PAYMENTS: 'true',
        APP_VERSION: options.version ?? '1.4.2',
        GIT_COMMIT: options.commit ?? '5f7833d0c0ffee5f7833d0c0ffee5f7833d0c0ff',
        BUILD_TIME: '2026-11-23T09:00:00Z',
      },
    });
    return {
      url: api.url,
      webOrigin,
      databaseUrl,
      stop: async () => {
        await api.close();
        await Promise.all([postgres.stop(), s3.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([postgres.stop(), s3.stop()]);
    throw error;
  }
}
