import { execa } from 'execa';
import { up } from '@shopops/migrate';
import { DEFAULT_MIGRATIONS_DIR, startApi, type RunningApi } from '@shopops/api';
import {
  devApiEnvironment,
  startPostgres,
  startS3Server,
  type TestPostgres,
  type TestS3Server,
} from '@shopops/local-servers';
import { WORKSPACE_ROOT } from '../../src/paths.ts';

export interface ApiUnderWatch {
  api: RunningApi;
  pg: TestPostgres;
  s3: TestS3Server;
  databaseUrl: string;
  stop(): Promise<void>;
}

/** The real API on a free loopback port, against a real Postgres cluster and S3 server, migrated. */
export async function startApiUnderWatch(): Promise<ApiUnderWatch> {
  const [pg, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['uploads'] })]);
  const databaseUrl = await pg.createDatabase();
  await up({ url: databaseUrl, dir: DEFAULT_MIGRATIONS_DIR });
  const env = {
    ...devApiEnvironment({
      databaseUrl,
      s3,
      bucket: 'uploads',
      apiUrl: 'http://127.0.0.1:8080',
      webUrl: 'http://127.0.0.1:5173',
    }),
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'silent',
    APP_VERSION: '9.9.9-test',
    GIT_COMMIT: 'e2e0000',
  };
  const api = await startApi({ env, port: 0, host: '127.0.0.1', logStream: { write: () => undefined } });
  return {
    api,
    pg,
    s3,
    databaseUrl,
    stop: async () => {
      await api.close();
      await Promise.all([pg.stop(), s3.stop()]);
    },
  };
}

/** The backup CLI as production runs it (`backup backup --verify --metrics-file [--pushgateway-url]`); its stderr when it fails. */
export async function runBackupWithMetrics(
  databaseUrl: string,
  destination: string,
  metrics: { file: string; pushgatewayUrl?: string },
): Promise<void> {
  const result = await execa(
    process.execPath,
    [
      '--import',
      'tsx',
      'libs/backup/src/main.ts',
      'backup',
      '--url',
      databaseUrl,
      '--destination',
      destination,
      '--verify',
      '--metrics-file',
      metrics.file,
      ...(metrics.pushgatewayUrl ? ['--pushgateway-url', metrics.pushgatewayUrl] : []),
    ],
    { cwd: WORKSPACE_ROOT, reject: false, all: true, env: { NODE_NO_WARNINGS: '1' } },
  );
  if (result.exitCode !== 0) throw new Error(`the backup CLI failed (${result.exitCode}):\n${result.all}`);
}
