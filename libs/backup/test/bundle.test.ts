import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { startPostgres, type TestPostgres } from '@shopops/local-servers';
import { runNx, withDistLock } from '@shopops/testing';
import { query, seedShop, tempDir } from './fixtures.ts';

// The bundle is what a cron container or a small server runs: one file, plain Node, no node_modules,
// no TypeScript loader (faster start, less memory).
const workspaceRoot = resolve(import.meta.dirname, '../../..');

describe('nx run backup:bundle', () => {
  let pg: TestPostgres;
  // The real target; its bundle is then copied to a directory without node_modules, where no other
  // test's build can rewrite it mid-run. (@nx/esbuild takes the output file from the target's
  // configured outputPath and ignores an override of it.)
  const bundle = join(tempDir('backup-bundle-'), 'backup.mjs');
  beforeAll(async () => {
    pg = await startPostgres();
    await withDistLock(async () => {
      const built = await runNx(['run', 'backup:bundle', '--skip-nx-cache']);
      expect(built.exitCode, built.all).toBe(0);
      copyFileSync(join(workspaceRoot, 'dist/libs/backup-bundle/backup.mjs'), bundle);
    });
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });

  it('backs up, lists and restores with plain node from a directory without node_modules', async () => {
    const source = await pg.createDatabase('bundled');
    await seedShop(source, 300);
    const destination = tempDir();
    const run = (args: string[]) =>
      execa(process.execPath, [bundle, ...args], {
        cwd: destination,
        env: { PG_BINDIR: pg.binDir, BACKUP_DESTINATION: destination },
        reject: false,
      });

    const help = await run(['--help']);
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: backup <command>');

    const made = await run(['backup', '--url', source, '--json']);
    expect(made.exitCode, made.stderr).toBe(0);
    const { backup } = JSON.parse(made.stdout) as { backup: { id: string } };

    const listed = await run(['list', '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: backup.id, tables: 3 }]);

    // A database that does not exist yet: restore creates it.
    const target = source.replace(/\/bundled$/, '/restored_from_bundle');
    const restored = await run(['restore', '--url', target, '--backup', backup.id]);
    expect(restored.exitCode, restored.stderr).toBe(0);
    const [orders] = await query<{ count: string }>(target, 'select count(*) from sales.orders');
    expect(orders?.count).toBe('300');
  });
});
