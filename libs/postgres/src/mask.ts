/**
 * Every way a Postgres password can end up in a message, masked in one place. A token (a run of
 * text without spaces or quotes) that holds `user:password@host`, with or without a scheme and
 * whatever the password holds (`@`, `:`, `%`-escapes or none of them encoded), has everything
 * between its first credentials colon and its last `@` replaced; a libpq `password=` key loses its
 * value; known secret values (a decoded password, an S3 key) are replaced wherever they appear.
 */
const TOKEN = /[^\s"'`<>()]+/g;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const PASSWORD_KEY = /\b((?:ssl)?password\s*=\s*)('[^']*'|[^\s&;'"]+)/gi;
export const MASK = '***';

export function maskSecrets(text: string, knownSecrets: Iterable<string> = []): string {
  let masked = text.replace(PASSWORD_KEY, `$1${MASK}`).replace(TOKEN, maskCredentials);
  for (const secret of knownSecrets) if (secret.length >= 4) masked = masked.split(secret).join(MASK);
  return masked;
}

/** `scheme://user:secret@host…`, `user:secret@host…`, `postgres:user:secret@host…` → the same with ***. */
function maskCredentials(token: string): string {
  const at = token.lastIndexOf('@');
  if (at < 0) return token;
  const start = SCHEME.exec(token)?.[0].length ?? 0;
  const colon = token.indexOf(':', start);
  if (colon < 0 || colon > at) return token;
  return `${token.slice(0, colon + 1)}${MASK}${token.slice(at)}`;
}
