import type { EnvEntry } from './env-values.ts';

/**
 * `shopops-api.fly.dev` becomes `shopops-api-staging.fly.dev` (and the same on onrender.com): each
 * environment's apps are named `<app>-<env>`, as fly.<env>.toml's app name is.
 */
export function renameAppHosts(value: string, environment: string): string {
  return value.replace(/\b([a-z0-9][a-z0-9-]*)\.(fly\.dev|onrender\.com)\b/g, `$1-${environment}.$2`);
}

/**
 * The settings a platform file's base (fly.toml's [env], a Blueprint group) gives another environment:
 * URLs of the platform's apps renamed for it, tuning carried over. A variable that is required without a
 * default names a resource of one environment (its bucket, its database), so the base's value, another
 * environment's resource, is never carried over.
 */
export function settingsFromBase(
  base: Readonly<Record<string, string>>,
  environment: string,
  requiredWithoutDefault: ReadonlySet<string>,
): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    const renamed = renameAppHosts(value, environment);
    if (renamed !== value || !requiredWithoutDefault.has(name)) settings[name] = renamed;
  }
  return settings;
}

export type PlatformValue = { value: string; placeholder: boolean };

/**
 * One setting of a platform file for the environment: what was given or what the profile says; a URL of
 * one of the platform's apps, renamed for the environment (each platform keeps its own hosts); the
 * environment's own resource from its .env file (a placeholder until filled in); else the base's tuning.
 */
export function platformValue(
  name: string,
  base: string,
  entry: EnvEntry | undefined,
  context: { environment: string; requiredWithoutDefault: ReadonlySet<string> },
): PlatformValue {
  if (!entry) return { value: base, placeholder: false };
  const renamed = renameAppHosts(base, context.environment);
  // The environment's own: given, the profile's, or changed by hand in its .env file since new-env wrote it.
  const own =
    entry.source === 'given' ||
    entry.rule === 'profile' ||
    (entry.source === 'kept' && entry.value !== entry.ruleValue);
  if (own || (context.requiredWithoutDefault.has(name) && renamed === base)) {
    return { value: entry.value, placeholder: entry.placeholder !== undefined };
  }
  return { value: renamed, placeholder: false };
}
