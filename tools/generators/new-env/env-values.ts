import { randomBytes } from 'node:crypto';
import type { VariableDescription } from './config-module.ts';
import { generatorError } from './errors.ts';
import type { Profile } from './profiles.ts';

/** Where a value came from: shown beside it in the file, so a reader knows what to trust and what to change. */
export type ValueSource =
  'given' | 'kept' | 'profile' | 'generated' | 'platform' | 'default' | 'derived' | 'placeholder' | 'unset';

export interface EnvEntry {
  variable: VariableDescription;
  /** Empty for placeholders and unset optional variables: an empty value is "unset" to the loader. */
  value: string;
  source: ValueSource;
  /** What the rules alone give (the source when no value was kept): `kept` values remember how they began. */
  rule: ValueSource;
  ruleValue: string;
  /** Placeholders: must be filled in before the app starts (required) or to switch something on (optional). */
  placeholder?: 'required' | 'optional';
  /** Random bytes of a generated secret. */
  bytes?: number;
}

export interface ValueInputs {
  variables: readonly VariableDescription[];
  profile: Profile;
  /** --values: written as they are. */
  given: Readonly<Record<string, string>>;
  /** The non-empty values of the `.env.<env>` that exists already: kept, so secrets are never regenerated. */
  kept: Readonly<Record<string, string>>;
  /** --generate: secrets that are ours to invent, by variable, with their length in bytes. */
  generate: Readonly<Record<string, number>>;
  /** Settings the platform file (fly.<env>.toml's [env]) gives this environment. */
  platform: Readonly<Record<string, string>>;
}

/** Every variable's value for the environment, in schema order. */
export function environmentValues(inputs: ValueInputs): EnvEntry[] {
  const { variables, profile } = inputs;
  const entries = variables.map((variable) => firstRule(variable, inputs));
  deriveCorsOrigins(entries, profile);
  const unproducible: string[] = [];
  const names = new Set(variables.map((variable) => variable.name));
  for (const entry of entries) {
    if (entry.source !== 'unset' || isPreviousValue(entry.variable.name, names)) continue;
    const required = entry.variable.requiredIn.includes(profile.name);
    if (required && !entry.variable.secret && entry.variable.example === undefined) {
      unproducible.push(entry.variable.name);
    } else if (required || entry.variable.secret) {
      entry.source = 'placeholder';
      entry.placeholder = required ? 'required' : 'optional';
    }
  }
  if (unproducible.length > 0) {
    throw generatorError(
      'new-env',
      `no way to produce a value for ${unproducible.join(', ')}: required in ${profile.name}, with no default, no example and not a secret to fill in later; nothing was written`,
      `pass it (--values.${unproducible[0]}=…), or give it a default or an example in the config schema`,
    );
  }
  return entries;
}

function firstRule(variable: VariableDescription, inputs: ValueInputs): EnvEntry {
  const { name } = variable;
  const entry = (value: string, source: ValueSource, bytes?: number): EnvEntry => {
    const kept = source !== 'given' ? inputs.kept[name] : undefined;
    if (kept === undefined) return { variable, value, source, rule: source, ruleValue: value, bytes };
    return { variable, value: kept, source: 'kept', rule: source, ruleValue: value, bytes };
  };
  if (inputs.given[name] !== undefined) return entry(inputs.given[name], 'given');
  const setting = inputs.profile.settings[name];
  if (setting !== undefined) return entry(setting, 'profile');
  const bytes = inputs.generate[name];
  // A kept secret is never drawn again.
  if (bytes !== undefined) return entry(inputs.kept[name] ? '' : generateSecret(bytes), 'generated', bytes);
  const platform = inputs.platform[name];
  if (platform !== undefined) return entry(platform, 'platform');
  const fallback = inputs.profile.devDefaults ? variable.devDefault : variable.default;
  if (fallback !== undefined) return entry(fallback, 'default');
  return entry('', 'unset');
}

/** A deployed environment locks CORS to its storefront's origin, when the schema has both and the storefront is known. */
function deriveCorsOrigins(entries: EnvEntry[], profile: Profile): void {
  if (!profile.deployed) return;
  const cors = entries.find((entry) => entry.variable.name === 'CORS_ORIGINS');
  const frontend = entries.find((entry) => entry.variable.name === 'FRONTEND_URL');
  if (cors?.rule !== 'unset' || !frontend?.value) return;
  try {
    cors.ruleValue = new URL(frontend.value).origin;
    cors.rule = 'derived';
    if (cors.source === 'kept') return;
    cors.value = cors.ruleValue;
    cors.source = 'derived';
  } catch {
    // Not a URL: the loader's check names FRONTEND_URL; CORS stays unset (the app's own fallback).
  }
}

/** `JWT_SECRET_PREVIOUS` beside `JWT_SECRET`: empty until rotate-secret moves a value there, never a placeholder. */
export function isPreviousValue(name: string, names: ReadonlySet<string>): boolean {
  return name.endsWith('_PREVIOUS') && names.has(name.slice(0, -'_PREVIOUS'.length));
}

/** A CSPRNG secret of `bytes` random bytes, base64url: safe unquoted in .env files, TOML, YAML and shells. */
export function generateSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Published as a platform secret rather than a plain setting: marked secret in the schema, or a URL whose
 * example carries credentials (a database URL's password).
 */
export function isSecretVariable(variable: VariableDescription): boolean {
  if (variable.secret) return true;
  if (!variable.example) return false;
  try {
    const url = new URL(variable.example);
    return url.password !== '' || url.username !== '';
  } catch {
    return false;
  }
}
