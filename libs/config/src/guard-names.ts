/**
 * The guards prod enforces and staging inherits. Staging may relax one on purpose by naming it in
 * RELAXED_GUARDS (the API then says so at start, at warn level); prod relaxes none.
 */
export const GUARDS = {
  'secret-strength':
    'every secret but the S3 key id has enough variety (JWT_SECRET and JWT_SECRET_PREVIOUS: 32 bytes or more)',
  'published-secrets':
    'no secret, nor the password in DATABASE_URL or REDIS_URL, equals a value committed in the repository or a local server default',
  'cors-origins': 'CORS_ORIGINS is not *',
  'https-urls': 'PUBLIC_BASE_URL and FRONTEND_URL are https://',
  'sandbox-provider': 'the sandbox payment provider is off',
} as const;

export type GuardName = keyof typeof GUARDS;

export const GUARD_NAMES = Object.keys(GUARDS) as GuardName[];
