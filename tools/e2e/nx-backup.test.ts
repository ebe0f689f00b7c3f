import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '@shopops/local-servers';
import { query, runNx, scratchDir } from '@shopops/testing';

// The real thing: the nx CLI running the ops project's backup targets.
describe('nx run ops:backup', () => {
  let server: TestPostgres;
  let env: Record<string, string>;
  let destination: string;
  beforeAll(async () => {
    server = await startPostgres();
    const url = await server.createDatabase('shop');
    await query(url, 'create table products (id int primary key); insert into products values (1), (2), (3)');
    destination = scratchDir('nx-backup-');
    env = { DATABASE_URL: url, PG_BINDIR: server.binDir, BACKUP_DESTINATION: destination };
  });
  afterAll(() => server?.stop());

  it('backs up with a restore drill, then lists the backup as JSON', async () => {
    const made = await runNx(['run', 'ops:backup', '--verify'], env);
    expect(made.exitCode, made.all).toBe(0);
    expect(made.all).toMatch(/public\.products\s+3\s+3\s+ok/);
    expect(made.all).toMatch(/backup ok: .*db_shop_\d{8}_\d{4}\.dump(\.zst)? \(.*verified\)/);
    expect(readdirSync(destination)).toHaveLength(2);

    const listed = await runNx(['run', 'ops:backups', '--json'], env);
    expect(listed.exitCode, listed.all).toBe(0);
    expect(listed.stdout).toMatch(/"database": "shop"/);
  });

  it('documents its options in --help and names an unknown one', async () => {
    const help = await runNx(['run', 'ops:restore', '--help'], env);
    expect(help.exitCode).toBe(0);
    expect(help.all).toContain('--confirm');
    expect(help.all).toContain('--safetyBackup');
    const unknown = await runNx(['run', 'ops:prune', '--keep-dialy', '3'], env);
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.all).toMatch(/keep-dialy|keepDialy/);
  });
});
