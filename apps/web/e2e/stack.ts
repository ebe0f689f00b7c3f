import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pg from 'pg';
import { preview, type PreviewServer } from 'vite';
// apps/api has no package exports yet; the relative path is its public entry point (src/index.ts).
import { startApi } from '../../api/src/index.ts';
import { up } from '@shopops/migrate';
import { devApiEnvironment, freePort, startPostgres, startS3Server } from '@shopops/local-servers';

const webRoot = fileURLToPath(new URL('..', import.meta.url));
const migrationsDir = fileURLToPath(new URL('../../api/migrations', import.meta.url));

export interface SeedProduct {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  stock: number;
}

export const seedProducts: SeedProduct[] = [
  {
    sku: 'MUG-001',
    name: 'Enamel mug',
    description: 'A mug that survives the campfire.',
    priceCents: 12990,
    stock: 10,
  },
  { sku: 'BLK-002', name: 'Wool blanket', description: 'Merino, 150 × 200 cm.', priceCents: 45990, stock: 3 },
  { sku: 'LAN-003', name: 'Storm lantern', description: 'Sold out until spring.', priceCents: 21500, stock: 0 },
];

export interface Stack {
  /** The storefront, built with VITE_API_URL = apiUrl and served from dist on 127.0.0.1. */
  webUrl: string;
  apiUrl: string;
  /** Superuser connection to the shop database, to check what the UI did. */
  db: pg.Client;
  /** Product id by SKU, as the database assigned them. */
  productIds: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * The whole system on loopback: a throwaway Postgres with the API's migrations and a few products,
 * an S3 server, the real API (startApi), and the production build of the web app served by
 * `vite preview`. The browser's origin differs from the API's, so CORS is exercised as in production.
 */
export async function startStack(): Promise<Stack> {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  };
  try {
    const [apiPort, webPort] = [await freePort(), await freePort()];
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const webUrl = `http://127.0.0.1:${webPort}`;

    // The build only needs the API's address, so it runs while the servers start.
    const outDir = mkdtempSync(join(tmpdir(), 'web-e2e-dist-'));
    cleanups.push(() => rmSync(outDir, { recursive: true, force: true }));
    const building = buildWeb(apiUrl, outDir);
    building.catch(() => undefined);

    const [postgres, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['uploads'] })]);
    cleanups.push(
      () => postgres.stop(),
      () => s3.stop(),
    );

    const databaseUrl = await postgres.createDatabase('shop');
    await up({ url: databaseUrl, dir: migrationsDir });
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    const productIds = await seed(db);

    const api = await startApi({
      host: '127.0.0.1',
      port: apiPort,
      env: {
        ...devApiEnvironment({ databaseUrl, s3, apiUrl, webUrl }),
        HOST: '127.0.0.1',
        PORT: String(apiPort),
        LOG_LEVEL: 'error',
        MIGRATIONS_DIR: migrationsDir,
        RATE_LIMITS: 'off',
        FEATURE_PAYMENTS: 'true',
        APP_VERSION: '0.0.0-e2e',
        GIT_COMMIT: 'e2e0000',
        BUILD_TIME: '2026-11-23T09:00:00Z',
      },
    });
    cleanups.push(() => api.close());
    if (new URL(api.url).port !== String(apiPort)) {
      throw new Error(`startApi listened on ${api.url}, not on port ${apiPort} that the web build points at`);
    }

    await building;
    const server = await serveBuild(outDir, webPort);
    cleanups.push(() => server.close());

    return { webUrl, apiUrl, db, productIds, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function buildWeb(apiUrl: string, outDir: string): Promise<void> {
  const viteBin = join(createRequire(import.meta.url).resolve('vite/package.json'), '..', 'bin', 'vite.js');
  const result = await execa(
    process.execPath,
    [
      viteBin,
      'build',
      '--config',
      join(webRoot, 'vite.config.ts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { env: { VITE_API_URL: apiUrl }, reject: false, all: true },
  );
  if (result.exitCode !== 0) throw new Error(`vite build failed (${result.exitCode}):\n${result.all}`);
}

/** `vite preview`: static files from dist, index.html for every other path (history routing). */
async function serveBuild(outDir: string, port: number): Promise<PreviewServer> {
  return preview({
    configFile: false,
    root: webRoot,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
}

async function seed(db: pg.Client): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const p of seedProducts) {
    const { rows } = await db.query<{ id: string }>(
      `insert into products (sku, name, description, price_cents, currency, stock)
       values ($1, $2, $3, $4, 'CLP', $5) returning id`,
      [p.sku, p.name, p.description, p.priceCents, p.stock],
    );
    ids.set(p.sku, Number(rows[0]?.id));
  }
  return ids;
}
