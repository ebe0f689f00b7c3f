import pg from 'pg';
import { maskSecrets } from './mask.ts';
import { parsePostgresUrl } from './url.ts';

export interface SessionOptions {
  /** Shown in pg_stat_activity, so a DBA can tell whose session it is. */
  applicationName: string;
  /** How long to wait for the server before giving up (default 10 s). */
  connectTimeoutMs?: number;
}

/** A session could not be opened: the message names the server (password masked) and why; `code` is the SQLSTATE. */
export class PostgresConnectError extends Error {
  override name = 'PostgresConnectError';
  readonly remedy =
    'check that the server is running and reachable and that the URL (or DATABASE_URL) names the right host, port, database, user and password';
  constructor(
    message: string,
    readonly code: string | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** SQLSTATE 3D000: the database named in the URL does not exist on a server that answered. */
export const isMissingDatabase = (error: unknown) => (error as { code?: string }).code === '3D000';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Opens one named session; a failure to connect becomes one masked line with its reason. */
export async function connect(url: string, options: SessionOptions): Promise<pg.Client> {
  const { display } = parsePostgresUrl(url);
  const client = new pg.Client({
    connectionString: url,
    application_name: options.applicationName,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  });
  // A server that goes away while the session idles emits 'error'; unhandled, that would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    const code = (error as { code?: string }).code;
    throw new PostgresConnectError(maskSecrets(`cannot connect to ${display}: ${reasonOf(error)}`), code, {
      cause: error,
    });
  }
  return client;
}

/** Runs `work` in a fresh session and always closes it. */
export async function withClient<T>(
  url: string,
  options: SessionOptions,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await connect(url, options);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function reasonOf(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return (message || String(error)).split('\n')[0]!;
}
