import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../../src/testing/captured-output.ts';
import { startPostgres, type TestPostgres } from '@shopops/local-servers';
import { query } from '@shopops/testing';
import migrateExecutor from './executor.ts';

const apiMigrations = resolve(import.meta.dirname, '../../../apps/api/migrations');
/** The API's migration versions in order; the tests follow the folder as it grows. */
const apiVersions = readdirSync(apiMigrations)
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .map((f) => f.slice(0, 14));

async function tables(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    "select tablename as name from pg_tables where schemaname = 'public' order by 1",
  );
  return rows.map((r) => r.name);
}

describe('migrate executor against a real Postgres', () => {
  let server: TestPostgres;
  let workspace: string;
  let context: ExecutorContext;
  const migrationsDir = () => join(workspace, 'apps/api/migrations');
  let output: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());

  beforeEach(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'migrate-executor-'));
    cpSync(apiMigrations, migrationsDir(), { recursive: true });
    writeFileSync(join(workspace, 'apps/api/.env.dev'), `DATABASE_URL=${await server.createDatabase()}\n`);
    context = {
      root: workspace,
      cwd: workspace,
      isVerbose: false,
      projectName: 'api',
      projectsConfigurations: { version: 2, projects: { api: { root: 'apps/api' } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    } as ExecutorContext;
    output = captureOutput();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(workspace, { recursive: true, force: true });
  });

  const envUrl = () => /DATABASE_URL=(.*)/.exec(readFileSync(join(workspace, 'apps/api/.env.dev'), 'utf8'))![1]!;

  it('applies the project migrations to the database of .env.dev and says which database', async () => {
    expect(await migrateExecutor({}, context)).toEqual({ success: true });
    expect(await tables(envUrl())).toEqual([
      'feature_flags',
      'order_items',
      'orders',
      'payments',
      'products',
      'schema_migrations',
    ]);
    expect(output().stderr).toMatch(
      /migrate: database postgres:\/\/postgres@127\.0\.0\.1:\d+\/\S+ \(from apps\/api\/\.env\.dev\)/,
    );
  });

  it('fails status --exitCode while migrations are pending, passes once applied', async () => {
    expect(await migrateExecutor({ command: 'status', exitCode: true }, context)).toEqual({ success: false });
    expect(output().stdout).toContain('pending  20261123090000_create_products');
    await migrateExecutor({ command: 'up' }, context);
    expect(await migrateExecutor({ command: 'status', exitCode: true }, context)).toEqual({ success: true });
  });

  it('rolls back with down --steps and reports JSON', async () => {
    await migrateExecutor({}, context);
    // Back to the first two (products, orders): everything after them reverted, newest first.
    const steps = apiVersions.length - 2;
    expect(await migrateExecutor({ command: 'down', steps, json: true }, context)).toEqual({ success: true });
    expect(await tables(envUrl())).toEqual(['order_items', 'orders', 'products', 'schema_migrations']);
    const json = JSON.parse(output().stdout.slice(output().stdout.lastIndexOf('{\n  "reverted"')));
    expect(json.reverted.map((m: { version: string }) => m.version)).toEqual(apiVersions.slice(2).reverse());
  });

  it('creates a migration with new and lints it strictly', async () => {
    expect(await migrateExecutor({ command: 'new', name: 'drop_description' }, context)).toEqual({ success: true });
    const file = readdirSync(migrationsDir()).find((f) => f.endsWith('_drop_description.sql'))!;
    writeFileSync(
      join(migrationsDir(), file),
      '-- migrate:up\nalter table products drop column description;\n-- migrate:down\n',
    );
    expect(await migrateExecutor({ command: 'lint' }, context)).toEqual({ success: true });
    expect(await migrateExecutor({ command: 'lint', strict: true }, context)).toEqual({ success: false });
    expect(output().stdout).toMatch(/_drop_description\.sql:2: error MIG002 drop-column/);
  });

  it('uses an absolute --dir as given, not joined onto the project root', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'migrate-elsewhere-'));
    try {
      writeFileSync(join(elsewhere, '1_create_tags.up.sql'), 'CREATE TABLE tags (id int);\n');
      expect(await migrateExecutor({ dir: elsewhere }, context)).toEqual({ success: true });
      expect(await tables(envUrl())).toEqual(['schema_migrations', 'tags']);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('accepts every duration the engine accepts, from the one option schema (1h failed through Nx before)', async () => {
    expect(await migrateExecutor({ statementLockTimeout: '1h', json: true }, context)).toEqual({ success: true });
    const json = JSON.parse(output().stdout.slice(output().stdout.indexOf('{\n  "applied"')));
    expect(json.applied).toHaveLength(apiVersions.length);
    expect(await migrateExecutor({ statementLockTimeout: '1 fortnight' }, context)).toEqual({ success: false });
    expect(output().stderr).toContain('--statementLockTimeout: a Postgres duration such as 5s, 500ms, 1min or 1h');
  });

  it('forces a version given as the second word, like `nx run api:migrate force 20261123090100`', async () => {
    await migrateExecutor({ command: 'up', to: '20261123090100' }, context);
    expect(await migrateExecutor({ command: 'force', name: '20261123090000' }, context)).toEqual({ success: true });
    expect(output().stdout).toContain('forced version 20261123090000; no longer recorded as applied: 20261123090100');
    expect(await migrateExecutor({ command: 'force', name: '20991231000000' }, context)).toEqual({ success: false });
    expect(output().stderr).toMatch(/migrate: force: no migration has version 20991231000000\n {2}remedy: /);
  });

  it('rejects bad options by name before touching the database', async () => {
    expect(await migrateExecutor({ command: 'down', steps: 0 }, context)).toEqual({ success: false });
    expect(output().stderr).toContain('migrate: invalid option for migrate: --steps: Too small');
    expect(output().stderr).toContain('  remedy: see nx run api:migrate --help');
    expect(await migrateExecutor({ command: 'status', env: 'prod' }, context)).toEqual({ success: false });
    expect(output().stderr).toContain('apps/api/.env.prod does not exist');
    expect(await tables(envUrl())).toEqual([]);
  });

  it('masks the password of an unreachable database', async () => {
    const url = 'postgres://app:hunter2@127.0.0.1:1/shop';
    expect(await migrateExecutor({ command: 'status', url }, context)).toEqual({ success: false });
    const { stderr } = output();
    expect(stderr).toContain('postgres://app:***@127.0.0.1:1/shop');
    expect(stderr).not.toContain('hunter2');
    expect(existsSync(join(workspace, 'apps/api/schema.sql'))).toBe(false);
  });
});
