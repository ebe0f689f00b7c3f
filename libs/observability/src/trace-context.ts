import { randomFillSync } from 'node:crypto';

export interface TraceParent {
  traceId: string;
  parentId: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** Parses a W3C traceparent header; undefined for anything malformed or all-zero (the spec says: start a new trace). */
export function parseTraceparent(header: string | string[] | undefined): TraceParent | undefined {
  if (typeof header !== 'string' || header.length < 55) return undefined;
  const match = TRACEPARENT.exec(header.trim().toLowerCase());
  if (!match) return undefined;
  const [, version, traceId, parentId, flags] = match as unknown as [string, string, string, string, string];
  if (version === 'ff' || traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  return { traceId, parentId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let poolOffset = pool.length;

/**
 * A fresh random 16-byte trace id in hex. Entropy is drawn 4 KB at a time, so a request costs one slice of a
 * buffer rather than a call into the random source.
 */
export function newTraceId(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const id = pool.toString('hex', poolOffset, poolOffset + 16);
  poolOffset += 16;
  return id;
}

/**
 * The trace id of a request without a server span (tracing off, or a probe): the incoming traceparent's, else
 * a new one. With tracing, the server span's trace id is used (server-spans.ts), which continues the same header.
 */
export function requestTraceId(traceparent: string | string[] | undefined): string {
  return parseTraceparent(traceparent)?.traceId ?? newTraceId();
}
