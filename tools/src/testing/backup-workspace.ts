import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { startPostgres, startS3Server, type TestPostgres, type TestS3Server } from '@shopops/local-servers';
import { query } from '@shopops/testing';
import { captureOutput } from './captured-output.ts';

export interface BackupWorkspace {
  server: TestPostgres;
  s3: TestS3Server;
  /** The API's database (apps/api/.env.dev points at it): 500 products. */
  source: string;
  /** A scratch workspace root with apps/api and tools projects. */
  root: string;
  context: ExecutorContext;
  output(): { stdout: string; stderr: string };
  /** The last JSON document on stdout: pretty-printed, it is the last one opening at column 0. */
  lastJson(): unknown;
}

/**
 * What every backup executor's test needs, set up with vitest hooks: a real Postgres and S3 server,
 * a scratch workspace whose apps/api/.env.dev names the database, the process environment the
 * executors read, and their output captured. Returns a live view (fields are set in beforeAll/Each).
 */
export function useBackupWorkspace(): BackupWorkspace {
  const workspace = {} as BackupWorkspace;
  const saved = { ...process.env };
  let output: ReturnType<typeof captureOutput>;
  beforeAll(async () => {
    [workspace.server, workspace.s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['backups'] })]);
    workspace.source = await workspace.server.createDatabase('shop');
    await query(
      workspace.source,
      `create table products (id int primary key, name text);
       insert into products select g, 'product ' || g from generate_series(1, 500) g;`,
    );
  });
  afterAll(async () => {
    await Promise.all([workspace.server?.stop(), workspace.s3?.stop()]);
  });
  beforeEach(() => {
    workspace.root = mkdtempSync(join(tmpdir(), 'backup-executor-'));
    mkdirSync(join(workspace.root, 'apps/api'), { recursive: true });
    writeFileSync(join(workspace.root, 'apps/api/.env.dev'), `DATABASE_URL=${workspace.source}\n`);
    workspace.context = {
      root: workspace.root,
      cwd: workspace.root,
      isVerbose: false,
      projectName: 'api',
      projectsConfigurations: { version: 2, projects: { api: { root: 'apps/api' }, ops: { root: 'tools' } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    } as ExecutorContext;
    delete process.env.DATABASE_URL;
    Object.assign(process.env, {
      PG_BINDIR: workspace.server.binDir,
      AWS_ACCESS_KEY_ID: workspace.s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: workspace.s3.secretAccessKey,
    });
    output = captureOutput();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
    rmSync(workspace.root, { recursive: true, force: true });
  });
  workspace.output = () => output();
  workspace.lastJson = () => {
    const { stdout } = output();
    const starts = [...stdout.matchAll(/^[[{]/gm)].map((match) => match.index);
    return JSON.parse(stdout.slice(starts.at(-1)));
  };
  return workspace;
}
