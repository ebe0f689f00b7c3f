/** Secrets registered here (S3 keys, passwords) are replaced by *** in every message the engine prints. */
const knownSecrets = new Set<string>();

export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) knownSecrets.add(secret);
}

/** Masks URL passwords (`scheme://user:secret@host`) and registered secrets. */
export function maskSecrets(text: string): string {
  let masked = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
  for (const secret of knownSecrets) masked = masked.split(secret).join('***');
  return masked;
}
