import { maskSecrets } from '@shopops/postgres';
/**
 * Field names whose values never reach a log line, compared lower-case wherever they appear in a logged object
 * (headers, bodies, config objects). One Set lookup per key: pino's path-based redaction with wildcards cost
 * about 20 µs per line, more than everything else a request does to log itself.
 */
export const SENSITIVE_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'passwd',
  'token',
  'access_token',
  'accesstoken',
  'refresh_token',
  'refreshtoken',
  'id_token',
  'secret',
  'client_secret',
  'clientsecret',
  'apikey',
  'api_key',
  'jwtsecret',
  'secretaccesskey',
  'accesskeyid',
  'webhooksecret',
  'secretkey',
]);

const MAX_DEPTH = 6;
// Log objects use few distinct keys; remembering the verdict saves lower-casing each key on every line.
const verdicts = new Map<string, boolean>();

function isSensitive(key: string): boolean {
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = SENSITIVE_KEYS.has(key.toLowerCase());
    if (verdicts.size < 10_000) verdicts.set(key, verdict);
  }
  return verdict;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null || Array.isArray(value);
}

/**
 * The object with every sensitive field replaced by ***, copied only where something changed (the caller's
 * object is never modified; an object with nothing to hide is returned as it is).
 */
export function redactSensitiveKeys<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || !isPlain(value)) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const redacted = redactSensitiveKeys(item, depth + 1);
      if (redacted !== item) (copy ??= [...value])[i] = redacted;
    });
    return (copy ?? value) as T;
  }
  let copy: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (isSensitive(key)) {
      if (item !== undefined) (copy ??= { ...record })[key] = '***';
    } else if (item !== null && typeof item === 'object') {
      const redacted = redactSensitiveKeys(item, depth + 1);
      if (redacted !== item) (copy ??= { ...record })[key] = redacted;
    }
  }
  return (copy ?? value) as T;
}

const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g;

/**
 * Returns a function that removes secrets from a serialised log line: the configured secret values wherever they
 * appear (a message, an error, a field no key rule foresaw), bearer and basic credentials, JWTs and URL
 * passwords. The checks are substring searches, so a clean line costs a few comparisons.
 */
export function createScrubber(secrets: readonly string[]): (line: string) => string {
  // Longest first, so a secret that contains another is replaced whole. Very short values would mangle
  // ordinary words and are not secrets worth the name.
  const values = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const value of values) {
      if (out.includes(value)) out = out.split(value).join('***');
    }
    if (out.includes('Bearer') || out.includes('Basic')) out = out.replace(BEARER, '$1 ***');
    if (out.includes('eyJ')) out = out.replace(JWT, '***');
    // URL passwords of every shape and libpq's password= key: the one masking all engines share.
    if (out.includes('@') || out.includes('assword')) out = maskSecrets(out);
    return out;
  };
}
