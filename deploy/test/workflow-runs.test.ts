import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, startS3Server, type TestPostgres, type TestS3Server } from '@shopops/local-servers';
import { nxEnv, query, scratchDir, withDistLock } from '@shopops/testing';
import { runStep } from '../src/run-step.ts';
import { readWorkflows, stepNamed } from '../src/workflow-file.ts';

/**
 * The run: steps that call our tooling, executed here as the runner would, with what GitHub would put
 * in their environment: the backup job against a throwaway Postgres and the local S3 server, and the
 * licence check of ci.yml against this checkout's node_modules (it needs no network).
 */
const root = resolve(import.meta.dirname, '../..');
const workflows = readWorkflows(root);
const backupWorkflow = workflows.find((w) => w.path.endsWith('/backup.yml'))!;
const ciWorkflow = workflows.find((w) => w.path.endsWith('/ci.yml'))!;
const backupJob = backupWorkflow.workflow.jobs.backup!;

describe('backup.yml, its bundle and backup steps run for real', () => {
  let server: TestPostgres;
  let s3: TestS3Server;
  let database: string;
  const runner = () => {
    const temp = scratchDir('runner-temp-');
    return { RUNNER_TEMP: temp, GITHUB_STEP_SUMMARY: join(temp, 'step-summary.md') };
  };
  /** The job's env: as the production environment's secrets and variables would fill it in. */
  const jobEnv = (databaseUrl: string) => ({
    DATABASE_URL: databaseUrl,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_REGION: s3.region,
    BACKUP_DESTINATION: 's3://backups/production',
  });
  const environment = (databaseUrl: string, runnerEnv: Record<string, string>) => ({
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    ...nxEnv(),
    ...backupWorkflow.workflow.env,
    ...jobEnv(databaseUrl),
    // What the "PostgreSQL client tools" step exports; here the throwaway cluster's own binaries.
    PG_BINDIR: server.binDir,
    ...runnerEnv,
  });
  const objects = async () => {
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'backups', Prefix: 'production/' }));
    client.destroy();
    return (listed.Contents ?? []).map((object) => object.Key!).sort();
  };

  beforeAll(async () => {
    [server, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['backups'] })]);
    database = await server.createDatabase('shop');
    await query(
      database,
      `create table products (id int primary key, name text not null);
       insert into products select g, 'product ' || g from generate_series(1, 1000) g;`,
    );
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), s3?.stop()]);
  });

  it('the job reads exactly the variables given here', () => {
    expect(Object.keys(backupJob.env!).sort()).toEqual(Object.keys(jobEnv('')).sort());
  });

  it('backs up to S3, drills a restore, applies retention, writes the summary; a failure is an error annotation and no object', async () => {
    const done = runner();
    const failed = runner();
    const { made, failure, before } = await withDistLock(async () => {
      const bundle = await runStep(
        stepNamed(backupWorkflow, 'backup', 'The backup CLI as one file'),
        root,
        environment(database, done),
      );
      expect(bundle.exitCode, bundle.stderr + bundle.stdout).toBe(0);
      const backupStep = stepNamed(backupWorkflow, 'backup', 'Backup, restore drill and retention');
      const made = await runStep(backupStep, root, environment(database, done));
      const before = await objects();
      const missing = database.replace(/\/shop$/, '/no_such_database');
      const failure = await runStep(backupStep, root, environment(missing, failed));
      return { made, failure, before };
    });

    expect(made.exitCode, made.stderr + made.stdout).toBe(0);
    const summary = JSON.parse(readFileSync(join(done.RUNNER_TEMP, 'backup-summary.json'), 'utf8'));
    const id = summary.backup.id as string;
    // The drill restored it into a scratch database; retention ran and had nothing to delete yet.
    expect(summary).toMatchObject({
      backup: { id: expect.any(String) },
      verify: { drill: expect.anything() },
      prune: { remove: [] },
    });
    expect(before.filter((key) => key.includes(id)).length).toBeGreaterThanOrEqual(2); // archive and manifest
    expect(readFileSync(done.GITHUB_STEP_SUMMARY, 'utf8')).toContain(id);

    expect(failure.exitCode).toBe(1);
    expect(failure.stdout).toContain('::error title=Backup failed::');
    expect(failure.stderr).toMatch(/no_such_database/);
    expect(existsSync(failed.GITHUB_STEP_SUMMARY)).toBe(false);
    expect(await objects()).toEqual(before);
  });
});

describe('ci.yml, its licence check run against node_modules', () => {
  it('every shipped dependency has a licence on the allow-list', async () => {
    const step = stepNamed(ciWorkflow, 'checks', 'Licences of what ships (dependencies) are on the allow-list');
    const checked = await runStep(step, root, { PATH: process.env.PATH!, HOME: process.env.HOME! });
    expect(checked.exitCode, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/MIT: \d+/);
  });
});
