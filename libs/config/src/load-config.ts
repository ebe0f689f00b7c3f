import { toConfig, type Config } from './config.ts';
import { displayValue, urlPassword } from './mask.ts';
import { guardProblems } from './prod-guards.ts';
import { envSchema, type EnvValues, type VariableName } from './schema.ts';
import { variableRegistry, type Environment, type VariableMeta } from './variable.ts';

export interface ConfigProblem {
  variable: VariableName;
  message: string;
}

/** Every invalid or missing variable at once, values of secrets masked. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], env: Environment | undefined) {
    const where = env ? ` for ENV=${env}` : '';
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const lines = problems.map((p) => `  ${p.variable}: ${p.message}`);
    super(
      [
        `invalid configuration${where} (${count}):`,
        ...lines,
        'Set these in the environment (see apps/api/.env.example for every variable, its default and its form).',
      ].join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

const names = Object.keys(envSchema.shape) as VariableName[];

export function variableMeta(name: VariableName): VariableMeta {
  const meta = variableRegistry.get(envSchema.shape[name]);
  if (!meta) throw new Error(`variable ${name} has no metadata in the schema`);
  return meta;
}

/**
 * Reads the API's configuration from an environment (process.env by default). Unset and empty variables
 * take their default (in dev, their dev default). Throws ConfigError listing every problem.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: ConfigProblem[] = [];
  const envName = readEnvironment(env);
  const values: Partial<Record<VariableName, unknown>> = {};
  const raw: Partial<Record<VariableName, string>> = {};

  for (const name of names) {
    const meta = variableMeta(name);
    const given = nonEmpty(env[name]);
    const value = given ?? (envName === 'dev' ? meta.devDefault : undefined) ?? meta.default;
    if (value === undefined) {
      if (envName && meta.requiredIn?.includes(envName)) {
        const form = meta.example && !meta.secret ? ` Example: ${meta.example}` : '';
        problems.push({ variable: name, message: `missing (required in ${envName}). ${meta.description}${form}` });
      }
      continue;
    }
    raw[name] = value;
    const result = envSchema.shape[name].safeParse(value);
    if (result.success) {
      values[name] = result.data;
    } else {
      const reasons = result.error.issues.map((issue) => issue.message).join('; ');
      problems.push({ variable: name, message: `${reasons} (got ${quote(displayValue(value, meta))})` });
    }
  }

  if (envName) problems.push(...crossChecks(envName, values as Partial<EnvValues>));
  if (problems.length > 0) throw new ConfigError(problems, envName);
  return toConfig(values as EnvValues, secretValues(raw));
}

/** undefined when ENV is invalid (the main loop reports it): then no environment-specific rule is judged. */
function readEnvironment(env: Env): Environment | undefined {
  const result = envSchema.shape.ENV.safeParse(nonEmpty(env.ENV) ?? variableMeta('ENV').default);
  return result.success ? result.data : undefined;
}

/** Rules that involve more than one variable, or the environment (prod's guards: prod-guards.ts). */
function crossChecks(env: Environment, v: Partial<EnvValues>): ConfigProblem[] {
  const guarded = {
    secrets: names.filter((name) => variableMeta(name).secret),
    credentialUrls: names.filter((name) => variableMeta(name).urlWithCredentials),
  };
  const problems: ConfigProblem[] = [];
  problems.push(...guardProblems(env, v, guarded));
  problems.push(...metricsExposure(env, v));
  if (v.PAYMENT_SANDBOX_ENABLED && !v.PAYMENT_SANDBOX_SECRET) {
    problems.push({ variable: 'PAYMENT_SANDBOX_SECRET', message: 'required when PAYMENT_SANDBOX_ENABLED is true' });
  }
  problems.push(
    ...incompleteProvider(v, 'Webpay', [
      'PAYMENT_WEBPAY_COMMERCE_CODE',
      'PAYMENT_WEBPAY_API_KEY',
      'PAYMENT_WEBPAY_WEBHOOK_SECRET',
    ]),
    ...incompleteProvider(v, 'Flow', ['PAYMENT_FLOW_API_KEY', 'PAYMENT_FLOW_SECRET_KEY']),
    ...incompleteProvider(v, 'Mercado Pago', ['PAYMENT_MP_ACCESS_TOKEN', 'PAYMENT_MP_WEBHOOK_SECRET']),
  );
  return problems;
}

/** /metrics shows business counters: prod keeps it off the public port or behind a token. */
function metricsExposure(env: Environment, v: Partial<EnvValues>): ConfigProblem[] {
  if (v.METRICS_PORT !== undefined && v.METRICS_PORT === v.PORT) {
    return [{ variable: 'METRICS_PORT', message: `must differ from PORT (${v.PORT}): it is a listener of its own` }];
  }
  if (env === 'prod' && v.METRICS_PORT === undefined && v.METRICS_TOKEN === undefined) {
    return [
      {
        variable: 'METRICS_TOKEN',
        message:
          'prod serves /metrics only on its own port or behind a token: set METRICS_PORT (private scraper, e.g. Fly) or METRICS_TOKEN (e.g. openssl rand -hex 32)',
      },
    ];
  }
  return [];
}

/** A provider is either fully configured or not at all: half a set of credentials is a typo waiting to bite. */
function incompleteProvider(v: Partial<EnvValues>, provider: string, group: VariableName[]): ConfigProblem[] {
  const set = group.filter((name) => v[name] !== undefined);
  if (set.length === 0 || set.length === group.length) return [];
  return group
    .filter((name) => v[name] === undefined)
    .map((name) => ({
      variable: name,
      message: `required because ${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set (${provider} needs all of ${group.join(', ')})`,
    }));
}

function secretValues(raw: Partial<Record<VariableName, string>>): string[] {
  const secrets = new Set<string>();
  for (const name of names) {
    const value = raw[name];
    if (!value) continue;
    const meta = variableMeta(name);
    if (meta.secret) secrets.add(value);
    if (meta.urlWithCredentials) {
      const password = urlPassword(value);
      if (password) secrets.add(password);
    }
  }
  return [...secrets];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function quote(value: string): string {
  return JSON.stringify(value);
}
