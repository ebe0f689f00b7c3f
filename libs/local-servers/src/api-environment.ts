import { randomBytes } from 'node:crypto';

export interface ApiEnvironmentOptions {
  databaseUrl: string;
  s3: { endpoint: string; region?: string; accessKeyId: string; secretAccessKey: string };
  /** Where the API answers and where the storefront runs: its public URL, CORS and links. */
  apiUrl: string;
  webUrl: string;
  /** Defaults to uploads, the bucket the local S3 server creates. */
  bucket?: string;
}

/**
 * The API's environment (libs/config's variables) for a whole stack on this machine: the local stack,
 * the API's tests, the storefront's end-to-end test and the images' test all start the API with it,
 * then override what is their own (log level, rate limits, a known JWT secret to sign test tokens).
 * Secrets are random per call: nothing here is a credential anyone could reuse.
 */
export function devApiEnvironment(options: ApiEnvironmentOptions): Record<string, string> {
  return {
    ENV: 'dev',
    DATABASE_URL: options.databaseUrl,
    S3_ENDPOINT: options.s3.endpoint,
    S3_REGION: options.s3.region ?? 'us-east-1',
    S3_BUCKET: options.bucket ?? 'uploads',
    S3_ACCESS_KEY: options.s3.accessKeyId,
    S3_SECRET_KEY: options.s3.secretAccessKey,
    JWT_SECRET: randomBytes(48).toString('base64'),
    PUBLIC_BASE_URL: options.apiUrl,
    FRONTEND_URL: options.webUrl,
    CORS_ORIGINS: options.webUrl,
    PAYMENT_SANDBOX_ENABLED: 'true',
    PAYMENT_SANDBOX_SECRET: randomBytes(32).toString('hex'),
  };
}
