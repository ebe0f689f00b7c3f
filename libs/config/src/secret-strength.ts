/**
 * A simple entropy check for secrets: the Shannon entropy of the value's own character frequencies times its
 * length. It is an estimate, not a proof: it cannot tell a random string from a long English phrase (the
 * published-values list catches the committed ones), but it refuses what people actually type in a hurry:
 * 32 × "a", "abab…", "changeme", a short word. Random values pass with a wide margin: 64 random bytes in
 * base64 estimate about 460 bits, `openssl rand -hex 32` about 240, a 20-character AWS access key id about 75.
 */

/** HMAC keys (JWT_SECRET, JWT_SECRET_PREVIOUS): RFC 7518 wants a key as long as the hash, 32 bytes for HS256. */
export const HMAC_KEY_MIN_BYTES = 32;
export const HMAC_KEY_MIN_BITS = 96;
/** Every other secret: provider keys, webhook secrets, S3 keys, tokens. */
export const SECRET_MIN_BITS = 64;

const REMEDY = 'generate one, e.g. openssl rand -base64 48';

/** Estimated bits of entropy: Shannon entropy per character (of the value's own distribution) × length. */
export function estimatedEntropyBits(value: string): number {
  const characters = [...value];
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bitsPerCharacter = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    bitsPerCharacter -= p * Math.log2(p);
  }
  return bitsPerCharacter * characters.length;
}

/** "abcabcabc": the whole value is a shorter string repeated, which the frequency estimate cannot see. */
export function isRepetition(value: string): boolean {
  return value.length > 1 && (value + value).indexOf(value, 1) < value.length;
}

/** Why a secret's value is too weak, or undefined when it is strong enough. Never quotes the value. */
export function weakSecretReason(value: string, kind: 'hmac-key' | 'secret'): string | undefined {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (kind === 'hmac-key' && bytes < HMAC_KEY_MIN_BYTES) {
    return `too short: ${bytes} bytes, at least ${HMAC_KEY_MIN_BYTES} needed (${REMEDY})`;
  }
  if (isRepetition(value)) return `too little variety: the same characters repeated (${REMEDY})`;
  const bits = Math.floor(estimatedEntropyBits(value));
  const needed = kind === 'hmac-key' ? HMAC_KEY_MIN_BITS : SECRET_MIN_BITS;
  if (bits < needed) {
    return `too little variety: about ${bits} bits of entropy, at least ${needed} needed (${REMEDY})`;
  }
  return undefined;
}
