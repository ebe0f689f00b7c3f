import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureOutput } from '../../src/testing/captured-output.ts';
import { startPostgres, startS3Server, type TestPostgres, type TestS3Server } from '@shopops/local-servers';
import { query } from '@shopops/testing';
import backupExecutor from './executor.ts';
import restoreExecutor from '../restore/executor.ts';
import backupListExecutor from '../backup-list/executor.ts';
import backupVerifyExecutor from '../backup-verify/executor.ts';
import backupPruneExecutor from '../backup-prune/executor.ts';

describe('backup executors against a real Postgres and S3 server', () => {
  let server: TestPostgres;
  let s3: TestS3Server;
  let source: string;
  let workspace: string;
  let context: ExecutorContext;
  const saved = { ...process.env };
  let output: ReturnType<typeof captureOutput>;
  /** The last JSON document on stdout: pretty-printed, it is the last one opening at column 0. */
  const lastJson = () => {
    const { stdout } = output();
    const starts = [...stdout.matchAll(/^[[{]/gm)].map((match) => match.index);
    return JSON.parse(stdout.slice(starts.at(-1)));
  };

  beforeAll(async () => {
    [server, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['backups'] })]);
    source = await server.createDatabase('shop');
    await query(
      source,
      `create table products (id int primary key, name text);
       insert into products select g, 'product ' || g from generate_series(1, 500) g;`,
    );
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), s3?.stop()]);
  });

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'backup-executor-'));
    mkdirSync(join(workspace, 'apps/api'), { recursive: true });
    writeFileSync(join(workspace, 'apps/api/.env.dev'), `DATABASE_URL=${source}\n`);
    context = {
      root: workspace,
      cwd: workspace,
      isVerbose: false,
      projectName: 'api',
      projectsConfigurations: { version: 2, projects: { api: { root: 'apps/api' }, ops: { root: 'tools' } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    } as ExecutorContext;
    delete process.env.DATABASE_URL;
    Object.assign(process.env, {
      PG_BINDIR: server.binDir,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
    output = captureOutput();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
    rmSync(workspace, { recursive: true, force: true });
  });

  it('backs up the database of apps/api/.env.dev into backups/ in the workspace, and lists it', async () => {
    expect(await backupExecutor({}, context)).toEqual({ success: true });
    expect(output().stderr).toMatch(
      /backup: database postgres:\/\/postgres@127\.0\.0\.1:\d+\/shop \(from apps\/api\/\.env\.dev\)/,
    );
    const files = readdirSync(join(workspace, 'backups'));
    expect(files).toHaveLength(2);
    expect(files.some((name) => /^db_shop_\d{8}_\d{4}\.manifest\.json$/.test(name))).toBe(true);

    expect(await backupListExecutor({ json: true }, context)).toEqual({ success: true });
    expect(lastJson()).toMatchObject([{ database: 'shop', tables: 1 }]);
  });

  it('backs up to S3 with verify, verifies again, restores into a new database and prunes', async () => {
    const s3Options = { destination: 's3://backups/executors', s3Endpoint: s3.endpoint };
    expect(await backupExecutor({ ...s3Options, verify: true }, context)).toEqual({ success: true });
    expect(output().stderr).toMatch(/public\.products\s+500\s+500\s+ok/);

    expect(await backupVerifyExecutor({ ...s3Options, json: true }, context)).toEqual({ success: true });
    expect(lastJson()).toMatchObject({ checksum: 'ok', fullRead: 'ok', drill: { ok: true } });

    const copy = new URL(source);
    copy.pathname = '/shop_restored';
    expect(await restoreExecutor({ ...s3Options, url: copy.toString(), jobs: 2 }, context)).toEqual({ success: true });
    expect(await query(copy.toString(), 'select count(*)::int as n from products')).toEqual([{ n: 500 }]);

    expect(await backupExecutor({ ...s3Options }, context)).toEqual({ success: true });
    const zeros = { keepDaily: 0, keepWeekly: 0, keepMonthly: 0 };
    expect(await backupPruneExecutor({ ...s3Options, ...zeros }, context)).toEqual({ success: true });
    expect(output().stderr).toMatch(/prune: keep 1, would delete \(run with --apply to delete\) 1, left alone 0/);
    expect(await backupPruneExecutor({ ...s3Options, ...zeros, apply: true, json: true }, context)).toEqual({
      success: true,
    });
    expect(lastJson()).toMatchObject({ applied: true, keep: [{ reasons: ['newest'] }] });
  });

  it('refuses to restore into a protected database without confirm', async () => {
    expect(await backupExecutor({}, context)).toEqual({ success: true });
    expect(await restoreExecutor({ protectedDatabases: ['shop'] }, context)).toEqual({ success: false });
    expect(output().stderr).toContain('remedy: pass --confirm=shop if you really mean to overwrite it');
  });

  it('rejects bad options by name and an unknown env project, touching nothing', async () => {
    expect(await restoreExecutor({ jobs: 0 }, context)).toEqual({ success: false });
    expect(output().stderr).toContain('restore: invalid option for restore: --jobs: Too small');
    expect(await backupExecutor({ envProject: 'nope' }, context)).toEqual({ success: false });
    expect(output().stderr).toContain("backup: --envProject: no project named 'nope' in this workspace");
    expect(await backupExecutor({ env: 'prod' }, context)).toEqual({ success: false });
    expect(output().stderr).toContain('apps/api/.env.prod does not exist');
    expect(readdirSync(workspace)).toEqual(['apps']);
  });
});
