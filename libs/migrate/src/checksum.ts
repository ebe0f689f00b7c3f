import { createHash } from 'node:crypto';

/** Line endings are normalised so a checkout on Windows does not count as drift. */
export function normaliseLineEndings(content: string): string {
  return content.replace(/\r\n/g, '\n');
}

/** SHA-256 (hex) of the given file contents, line endings normalised. */
export function checksum(...contents: string[]): string {
  const hash = createHash('sha256');
  for (const content of contents) hash.update(normaliseLineEndings(content));
  return hash.digest('hex');
}
