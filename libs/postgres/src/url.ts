import { MASK, maskSecrets } from './mask.ts';

/** What a message shows as the expected form: its own password masked, like every other. */
export const EXPECTED_FORM = `postgres://user:${MASK}@host:5432/database`;

export class PostgresUrlError extends Error {
  override name = 'PostgresUrlError';
  readonly remedy = `use the form ${EXPECTED_FORM} (percent-encode @ : / % in the password)`;
}

export interface PostgresUrl {
  /** The URL without its password: safe for argv and logs. */
  url: URL;
  /** The decoded password, for PGPASSWORD or a client's config; undefined when there is none. */
  password?: string;
  host: string;
  port: number;
  database: string;
  /** `host:port/database`, for messages. */
  display: string;
}

/**
 * Validates a Postgres URL. Every malformed form gets one message naming `source` (the option or
 * variable it came from) and the value with its password masked, and one remedy.
 */
export function parsePostgresUrl(raw: string | undefined, source = '--url'): PostgresUrl {
  const fail = (why: string): never => {
    throw new PostgresUrlError(`invalid ${source}${raw ? ` ${maskSecrets(raw)}` : ''}: ${why}`);
  };
  if (!raw) return fail('no database URL');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (!scheme) return fail('no scheme: it must start with postgres:// or postgresql://');
  if (scheme !== 'postgres' && scheme !== 'postgresql')
    return fail(`scheme must be postgres or postgresql, not ${scheme}`);
  const authority = raw.slice(scheme.length + 3).split(/[/?#]/, 1)[0]!;
  if ((authority.match(/@/g) ?? []).length > 1) return fail('the password holds an unencoded @');
  const hostPart = authority.slice(authority.lastIndexOf('@') + 1).replace(/:[^:]*$/, '');
  if (!hostPart && !/[?&]host=./.test(raw)) return fail('no host (or ?host= for a unix socket directory)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('not a URL (a bad port, or a character that must be percent-encoded)');
  }
  const host = url.hostname || url.searchParams.get('host')!;
  const password = decode(url.password, fail);
  const database = decode(url.pathname.replace(/^\//, ''), fail) || decode(url.username, fail) || 'postgres';
  url.password = '';
  const port = Number(url.port || 5432);
  return { url, password: password || undefined, host, port, database, display: `${host}:${port}/${database}` };
}

function decode(part: string, fail: (why: string) => never): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return fail('a bad %-escape (write % as %25)');
  }
}
