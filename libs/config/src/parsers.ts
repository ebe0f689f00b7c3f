import { isIP } from 'node:net';
import { z } from 'zod';
import { GUARD_NAMES, type GuardName } from './guard-names.ts';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** true/false, 1/0, yes/no, on/off, any case. */
export const booleanFlag = z.string().transform((value, ctx) => {
  const normalised = value.trim().toLowerCase();
  if (TRUE.has(normalised)) return true;
  if (FALSE.has(normalised)) return false;
  ctx.addIssue({ code: 'custom', message: 'expected true or false (also 1/0, yes/no, on/off)' });
  return z.NEVER;
});

export function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.string().transform((value, ctx) => {
    const trimmed = value.trim();
    const parsed = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `between ${min} and ${max}`;
      ctx.addIssue({ code: 'custom', message: `expected a whole number ${range}` });
      return z.NEVER;
    }
    return parsed;
  });
}

/** A number between 0 and 1 (a sampling ratio). */
export const ratio = z.string().transform((value, ctx) => {
  const parsed = /^\s*(0|1|0?\.\d+|1\.0*)\s*$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(parsed)) {
    ctx.addIssue({ code: 'custom', message: 'expected a number between 0 and 1, e.g. 0.05' });
    return z.NEVER;
  }
  return parsed;
});

/** An absolute URL with one of the given schemes; returned as given (trailing slash removed). */
export function urlWithScheme(schemes: readonly string[], form: string) {
  return z.string().transform((value, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(value.trim());
    } catch {
      ctx.addIssue({ code: 'custom', message: `not a URL; expected the form ${form}` });
      return z.NEVER;
    }
    if (!schemes.includes(parsed.protocol.slice(0, -1))) {
      const allowed = schemes.map((s) => `${s}://`).join(' or ');
      ctx.addIssue({ code: 'custom', message: `scheme must be ${allowed}, not ${parsed.protocol}//` });
      return z.NEVER;
    }
    return value.trim().replace(/\/+$/, '');
  });
}

/** `*` or a comma-separated list of origins (scheme://host[:port], nothing after). */
export const corsOrigins = z.string().transform((value, ctx): '*' | string[] => {
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  const origins = trimmed
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(origin)} is not an origin; expected scheme://host[:port] with no path, e.g. https://shop.example.com`,
      });
    }
  }
  return origins;
});

/**
 * Whose word to take for the client address (X-Forwarded-For): nobody, everybody (only safe when the
 * proxy overwrites the header), the last `hops` proxies, or proxies at these addresses/CIDRs.
 */
export type TrustProxy = boolean | { hops: number } | { addresses: string[] };

export const trustProxy = z.string().transform((value, ctx): TrustProxy => {
  const trimmed = value.trim().toLowerCase();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) === 0 ? false : { hops: Number(trimmed) };
  if (TRUE.has(trimmed)) return true;
  if (FALSE.has(trimmed)) return false;
  const addresses = trimmed
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const wrong = addresses.filter((address) => !isAddressOrCidr(address));
  if (addresses.length > 0 && wrong.length === 0) return { addresses };
  ctx.addIssue({
    code: 'custom',
    message: `expected false, true, a number of proxy hops (e.g. 1) or proxy addresses/CIDRs (e.g. 10.0.0.0/8,fd00::/8)${wrong.length ? `; not an address: ${wrong.join(', ')}` : ''}`,
  });
  return z.NEVER;
});

function isAddressOrCidr(text: string): boolean {
  const [address, prefix, ...rest] = text.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

export const nonEmpty = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  if (!trimmed) ctx.addIssue({ code: 'custom', message: 'must not be empty' });
  return trimmed;
});

/** Milliseconds per unit of a duration, as written in RATE_LIMITS windows and duration variables. */
export const DURATION_UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
export type DurationUnit = keyof typeof DURATION_UNIT_MS;

/** A duration with its unit, e.g. `30m`, `90s`, `1h`, `500ms`; parsed to milliseconds within [minMs, maxMs]. */
export function duration(minMs: number, maxMs: number) {
  return z.string().transform((value, ctx) => {
    const match = /^(\d+)\s*(ms|s|m|h)$/.exec(value.trim().toLowerCase());
    const ms = match ? Number(match[1]) * DURATION_UNIT_MS[match[2] as DurationUnit] : Number.NaN;
    if (!Number.isSafeInteger(ms) || ms < minMs || ms > maxMs) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration between ${formatMs(minMs)} and ${formatMs(maxMs)} with its unit (ms, s, m or h), e.g. 30m`,
      });
      return z.NEVER;
    }
    return ms;
  });
}

function formatMs(ms: number): string {
  const unit = (['h', 'm', 's'] as const).find((u) => ms % DURATION_UNIT_MS[u] === 0);
  return unit ? `${ms / DURATION_UNIT_MS[unit]}${unit}` : `${ms}ms`;
}

/** A comma-separated list of guard names (RELAXED_GUARDS); empty means none. */
export const guardList = z.string().transform((value, ctx): GuardName[] => {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(GUARD_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown guard ${unknown.join(', ')}; guards are ${GUARD_NAMES.join(', ')}`,
    });
    return z.NEVER;
  }
  return [...new Set(names)] as GuardName[];
});
