import pg from 'pg';
import { connectionString, type DatabaseTarget } from './database-url.ts';
import { BackupError, describeError } from './errors.ts';
import { maskSecrets } from './mask.ts';

export async function connect(target: DatabaseTarget): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: connectionString(target) });
  // A dropped connection must fail the pending query, not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new BackupError(maskSecrets(`cannot connect to ${target.display}: ${describeError(error)}`), {
      remedy: 'check the URL, that the server is running and that the credentials are right',
      cause: error,
    });
  }
  return client;
}

export async function withClient<T>(target: DatabaseTarget, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(target);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
