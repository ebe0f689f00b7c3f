import type { DatabaseTarget } from './database-url.ts';

export interface ProtectionPolicy {
  /** Hosts whose databases count as production (exact host names). */
  protectedHosts?: string[];
  /** Database names that count as production wherever they are. */
  protectedDatabases?: string[];
}

/** Why the target looks like production, or undefined. ENV=prod (or production) marks everything as production. */
export function productionReason(
  target: DatabaseTarget,
  policy: ProtectionPolicy = {},
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (env.ENV === 'prod' || env.ENV === 'production') return `ENV=${env.ENV}`;
  if (policy.protectedHosts?.includes(target.host)) return `host ${target.host} is protected`;
  if (policy.protectedDatabases?.includes(target.database)) return `database ${target.database} is protected`;
  return undefined;
}
