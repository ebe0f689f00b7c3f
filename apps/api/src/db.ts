import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type pgTypes from 'pg';
import type { FastifyBaseLogger as Logger } from 'fastify';

// Loaded through require, not import: OpenTelemetry's pg instrumentation patches modules as `require` loads
// them, and an ESM import of a CommonJS package goes around that hook (no pg spans).
const pg = createRequire(import.meta.url)('pg') as typeof pgTypes;

const INT8_OID = 20;
// Identity columns and count(*) are bigint; ids and counts here stay far below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export type Row = Record<string, unknown>;

export interface QueryOptions {
  /**
   * Prepare the statement once per connection under the operation's name and reuse the plan: for hot queries
   * whose text never changes (an operation name must always carry the same SQL).
   */
  prepare?: boolean;
}

export interface Queryable {
  /** Runs one statement; `operation` is a fixed name (e.g. products_list) used as the db_query_seconds label. */
  query<R extends Row = Row>(
    operation: string,
    sql: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<pgTypes.QueryResult<R>>;
}

export interface Database extends Queryable {
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `work` on one pooled connection, returned afterwards (destroyed when it failed). */
  withConnection<T>(work: (client: pgTypes.PoolClient) => Promise<T>): Promise<T>;
  /** A round trip to the server. */
  ping(signal?: AbortSignal): Promise<void>;
  /** Waits for checked-out connections to be returned, then closes every connection. */
  close(): Promise<void>;
  readonly pool: pgTypes.Pool;
}

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  /** How long a query waits for a free connection (or a new one to open) before failing; default 1000. */
  poolWaitMs?: number;
  /** Receives each query's duration, e.g. ApiMetrics.observeQuery. */
  observeQuery?: (operation: string, seconds: number) => void;
  log?: Logger;
  statementTimeoutMs?: number;
}

export function createDatabase(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    application_name: 'shopops-api',
    // Short: a full pool or an unreachable server should answer 503 soon, not hold every request for seconds.
    connectionTimeoutMillis: options.poolWaitMs ?? 1_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    types,
  });
  // An idle connection whose server goes away emits 'error' on the pool; unhandled, it would end the process.
  // Only the code and first line: the error carries the pg client (its backend cancel key among it).
  pool.on('error', (error) =>
    options.log?.warn(
      { code: sqlState(error) ?? null, reason: error.message.split('\n')[0] },
      'idle database connection lost',
    ),
  );
  const observe = options.observeQuery;

  const timed =
    (target: pgTypes.Pool | pgTypes.PoolClient) =>
    async <R extends Row>(operation: string, sql: string, params?: unknown[], options?: QueryOptions) => {
      const query = options?.prepare ? { name: operation, text: sql, values: params } : { text: sql, values: params };
      if (!observe) return target.query<R>(query);
      const start = performance.now();
      try {
        return await target.query<R>(query);
      } finally {
        observe(operation, (performance.now() - start) / 1000);
      }
    };

  /**
   * A checked-out connection has no listener of the pool's: a server shutting down between two of its
   * queries would emit an unhandled 'error' and end the process. Listen for it, and destroy such a connection.
   * `recover` runs when work fails (a rollback); a connection it cannot recover is destroyed too.
   */
  async function withConnection<T>(
    work: (client: pgTypes.PoolClient) => Promise<T>,
    recover?: (client: pgTypes.PoolClient) => Promise<unknown>,
  ): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    const lost = (error: Error) => void (broken ??= error);
    client.on('error', lost);
    try {
      return await work(client);
    } catch (error) {
      if (!recover) broken ??= error as Error;
      else await recover(client).catch((recoverError: Error) => void (broken ??= recoverError));
      throw error;
    } finally {
      client.off('error', lost);
      client.release(broken);
    }
  }

  return {
    pool,
    query: timed(pool),
    withConnection: (work) => withConnection(work),
    transaction: (work) =>
      withConnection(
        async (client) => {
          await client.query('begin');
          const result = await work({ query: timed(client) });
          await client.query('commit');
          return result;
        },
        (client) => client.query('rollback'),
      ),
    async ping(signal) {
      const query = pool.query('select 1');
      if (!signal) return void (await query);
      await abortable(query, signal);
    },
    close: () => pool.end(),
  };
}

/** Rejects when the signal aborts; the underlying work finishes (or fails) in the background. */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Postgres error code of a failed query (e.g. 23505 unique_violation), if it is one. */
export function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}
