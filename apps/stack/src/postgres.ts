import { createDatabaseIfMissing, urlForDatabase, withClient } from '@shopops/postgres';
import { startPostgres, type TestPostgres } from '@shopops/local-servers';
import { clusterDirectory } from './cluster-directory.ts';

export const LOCAL_DATABASE = 'shop';

export interface LocalDatabase {
  url: string;
  /** The cluster's directory, when this process started one. */
  clusterDir?: string;
  /** Why the cluster lives outside the data directory, when it does. */
  relocatedBecause?: string;
  /** Stops the cluster this process started; a DATABASE_URL given from outside is left alone. */
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise a persistent cluster under <dataDir>/postgres (see clusterDirectory)
 * from the machine's PostgreSQL binaries, with the `shop` database created on first start. Data stays
 * for the next start.
 */
export async function localDatabase(dataDir: string, port: number, env: NodeJS.ProcessEnv): Promise<LocalDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, stop: async () => {} };
  const { dir, relocatedBecause } = await clusterDirectory(dataDir);
  const cluster: TestPostgres = await startPostgres({ persistentDir: dir, port });
  try {
    const url = await ensureDatabase(cluster.url, LOCAL_DATABASE);
    return { url, clusterDir: dir, relocatedBecause, stop: () => cluster.stop() };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  await withClient(serverUrl, { applicationName: 'stack' }, (client) => createDatabaseIfMissing(client, name));
  return urlForDatabase(serverUrl, name);
}
