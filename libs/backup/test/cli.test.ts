import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { startPostgres, startS3Server, type TestPostgres, type TestS3Server } from '@shopops/local-servers';
import { query, seedShop, tempDir } from './fixtures.ts';

// The CLI from source: what the package's compiled `backup` bin runs (tsx stands in for the build).
const cli = ['--import', 'tsx', resolve(import.meta.dirname, '../src/main.ts')];

describe('backup CLI', () => {
  let pg: TestPostgres;
  let s3: TestS3Server;
  let source: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    [pg, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['backups'] })]);
    source = await pg.createDatabase('shop');
    await seedShop(source);
    env = {
      PATH: process.env.PATH,
      PG_BINDIR: pg.binDir,
      DATABASE_URL: source,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
    };
  });
  afterAll(async () => {
    await Promise.all([pg?.stop(), s3?.stop()]);
  });

  const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    execa(process.execPath, [...cli, ...args], { env: { ...env, ...extraEnv }, extendEnv: false, reject: false });

  it('backs up to S3 with --json on stdout and one summary line on stderr, then lists and verifies', async () => {
    const made = await run(['backup', '--destination', 's3://backups/cli', '--json', '--verify']);
    expect(made.exitCode).toBe(0);
    const result = JSON.parse(made.stdout);
    expect(result.backup.id).toMatch(/^db_shop_\d{8}_\d{4}$/);
    expect(result.verify.drill.ok).toBe(true);
    const stderr = made.stderr.split('\n');
    expect(stderr.at(-1)).toMatch(
      /^backup ok: s3:\/\/backups\/cli\/db_shop_\d{8}_\d{4}\.dump(\.zst)? \(.+, verified\)$/,
    );
    expect(made.stderr).not.toMatch(/NodeVersionSupportWarning|S3RVER/);

    const listed = await run(['backups', '--destination', 's3://backups/cli', '--json']);
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: result.backup.id, database: 'shop', tables: 3 }]);
  });

  it('restores latest into a new database and compares row counts', async () => {
    const dir = tempDir();
    expect((await run(['backup', '--destination', dir])).exitCode).toBe(0);
    const target = new URL(source);
    target.pathname = '/shop_copy';
    const restored = await run(['restore', '--destination', dir, '--url', target.toString(), '--jobs', '2']);
    expect(restored.exitCode).toBe(0);
    expect(restored.stderr).toMatch(/^shop_copy does not exist yet; restoring db_shop_\d{8}_\d{4} \(database shop\)$/m);
    expect(restored.stderr).toMatch(/^restore ok: db_shop_\d{8}_\d{4} into shop_copy \(created\), 3 tables match/m);
    expect(await query(target.toString(), 'select count(*)::int as n from sales.orders')).toEqual([{ n: 2000 }]);
  });

  it('refuses a protected target without --confirm, exit 1, the target untouched', async () => {
    const dir = tempDir();
    expect((await run(['backup', '--destination', dir])).exitCode).toBe(0);
    const target = await pg.createDatabase('orders_live');
    await query(target, 'create table canary (id int); insert into canary values (1)');
    const refused = await run(['restore', '--destination', dir, '--url', target], {
      BACKUP_PROTECTED_DATABASES: 'orders_live',
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^restore: refusing to restore into .*orders_live: .*database orders_live is protected/),
      '  remedy: pass --confirm=orders_live if you really mean to overwrite it',
    ]);
    expect(await query(target, 'select count(*)::int as n from canary')).toEqual([{ n: 1 }]);
    const wrongName = await run(['restore', '--destination', dir, '--url', target, '--confirm', 'shop'], {
      BACKUP_PROTECTED_DATABASES: 'orders_live',
    });
    expect(wrongName.exitCode).toBe(1);
    expect(await query(target, 'select count(*)::int as n from canary')).toEqual([{ n: 1 }]);
  });

  it('fails verify on a corrupted archive with exit 1 and names it', async () => {
    const dir = tempDir();
    expect((await run(['backup', '--destination', dir, '--compression', 'none'])).exitCode).toBe(0);
    const archive = readdirSync(dir).find((name) => name.endsWith('.dump'))!;
    const original = readFileSync(join(dir, archive));
    writeFileSync(join(dir, archive), Buffer.alloc(original.length, 'x'));
    const verified = await run(['verify', '--destination', dir]);
    expect(verified.exitCode).toBe(1);
    expect(verified.stderr).toContain(`verify: checksum mismatch for ${join(dir, archive)}`);
    writeFileSync(join(dir, archive), 'not a dump');
    const listed = await run(['list', '--destination', dir]);
    expect(listed.stderr).toMatch(
      new RegExp(
        `!! archive is 10 bytes, the manifest says ${original.length} \\(incomplete: truncated or replaced\\)`,
      ),
    );
    expect(listed.stderr).toMatch(/^0 complete backups, 1 incomplete$/m);
    const latest = await run(['verify', '--destination', dir]);
    expect(latest.stderr).toMatch(/^verify: no complete backup in .* \(the newest, db_shop_\S+: archive is 10 bytes/m);
  });

  it('prunes only with --apply, after saying what it would delete', async () => {
    const dir = tempDir();
    for (let i = 0; i < 2; i++) expect((await run(['backup', '--destination', dir])).exitCode).toBe(0);
    const dry = await run([
      'prune',
      '--destination',
      dir,
      '--keep-daily',
      '0',
      '--keep-weekly',
      '0',
      '--keep-monthly',
      '0',
    ]);
    expect(dry.exitCode).toBe(0);
    expect(dry.stderr).toMatch(/^would delete db_shop_\S+ {2}\(older than every kept day, week, month and year\)$/m);
    expect(dry.stderr).toMatch(/prune: keep 1, would delete \(run with --apply to delete\) 1, left alone 0$/);
    expect(readdirSync(dir)).toHaveLength(4);
    const zeros = ['--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0'];
    const applied = await run(['prune', '--destination', dir, ...zeros, '--apply']);
    expect(applied.exitCode).toBe(0);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('exits 2 on usage errors, naming the option', async () => {
    const unknown = await run(['backup', '--destinaton', '/tmp/x']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toEqual([
      "backup: Unknown option '--destinaton'",
      '  remedy: see backup --help',
    ]);
    const misplaced = await run(['list', '--apply']);
    expect(misplaced.exitCode).toBe(2);
    expect(misplaced.stderr).toContain('option --apply does not apply to list');
    const badCount = await run(['prune', '--keep-daily', 'seven']);
    expect(badCount.exitCode).toBe(2);
    expect(badCount.stderr).toContain("prune: --keep-daily must be a number, got 'seven'");
    const help = await run(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: backup <command> [options]');
  });

  it('masks the password of a malformed or unreachable database URL', async () => {
    const unreachable = await run([
      'backup',
      '--destination',
      tempDir(),
      '--url',
      'postgres://app:hunter22@127.0.0.1:1/shop',
    ]);
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr).not.toContain('hunter22');
    expect(unreachable.stderr).toMatch(/^backup: cannot connect to 127\.0\.0\.1:1\/shop: connection refused$/m);
    const malformed = await run(['backup', '--url', 'postgres://app:hunter22@[bad/shop']);
    expect(malformed.exitCode).toBe(1);
    expect(malformed.stderr).not.toContain('hunter22');
  });

  // Forms that once printed the password, or its tail, in clear, or crashed the CLI.
  it.each([
    'postgres//u:pw1234@h/db',
    'postgres://u:pw@1234@h/db',
    'postgres:u:pw1234@h/db',
    'u:pw1234@h/db',
    'postgres://u:pw%zz1234@h/db',
  ])('refuses %s with one message and a remedy, without a fragment of the password', async (url) => {
    for (const [args, extraEnv] of [
      [['backup', '--url', url], {}],
      [['backup'], { DATABASE_URL: url }],
    ] as const) {
      const result = await run([...args, '--destination', tempDir()], extraEnv);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).not.toMatch(/1234|pw|unexpectedly/);
      expect(result.stderr).toMatch(
        /invalid --url .*\n {2}remedy: use the form postgres:\/\/user:\*\*\*@host:5432\/database/,
      );
    }
  });

  it('masks a password given as a query parameter when the server cannot be reached', async () => {
    const url = 'postgres://u@127.0.0.1:1/db?password=pw1234';
    const result = await run(['backup', '--url', url, '--destination', tempDir()]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toMatch(/1234|pw/);
    expect(result.stderr).toContain('127.0.0.1:1');
  });
});
