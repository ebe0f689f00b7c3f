import { maskSecrets as maskAll } from '@shopops/postgres';

/** Secrets registered here (S3 keys, passwords) are replaced by *** in every message the engine prints. */
const knownSecrets = new Set<string>();

export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) knownSecrets.add(secret);
}

/** Masks every password in a text, whatever the URL's shape (libs/postgres), and the registered secrets. */
export function maskSecrets(text: string): string {
  return maskAll(text, knownSecrets);
}
