import type { VariableMeta } from './variable.ts';

/** The URL with its password replaced by ***, also for strings `new URL` cannot parse. */
export function maskUrlPassword(url: string): string {
  return url.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/, '$1***@');
}

export function urlPassword(url: string): string | undefined {
  try {
    const { password } = new URL(url);
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return /\/\/[^:/@\s]*:([^@\s]*)@/.exec(url)?.[1] || undefined;
  }
}

/** How a variable's value may be quoted in a message or listing. */
export function displayValue(value: string, meta: VariableMeta): string {
  if (meta.secret) return '***';
  if (meta.urlWithCredentials) return maskUrlPassword(value);
  return value;
}
