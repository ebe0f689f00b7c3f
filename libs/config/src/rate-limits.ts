import { z } from 'zod';
import { DURATION_UNIT_MS as UNIT_MS } from './parsers.ts';

/**
 * Scopes a limit can be set for, each one counter per client shared by all its routes: `notfound` counts
 * requests for unknown paths; `default` covers every route that has no scope of its own, and every scope
 * without a limit of its own counts in `default`.
 */
export const RATE_LIMIT_SCOPES = ['default', 'orders', 'payments', 'admin', 'notfound'] as const;
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];

export interface RateLimit {
  /** Requests per window and client address. */
  max: number;
  windowMs: number;
}

/** null when rate limiting is off. */
export type RateLimits = { [scope in RateLimitScope]?: RateLimit } | null;

const ENTRY = /^([a-z]+)\s*=\s*(\d+)\s*\/\s*(\d*)\s*(ms|s|m|h)$/;

/**
 * `off`, or comma-separated `scope=max/window` entries, window in ms, s, m or h with an optional count:
 * `default=600/1m,orders=30/1m,payments=20/10m`.
 */
export const rateLimits = z.string().transform((value, ctx): RateLimits => {
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === 'off') return null;
  const limits: { [scope in RateLimitScope]?: RateLimit } = {};
  for (const entry of trimmed
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = ENTRY.exec(entry);
    if (!match) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(entry)} is not scope=max/window; expected e.g. default=600/1m (window in ms, s, m or h)`,
      });
      continue;
    }
    const [, scope, max, count, unit] = match as unknown as [string, string, string, string, keyof typeof UNIT_MS];
    if (!(RATE_LIMIT_SCOPES as readonly string[]).includes(scope)) {
      ctx.addIssue({ code: 'custom', message: `unknown scope ${scope}; scopes are ${RATE_LIMIT_SCOPES.join(', ')}` });
      continue;
    }
    const windowMs = (count ? Number(count) : 1) * UNIT_MS[unit];
    if (Number(max) < 1 || windowMs < 1) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(entry)}: max and window must be at least 1` });
      continue;
    }
    limits[scope as RateLimitScope] = { max: Number(max), windowMs };
  }
  return limits;
});
