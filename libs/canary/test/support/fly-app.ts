import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { devApiEnvironment, startPostgres, startS3Server, freePort } from '@shopops/local-servers';
import { up } from '@shopops/migrate';
import {
  apiImageFromSource,
  query,
  scratchDir,
  startFlyMachinesSimulator,
  type FlyMachinesSimulator,
  type ImageDefinition,
  type SimMachineConfig,
} from '@shopops/testing';

export const workspaceRoot = resolve(import.meta.dirname, '../../../..');
const migrationsDir = join(workspaceRoot, 'apps/api/migrations');
const faultyApi = join(import.meta.dirname, 'faulty-api.ts');

export const TOKEN = 'fm2_test-deploy-token-5f7833d0';
export const APP = 'shopops-api';

/** The images of the scenarios: what each release is, by its reference. */
export const IMAGES = {
  old: 'registry.fly.io/shopops-api:1.4.2',
  good: 'registry.fly.io/shopops-api:1.5.0',
  unready: 'registry.fly.io/shopops-api:1.5.0-missing-bucket',
  errors: 'registry.fly.io/shopops-api:1.5.0-errors',
  brokenMigration: 'registry.fly.io/shopops-api:1.5.0-broken-migration',
  neverStarts: 'registry.fly.io/shopops-api:1.5.0-no-boot',
} as const;

export interface FlyApp {
  simulator: FlyMachinesSimulator;
  apiUrl: string;
  proxyUrl: string;
  internalPort: number;
  databaseUrl: string;
  /** A fly.toml for this app in a scratch directory (release_command = "migrate up"), and its folder. */
  flyToml: string;
  dir: string;
  /** The machines of a previous deploy (of IMAGES.old unless told), serving; those of earlier scenarios gone. */
  launch(count: number, image?: string): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * A Fly app in the Machines simulator: one real Postgres (migrated, two products) and one S3 server that
 * every machine shares, the API images of the scenarios built from source, a fly.toml beside them.
 */
export async function startFlyApp(): Promise<FlyApp> {
  const [postgres, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['uploads'] })]);
  const databaseUrl = await postgres.createDatabase('shop');
  await up({ url: databaseUrl, dir: migrationsDir });
  await query(
    databaseUrl,
    `insert into products (sku, name, description, price_cents, currency, stock) values
       ('MUG-001', 'Enamel mug', 'Survives the campfire', 12990, 'CLP', 1000)`,
  );
  const dir = scratchDir('canary-app-');
  const broken = join(dir, 'broken-migrations');
  mkdirSync(broken);
  for (const file of readdirSync(migrationsDir)) copyFileSync(join(migrationsDir, file), join(broken, file));
  writeFileSync(
    join(broken, '29991231235959_broken.sql'),
    '-- migrate:up\nalter table no_such_table add column x int;\n\n-- migrate:down\n',
  );

  const image = (version: string, extra: Partial<Parameters<typeof apiImageFromSource>[0]> = {}) =>
    apiImageFromSource({ workspaceRoot, version, ...extra });
  const images: Record<string, ImageDefinition> = {
    [IMAGES.old]: image('1.4.2'),
    [IMAGES.good]: image('1.5.0'),
    [IMAGES.unready]: image('1.5.0', { entry: faultyApi, args: ['--missing-bucket'] }),
    [IMAGES.errors]: image('1.5.0', { entry: faultyApi, args: ['--fail-every', '5'] }),
    [IMAGES.brokenMigration]: image('1.5.0', { migrationsDir: broken }),
    [IMAGES.neverStarts]: { ...image('1.5.0'), neverStarts: true },
  };
  const simulator = await startFlyMachinesSimulator({ token: TOKEN, images });
  const proxyUrl = await simulator.createApp(APP);
  const internalPort = await freePort();
  const env = {
    ...devApiEnvironment({ databaseUrl, s3, apiUrl: proxyUrl, webUrl: 'http://127.0.0.1:5173' }),
    LOG_LEVEL: 'error',
    RATE_LIMITS: 'off',
    FEATURE_PAYMENTS: 'true',
    SHUTDOWN_DELAY_MS: '300',
    SHUTDOWN_TIMEOUT_MS: '5000',
    DATABASE_POOL_MAX: '3',
  };
  const config: SimMachineConfig = {
    image: IMAGES.old,
    env,
    guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 512 },
    services: [
      {
        protocol: 'tcp',
        internal_port: internalPort,
        ports: [{ port: 443, handlers: ['tls', 'http'] }],
        checks: [
          { type: 'http', method: 'GET', path: '/readyz', interval: '500ms', timeout: '2s', grace_period: '0s' },
        ],
      },
    ],
    checks: { listener: { type: 'tcp', port: internalPort, interval: '1s', timeout: '1s' } },
    metadata: { fly_process_group: 'app', fly_platform_version: 'v2', fly_release_version: '7' },
    restart: { policy: 'on-failure' },
  };
  const flyToml = join(dir, 'fly.toml');
  writeFileSync(
    flyToml,
    `app = "${APP}"\n\n[deploy]\n  release_command = "migrate up"\n  release_command_timeout = "90s"\n  wait_timeout = "90s"\n\n[http_service]\n  internal_port = ${internalPort}\n  min_machines_running = 1\n`,
  );
  return {
    simulator,
    apiUrl: simulator.url,
    proxyUrl,
    internalPort,
    databaseUrl,
    flyToml,
    dir,
    launch: async (count, image = IMAGES.old) => {
      await simulator.destroyAll(APP);
      return (await simulator.launch(APP, count, { ...config, image })).map((m) => m.id);
    },
    stop: async () => {
      await simulator.stop();
      await Promise.all([postgres.stop(), s3.stop()]);
    },
  };
}

/** Options every scenario shares: this app, its simulator, short intervals. */
export function baseOptions(app: FlyApp) {
  return {
    config: app.flyToml,
    apiUrl: app.apiUrl,
    interval: 1500,
    minRequests: 20,
    leaseTtl: 10,
    waitTimeout: 90_000,
    retries: 3,
  };
}
