import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';

/** Where clusters go when the checkout is out of the postgres user's reach; persistent, root-owned parent. */
export const RELOCATED_CLUSTERS_ROOT = '/var/lib/shopops';

export interface ClusterDirectory {
  dir: string;
  /** Set when the cluster could not live under the data directory: why, for the start-up output. */
  relocatedBecause?: string;
}

/**
 * The local cluster's directory: <dataDir>/postgres. As root the cluster runs as the `postgres` user
 * (initdb refuses root), which cannot enter a checkout inside a private directory such as /root; there
 * the cluster lives under /var/lib/shopops/<id of the data directory> instead, so `npm start` still
 * needs no set-up. The id keeps two checkouts apart and the same checkout on the same cluster.
 */
export async function clusterDirectory(dataDir: string, uid = process.getuid?.()): Promise<ClusterDirectory> {
  const dir = resolve(dataDir, 'postgres');
  if (uid !== 0 || (await postgresUserCanEnter(nearestExisting(dir)))) return { dir };
  const id = createHash('sha256').update(dir).digest('hex').slice(0, 12);
  return {
    dir: join(RELOCATED_CLUSTERS_ROOT, id, 'postgres'),
    relocatedBecause: `the postgres user cannot enter ${dataDir}`,
  };
}

function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/** `test -x` as postgres fails when any directory on the way is closed to it, as the server's own access would. */
async function postgresUserCanEnter(dir: string): Promise<boolean> {
  const probe = await execa('runuser', ['-u', 'postgres', '--', 'test', '-x', dir], { reject: false });
  return probe.exitCode === 0;
}
