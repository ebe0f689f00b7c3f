import { maskSecrets } from '@shopops/postgres';
import type { VariableMeta } from './variable.ts';

/** The URL with its password replaced by ***, whatever its shape (libs/postgres masks for everyone). */
export function maskUrlPassword(url: string): string {
  return maskSecrets(url);
}

/** The decoded password of a well-formed URL; a malformed one is masked as a whole where it is shown. */
export function urlPassword(url: string): string | undefined {
  try {
    const { password } = new URL(url);
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** How a variable's value may be quoted in a message or listing. */
export function displayValue(value: string, meta: VariableMeta): string {
  if (meta.secret) return '***';
  if (meta.urlWithCredentials) return maskUrlPassword(value);
  return value;
}
