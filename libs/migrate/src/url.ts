import { maskSecrets as maskAll, parsePostgresUrl, PostgresUrlError } from '@shopops/postgres';
import { MigrateError } from './errors.ts';

/** Validates a database URL; `option` names where it came from so the message can point at it. */
export function parseDatabaseUrl(url: string, option = '--url'): URL {
  try {
    parsePostgresUrl(url, option);
  } catch (error) {
    if (error instanceof PostgresUrlError) throw new MigrateError(error.message, { remedy: error.remedy });
    throw error;
  }
  return new URL(url);
}

/** The URL with its password replaced by ***, whatever its shape (libs/postgres masks for every engine). */
export function maskUrl(url: string): string {
  return maskAll(url);
}

/** Masks every password in `text`, and the URL's own decoded password wherever the text quotes it. */
export function maskSecrets(text: string, url: string | undefined): string {
  return maskAll(text, url ? passwordsOf(url) : []);
}

function passwordsOf(url: string): string[] {
  try {
    const password = parsePostgresUrl(url).password;
    return password ? [password] : [];
  } catch {
    return [];
  }
}
