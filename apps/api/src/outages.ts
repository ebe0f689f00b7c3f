import { HttpProblem } from './problems.ts';

export type Outage = 'database' | 'pool-exhausted' | 'storage';

/**
 * A storage call that failed because the S3 service is unreachable, too slow or failing (not because of
 * the request, e.g. a missing key): storage.ts throws it so the error handler answers 503, not 500.
 */
export class StorageUnavailable extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`storage unavailable: ${reason}`, options);
    this.name = 'StorageUnavailable';
  }
}

// Class 08 connection exceptions, 53 insufficient resources (53300 too_many_connections), and the server
// shutting down or starting up (57P01-57P03): the database, not the request, is the problem.
const DATABASE_STATES = /^(08...|53...|57P0[123])$/;
/** Socket-level failures: the other side is unreachable or went away. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
// pg and pg-pool's own messages, which carry no code.
const POOL_WAIT_TIMEOUT = 'timeout exceeded when trying to connect';
const CONNECTION_LOST = /^Connection terminated( unexpectedly| due to connection timeout)?$/;

/** Which dependency an error says is down, or undefined when the error is not an outage. */
export function outageOf(error: unknown): Outage | undefined {
  if (error instanceof StorageUnavailable) return 'storage';
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (message === POOL_WAIT_TIMEOUT) return 'pool-exhausted';
  if (typeof code === 'string' && (DATABASE_STATES.test(code) || NETWORK_CODES.has(code))) return 'database';
  if (typeof message === 'string' && CONNECTION_LOST.test(message)) return 'database';
  return undefined;
}

// Seconds a client should wait: a pool frees up within a request's time, a restarting server takes longer.
const RETRY_AFTER_SECONDS: Record<Outage, number> = { 'pool-exhausted': 1, database: 5, storage: 5 };

const DETAILS: Record<Outage, string> = {
  'pool-exhausted': 'the service is busy: no database connection became free in time; retry shortly',
  database: 'the database is unavailable; retry shortly',
  storage: 'the image storage is unavailable; retry shortly',
};

/** The 503 problem for an outage, with Retry-After. */
export function outageProblem(outage: Outage): HttpProblem {
  const slug = outage === 'pool-exhausted' ? 'pool-exhausted' : `${outage}-unavailable`;
  return new HttpProblem(503, slug, DETAILS[outage], {
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS[outage]) },
  });
}
