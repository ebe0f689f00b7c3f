import pg from 'pg';
import { MigrateError } from './errors.ts';
import { describeTarget, maskSecrets, parseDatabaseUrl } from './url.ts';

const CONNECT_TIMEOUT_MS = 10_000;

/** Opens one session named `migrate` (visible in pg_stat_activity); connection failures become one clear line. */
export async function connect(url: string): Promise<pg.Client> {
  const target = describeTarget(parseDatabaseUrl(url));
  const client = new pg.Client({
    connectionString: url,
    application_name: 'migrate',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // A server that goes away while the session idles emits 'error'; unhandled, that would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new MigrateError(`cannot connect to ${target}: ${maskSecrets(causeOf(error), url)}`, {
      remedy:
        'check that the server is running and reachable and that --url (or DATABASE_URL) names the right host, port, database, user and password',
      cause: error,
    });
  }
  return client;
}

/** Runs `fn` with a fresh session and always closes it. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function causeOf(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return message || String(error);
}
