import { urlPassword } from './mask.ts';
import { envSchema, type VariableName } from './schema.ts';
import { variableRegistry } from './variable.ts';

export interface PublishedSecret {
  value: string;
  /** Where it is published: shown in the refusal, so the operator knows why. */
  where: string;
}

/**
 * Values that are public because they are in this repository (or its history) or are a local server's
 * built-in credentials, beyond the schema's own defaults and examples (collected below). A secret equal to
 * one of them is refused in prod and staging. libs/config/test/published-secrets.test.ts reads every
 * committed file for literal values of secret variables and fails when one would pass: a new value
 * committed for a secret belongs here (or must be weak enough to be refused anyway).
 */
export const PUBLISHED_SECRET_VALUES: readonly PublishedSecret[] = [
  { value: 'S3RVER', where: "s3rver's built-in access key and secret (libs/local-servers, the local stack, tests)" },
  { value: 'minioadmin', where: "MinIO's default root user and password (docker-compose.yml)" },
  { value: 'shop', where: "docker-compose.yml's PostgreSQL user and password" },
  { value: 'local-development-secret-not-for-production', where: "the local stack's JWT_SECRET until 2026-12" },
  { value: 'local-sandbox-secret', where: "the local stack's PAYMENT_SANDBOX_SECRET until 2026-12" },
  { value: 'test-jwt-secret-that-is-long-enough-0123456789', where: "the API tests' JWT_SECRET until 2026-12" },
  { value: 'AKIAIOSFODNN7EXAMPLE', where: "AWS's documentation example access key id" },
  { value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', where: "AWS's documentation example secret access key" },
];

let cache: Map<string, string> | undefined;

/** Every published value, with where it is published: the list above plus the schema's secret defaults. */
export function publishedSecrets(): ReadonlyMap<string, string> {
  if (cache) return cache;
  // The list first: where it names a value, it says more than "a default in libs/config".
  const found = new Map<string, string>(PUBLISHED_SECRET_VALUES.map(({ value, where }) => [value, where]));
  for (const [name, type] of Object.entries(envSchema.shape) as [VariableName, unknown][]) {
    const meta = variableRegistry.get(type as never);
    if (!meta?.secret && !meta?.urlWithCredentials) continue;
    for (const [kind, given] of [
      ['default', meta.default],
      ['dev default', meta.devDefault],
      ['example', meta.example],
    ] as const) {
      // Of a URL, only its password is a secret.
      const value = meta.urlWithCredentials && given ? urlPassword(given) : given?.trim();
      if (value && !found.has(value)) found.set(value, `${name}'s ${kind} in libs/config`);
    }
  }
  cache = found;
  return found;
}

/** Where a value is published, or undefined when it is not a known public value. */
export function wherePublished(value: string): string | undefined {
  return publishedSecrets().get(value.trim());
}
