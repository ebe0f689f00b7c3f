import { MigrateError } from './errors.ts';

const EXPECTED_FORM = 'postgres://user:password@host:5432/database';

/** Validates a database URL; `option` names where it came from so the message can point at it. */
export function parseDatabaseUrl(url: string, option = '--url'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidUrl(url, option, 'not a URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw invalidUrl(url, option, `scheme must be postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  return parsed;
}

function invalidUrl(url: string, option: string, why: string): MigrateError {
  return new MigrateError(`invalid ${option} ${maskUrl(url)}: ${why}`, {
    remedy: `expected the form ${EXPECTED_FORM}`,
  });
}

/** The URL with its password replaced by ***, also for strings `new URL` cannot parse. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/, '$1***@');
}

/** Replaces every occurrence of the URL's password in `text`, for messages that quote it. */
export function maskSecrets(text: string, url: string | undefined): string {
  const password = url ? passwordOf(url) : '';
  const masked = password ? text.split(password).join('***') : text;
  return maskUrl(masked);
}

function passwordOf(url: string): string {
  try {
    const { password } = new URL(url);
    return password ? decodeURIComponent(password) : '';
  } catch {
    return /\/\/[^:/@\s]*:([^@\s]*)@/.exec(url)?.[1] ?? '';
  }
}

/** `host:port/database` for messages: what we tried to reach, without credentials. */
export function describeTarget(url: URL): string {
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  const database =
    decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres';
  return `${host}:${url.port || '5432'}/${database}`;
}
