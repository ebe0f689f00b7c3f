import { randomBytes, randomInt } from 'node:crypto';

/**
 * What an operator fills in for the placeholders new-env leaves in a staging file of this workspace's API,
 * realistic enough for the config loader's checks (URL form, secret strength). The keys are drawn per run:
 * a key committed here would be a published secret (libs/config/test/published-secrets.test.ts).
 */
/** An AWS access key id's 16 characters after AKIA: base32's alphabet. */
function awsKeyIdBody(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

export const FILLED_PLACEHOLDERS: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgres://shop:Zt4-kQ9wLm2xR7vB@db.internal:5432/shop',
  S3_BUCKET: 'shop-staging',
  S3_ACCESS_KEY: `AKIA${awsKeyIdBody()}`,
  S3_SECRET_KEY: randomBytes(30).toString('base64'),
};
