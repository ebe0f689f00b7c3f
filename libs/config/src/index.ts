export { runEnvExampleCli, ENV_EXAMPLE_USAGE } from './cli.ts';
export type {
  AuthConfig,
  Config,
  FlowConfig,
  LogLevel,
  MercadoPagoConfig,
  SandboxConfig,
  TracesSampler,
  WebpayConfig,
} from './config.ts';
export { describeVariables, renderEnvExample, type VariableDescription } from './env-example.ts';
export { ConfigError, loadConfig, variableMeta, type ConfigProblem } from './load-config.ts';
export { GUARDS, GUARD_NAMES, type GuardName } from './guard-names.ts';
export { maskUrlPassword } from './mask.ts';
export { activeGuards, relaxedGuardsWarning, secretProblem } from './prod-guards.ts';
export { PUBLISHED_SECRET_VALUES, publishedSecrets, type PublishedSecret } from './published-secrets.ts';
export { estimatedEntropyBits, weakSecretReason } from './secret-strength.ts';
export { RATE_LIMIT_SCOPES, type RateLimit, type RateLimits, type RateLimitScope } from './rate-limits.ts';
export type { TrustProxy } from './parsers.ts';
export { envSchema, type EnvSchema, type EnvValues, type VariableName } from './schema.ts';
export {
  ALL_ENVIRONMENTS,
  variableRegistry,
  type Environment,
  type VariableGroup,
  type VariableMeta,
} from './variable.ts';
