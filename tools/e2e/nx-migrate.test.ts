import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '@shopops/local-servers';
import { runNx } from '@shopops/testing';

// The real thing: the nx CLI loading our plugin, inferring the target and running the executor.
const workspaceRoot = resolve(import.meta.dirname, '../..');
const nx = (args: string[], env: Record<string, string> = {}) => runNx(args, { NX_SKIP_NX_CACHE: 'true', ...env });

describe('nx run api:migrate', () => {
  let server: TestPostgres;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startPostgres();
    env = { DATABASE_URL: await server.createDatabase() };
  });
  afterAll(() => server?.stop());

  it('is inferred for the api project from its migrations folder', async () => {
    const { stdout, exitCode } = await nx(['show', 'project', 'api', '--json']);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout).targets.migrate).toMatchObject({ executor: '@shopops/ops:migrate' });
  });

  it('shows status, applies, and passes status --exit-code afterwards', async () => {
    const before = await nx(['run', 'api:migrate', 'status'], env);
    expect(before.exitCode).toBe(0);
    expect(before.all).toContain('pending  20261123090000_create_products');

    expect((await nx(['run', 'api:migrate', 'status', '--exit-code'], env)).exitCode).not.toBe(0);
    const up = await nx(['run', 'api:migrate'], env);
    expect(up.exitCode, up.all).toBe(0);
    const count = readdirSync(resolve(workspaceRoot, 'apps/api/migrations')).filter((f) => f.endsWith('.sql')).length;
    expect(up.all).toContain(`applied ${count} migrations`);
    expect((await nx(['run', 'api:migrate', 'status', '--exit-code'], env)).exitCode).toBe(0);
  });

  it('names an unknown option and fails', async () => {
    const result = await nx(['run', 'api:migrate', 'status', '--stepz=2'], env);
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(/stepz/);
  });

  it('documents its options in --help', async () => {
    const { all, exitCode } = await nx(['run', 'api:migrate', '--help']);
    expect(exitCode).toBe(0);
    expect(all).toMatch(/--statementLockTimeout/);
    expect(all).toMatch(/--allowOutOfOrder/);
  });
});

describe('nx g @shopops/ops:migration', () => {
  it('plans the file in the project migrations folder, and --dry-run writes nothing', async () => {
    const { all, exitCode } = await nx([
      'g',
      '@shopops/ops:migration',
      'add_orders_index',
      '--project',
      'api',
      '--dry-run',
    ]);
    expect(exitCode, all).toBe(0);
    const created = /CREATE (apps\/api\/migrations\/\d{14}_add_orders_index\.sql)/.exec(all);
    expect(created).not.toBeNull();
    expect(existsSync(resolve(workspaceRoot, created![1]!))).toBe(false);
  });
});
