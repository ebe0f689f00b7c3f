import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { postgresUserPasses, ROOT_STATE_DIR } from '@shopops/local-servers';

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
  // `test -x` fails when any directory on the way is closed to the user, as the server's access would.
  if (uid !== 0 || (await postgresUserPasses('-x', nearestExisting(dir)))) return { dir };
  const id = createHash('sha256').update(dir).digest('hex').slice(0, 12);
  return {
    dir: join(ROOT_STATE_DIR, id, 'postgres'),
    relocatedBecause: `the postgres user cannot enter ${dataDir}`,
  };
}

function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}
