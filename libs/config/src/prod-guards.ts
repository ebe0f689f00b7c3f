import { GUARDS, type GuardName } from './guard-names.ts';
import type { ConfigProblem } from './load-config.ts';
import { urlPassword } from './mask.ts';
import { wherePublished } from './published-secrets.ts';
import type { EnvValues, VariableName } from './schema.ts';
import { weakSecretReason } from './secret-strength.ts';
import type { Environment } from './variable.ts';

/** HMAC keys get the stricter rule: a minimum length as well as variety. */
const HMAC_KEYS: ReadonlySet<VariableName> = new Set(['JWT_SECRET', 'JWT_SECRET_PREVIOUS']);

/**
 * A key's id names the key, as a user name does, and proves nothing: S3 signs with the secret key, and a
 * presigned URL carries the id in the clear. It is refused when published (S3RVER, minioadmin), but its
 * variety is not judged: a real AWS id, AKIA and 16 random characters, estimates 53 to 86 bits, and about
 * one in 300 would fall under the 64 every other secret needs.
 */
const KEY_IDS: ReadonlySet<VariableName> = new Set(['S3_ACCESS_KEY']);

/** The guards that apply in an environment: all in prod, all but the relaxed ones in staging, none in dev. */
export function activeGuards(env: Environment, relaxed: readonly GuardName[]): Set<GuardName> {
  if (env === 'dev') return new Set();
  const all = Object.keys(GUARDS) as GuardName[];
  return new Set(env === 'prod' ? all : all.filter((guard) => !relaxed.includes(guard)));
}

/**
 * What is wrong with one secret's value under the given guards, and which guard says so, never quoting the
 * value: one committed in the repository or a local server's default, or one with too little variety.
 */
export function secretProblem(
  name: VariableName,
  value: string,
  guards: ReadonlySet<GuardName>,
): { guard: GuardName; message: string } | undefined {
  const published = guards.has('published-secrets') ? wherePublished(value) : undefined;
  if (published) {
    return {
      guard: 'published-secrets',
      message: `a published value (${published}): anyone can read it; generate one, e.g. openssl rand -base64 48`,
    };
  }
  const weak =
    guards.has('secret-strength') && !KEY_IDS.has(name)
      ? weakSecretReason(value, HMAC_KEYS.has(name) ? 'hmac-key' : 'secret')
      : undefined;
  return weak ? { guard: 'secret-strength', message: weak } : undefined;
}

/** The variables the secret guards judge, from the schema's metadata. */
export interface GuardedVariables {
  /** Marked secret: every one is judged, so a secret added later is guarded at once. */
  secrets: readonly VariableName[];
  /** URLs with credentials (DATABASE_URL, REDIS_URL): their password must not be a published value. */
  credentialUrls: readonly VariableName[];
}

/** The prod guards, for prod and (minus RELAXED_GUARDS) staging. */
export function guardProblems(env: Environment, v: Partial<EnvValues>, guarded: GuardedVariables): ConfigProblem[] {
  if (env === 'dev') return [];
  const relaxed = v.RELAXED_GUARDS ?? [];
  const problems: ConfigProblem[] = [];
  if (env === 'prod' && relaxed.length > 0) {
    problems.push({
      variable: 'RELAXED_GUARDS',
      message: `prod relaxes no guard (got ${relaxed.join(',')}): unset it`,
    });
  }
  const guards = activeGuards(env, relaxed);
  const refuse = (variable: VariableName, guard: GuardName, message: string) =>
    problems.push({ variable, message: `${message}${howToRelax(env, guard)}` });

  for (const name of guarded.secrets) {
    const value = v[name];
    if (typeof value !== 'string') continue;
    const problem = secretProblem(name, value, guards);
    if (problem) refuse(name, problem.guard, `refused in ${env}: ${problem.message}`);
  }
  for (const name of guarded.credentialUrls) {
    const value = v[name];
    const password = typeof value === 'string' && guards.has('published-secrets') ? urlPassword(value) : undefined;
    const published = password ? wherePublished(password) : undefined;
    if (published) {
      refuse(name, 'published-secrets', `refused in ${env}: its password is a published value (${published})`);
    }
  }
  if (guards.has('cors-origins') && v.CORS_ORIGINS === '*') {
    refuse('CORS_ORIGINS', 'cors-origins', `* is refused in ${env}: list the storefront origins`);
  }
  if (guards.has('https-urls')) {
    for (const name of ['PUBLIC_BASE_URL', 'FRONTEND_URL'] as const) {
      const url = v[name];
      if (url !== undefined && !url.startsWith('https://')) {
        refuse(name, 'https-urls', `must be https:// in ${env} (got ${url})`);
      }
    }
  }
  if (guards.has('sandbox-provider') && v.PAYMENT_SANDBOX_ENABLED) {
    refuse(
      'PAYMENT_SANDBOX_ENABLED',
      'sandbox-provider',
      `the sandbox provider is refused in ${env}: anyone can mark an order paid without any money moving`,
    );
  }
  return problems;
}

function howToRelax(env: Environment, guard: GuardName): string {
  return env === 'staging' ? ` (to allow it in staging on purpose: RELAXED_GUARDS=${guard})` : '';
}

/** The start-up warning for a staging that relaxes guards; undefined when nothing is relaxed. */
export function relaxedGuardsWarning(env: Environment, relaxed: readonly GuardName[]): string | undefined {
  if (env !== 'staging' || relaxed.length === 0) return undefined;
  return `ENV=staging runs with prod guards relaxed on purpose (RELAXED_GUARDS): ${relaxed
    .map((guard) => `${guard} (${GUARDS[guard]})`)
    .join('; ')}`;
}
