import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freePort, ROOT_STATE_DIR } from '@shopops/local-servers';
import { query, scratchDir } from '@shopops/testing';
import { clusterDirectory } from '../src/cluster-directory.ts';
import { localDatabase } from '../src/postgres.ts';

const isRoot = process.getuid?.() === 0;

/** A data directory inside a directory with `mode`, as a checkout under /root (0700) or /home/x (0755). */
function dataDirUnder(mode: number): string {
  const parent = scratchDir('cluster-dir-');
  chmodSync(parent, mode);
  return join(parent, 'checkout', '.data');
}

describe('clusterDirectory', () => {
  it('keeps the cluster under the data directory for a user other than root', async () => {
    const dataDir = dataDirUnder(0o700);
    expect(await clusterDirectory(dataDir, 1000)).toEqual({ dir: join(dataDir, 'postgres') });
  });

  // The probe runs `runuser -u postgres`, which only root may do; this machine and CI run as root.
  describe.runIf(isRoot)('as root', () => {
    it('keeps the cluster under a data directory the postgres user can reach, even before it exists', async () => {
      const dataDir = dataDirUnder(0o755);
      expect(await clusterDirectory(dataDir)).toEqual({ dir: join(dataDir, 'postgres') });
    });

    it('moves it under /var/lib/shopops when the checkout is private, one directory per data directory', async () => {
      const dataDir = dataDirUnder(0o700);
      const moved = await clusterDirectory(dataDir);
      expect(moved.dir).toMatch(new RegExp(`^${ROOT_STATE_DIR}/[0-9a-f]{12}/postgres$`));
      expect(moved.relocatedBecause).toBe(`the postgres user cannot enter ${dataDir}`);
      expect((await clusterDirectory(dataDir)).dir).toBe(moved.dir);
      expect((await clusterDirectory(dataDirUnder(0o700))).dir).not.toBe(moved.dir);
    });

    it('starts the local database from a private checkout and keeps its data for the next start', async () => {
      const dataDir = dataDirUnder(0o700);
      mkdirSync(dataDir, { recursive: true });
      const port = await freePort();
      const first = await localDatabase(dataDir, port, {});
      onTestFinished(() => rmSync(dirname(first.clusterDir!), { recursive: true, force: true }));
      try {
        expect(first.clusterDir).toMatch(new RegExp(`^${ROOT_STATE_DIR}/`));
        await query(first.url, 'create table kept (id int); insert into kept values (42)');
      } finally {
        await first.stop();
      }
      const second = await localDatabase(dataDir, port, {});
      try {
        expect(second.clusterDir).toBe(first.clusterDir);
        expect(await query(second.url, 'select id from kept')).toEqual([{ id: 42 }]);
      } finally {
        await second.stop();
      }
    });
  });
});
