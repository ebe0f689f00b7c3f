import { setTimeout as delay } from 'node:timers/promises';

/** 250 ms, 500 ms, 1 s, … at most 5 s; a Retry-After the server sent wins when it is longer. */
export function backoffMs(attempt: number, retryAfter?: string | null): number {
  const exponential = Math.min(5_000, 250 * 2 ** attempt);
  const seconds = retryAfter ? Number(retryAfter) : NaN;
  return Number.isFinite(seconds) ? Math.max(exponential, Math.min(seconds * 1000, 30_000)) : exponential;
}

export const sleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : {});
