import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, startS3Server, type TestPostgres, type TestS3Server } from '@shopops/local-servers';
import { nxEnv, query, scratchDir, withDistLock } from '@shopops/testing';

// docs/BACKUP_POLICY.md promises that every command in it runs as written: this runs them, in order.
const workspaceRoot = resolve(import.meta.dirname, '../..');
const policy = readFileSync(join(workspaceRoot, 'docs/BACKUP_POLICY.md'), 'utf8');
const commands = [...policy.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) =>
  block!.split('\n').filter((line) => line.trim() !== ''),
);

describe('docs/BACKUP_POLICY.md', () => {
  let server: TestPostgres;
  let s3: TestS3Server;
  let env: Record<string, string>;
  let destination: string;
  beforeAll(async () => {
    [server, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['backups'] })]);
    const url = await server.createDatabase('shop');
    await query(url, 'create table products (id int primary key); insert into products select generate_series(1, 100)');
    destination = scratchDir('policy-doc-');
    env = nxEnv({
      DATABASE_URL: url,
      PG_BINDIR: server.binDir,
      BACKUP_DESTINATION: destination,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
    });
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), s3?.stop()]);
  });

  it('has commands for backup, verify, restore and prune', () => {
    const all = commands.join('\n');
    for (const target of ['ops:backup', 'ops:backups', 'ops:verify', 'ops:restore', 'ops:prune', 'backup.mjs backup']) {
      expect(all).toContain(target);
    }
  });

  // A dozen real nx runs: several minutes on a loaded 2-core machine, so a larger ceiling for a hung command.
  it('runs every command as written', { timeout: 600_000 }, async () => {
    // Some commands build into dist/, which other test files build and read too.
    await withDistLock(async () => {
      for (const command of commands) {
        const result = await execa('bash', ['-c', command], { cwd: workspaceRoot, env, reject: false, all: true });
        expect(result.exitCode, `${command}\n${stripVTControlCharacters(result.all ?? '')}`).toBe(0);
      }
    });
    expect(readdirSync(destination).filter((name) => name.endsWith('.manifest.json')).length).toBeGreaterThan(0);
    const restored = new URL(env.DATABASE_URL!);
    restored.pathname = '/shop_restored';
    expect(await query(restored.toString(), 'select count(*)::int as n from products')).toEqual([{ n: 100 }]);
  });
});
