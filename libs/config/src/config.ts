import type { GuardName } from './guard-names.ts';
import type { TrustProxy } from './parsers.ts';
import type { RateLimits } from './rate-limits.ts';
import type { EnvValues } from './schema.ts';
import type { Environment } from './variable.ts';

export type LogLevel = EnvValues['LOG_LEVEL'];
export type TracesSampler = EnvValues['OTEL_TRACES_SAMPLER'];

export interface WebpayConfig {
  apiUrl: string;
  commerceCode: string;
  apiKey: string;
  webhookSecret: string;
}

export interface FlowConfig {
  apiUrl: string;
  apiKey: string;
  secretKey: string;
}

export interface MercadoPagoConfig {
  apiUrl: string;
  accessToken: string;
  webhookSecret: string;
}

export interface AuthConfig {
  jwtSecret: string;
  previousJwtSecret: string | undefined;
  issuer: string;
  audience: string;
  maxTokenLifetimeMs: number;
}

export interface SandboxConfig {
  secret: string;
}

/** The API's configuration, typed and grouped; produced only by loadConfig. */
export interface Config {
  env: Environment;
  /** Prod guards this staging relaxes on purpose (RELAXED_GUARDS); always empty in dev and prod. */
  relaxedGuards: readonly GuardName[];
  port: number;
  host: string;
  logLevel: LogLevel;
  migrationsDir: string | undefined;
  database: { url: string; poolMax: number; poolWaitMs: number };
  redisUrl: string | undefined;
  s3: {
    endpoint: string | undefined;
    region: string;
    bucket: string;
    accessKeyId: string;
    secretAccessKey: string;
    requestTimeoutMs: number;
    deadlineMs: number;
  };
  /** Admin tokens: HS256 keys (the previous one only verifies, during a rotation) and the claims required. */
  auth: AuthConfig;
  http: {
    corsOrigins: '*' | string[];
    rateLimits: RateLimits;
    trustProxy: TrustProxy;
    bodyLimitBytes: number;
    imageMaxBytes: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    readinessTimeoutMs: number;
    readinessIntervalMs: number;
  };
  /** Where /metrics is served: its own port (undefined: PORT) and the bearer token it requires, if any. */
  metrics: { port: number | undefined; token: string | undefined };
  shutdown: { delayMs: number; timeoutMs: number };
  orders: { maxUnitsPerProduct: number; reservationTtlMs: number };
  publicBaseUrl: string;
  frontendUrl: string;
  /** Providers whose credentials are all set; the others are not offered. */
  payments: {
    webpay: WebpayConfig | undefined;
    flow: FlowConfig | undefined;
    mercadopago: MercadoPagoConfig | undefined;
    sandbox: SandboxConfig | undefined;
  };
  otel: {
    endpoint: string | undefined;
    serviceName: string;
    sampler: TracesSampler;
    samplerRatio: number;
    slowRequestMs: number;
  };
  features: { payments: boolean | undefined };
  build: { version: string | undefined; commit: string; buildTime: string | undefined };
  /**
   * Values that must never reach a log line or a response: every secret variable and the passwords of URL
   * variables. Loggers scrub them from their output.
   */
  secrets: readonly string[];
}

/** Groups validated values; cross-variable rules have already passed. */
export function toConfig(v: EnvValues, secrets: readonly string[]): Config {
  const corsOrigins = v.CORS_ORIGINS ?? [new URL(v.FRONTEND_URL).origin];
  return {
    env: v.ENV,
    relaxedGuards: v.ENV === 'staging' ? (v.RELAXED_GUARDS ?? []) : [],
    port: v.PORT,
    host: v.HOST,
    logLevel: v.LOG_LEVEL,
    migrationsDir: v.MIGRATIONS_DIR,
    database: { url: v.DATABASE_URL, poolMax: v.DATABASE_POOL_MAX, poolWaitMs: v.DATABASE_POOL_WAIT_MS },
    redisUrl: v.REDIS_URL,
    s3: {
      endpoint: v.S3_ENDPOINT,
      region: v.S3_REGION,
      bucket: v.S3_BUCKET,
      accessKeyId: v.S3_ACCESS_KEY,
      secretAccessKey: v.S3_SECRET_KEY,
      requestTimeoutMs: v.S3_REQUEST_TIMEOUT_MS,
      deadlineMs: v.S3_DEADLINE_MS,
    },
    auth: {
      jwtSecret: v.JWT_SECRET,
      previousJwtSecret: v.JWT_SECRET_PREVIOUS,
      issuer: v.JWT_ISSUER,
      audience: v.JWT_AUDIENCE,
      maxTokenLifetimeMs: v.ADMIN_TOKEN_MAX_LIFETIME,
    },
    http: {
      corsOrigins,
      rateLimits: v.RATE_LIMITS,
      trustProxy: v.TRUST_PROXY,
      bodyLimitBytes: v.BODY_LIMIT_BYTES,
      imageMaxBytes: v.IMAGE_MAX_BYTES,
      requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: v.KEEP_ALIVE_TIMEOUT_MS,
      readinessTimeoutMs: v.READINESS_TIMEOUT_MS,
      readinessIntervalMs: v.READINESS_INTERVAL_MS,
    },
    metrics: { port: v.METRICS_PORT, token: v.METRICS_TOKEN },
    shutdown: { delayMs: v.SHUTDOWN_DELAY_MS, timeoutMs: v.SHUTDOWN_TIMEOUT_MS },
    orders: { maxUnitsPerProduct: v.ORDER_MAX_UNITS_PER_PRODUCT, reservationTtlMs: v.ORDER_RESERVATION_TTL },
    publicBaseUrl: v.PUBLIC_BASE_URL,
    frontendUrl: v.FRONTEND_URL,
    payments: {
      webpay:
        v.PAYMENT_WEBPAY_COMMERCE_CODE && v.PAYMENT_WEBPAY_API_KEY && v.PAYMENT_WEBPAY_WEBHOOK_SECRET
          ? {
              apiUrl: v.PAYMENT_WEBPAY_API_URL,
              commerceCode: v.PAYMENT_WEBPAY_COMMERCE_CODE,
              apiKey: v.PAYMENT_WEBPAY_API_KEY,
              webhookSecret: v.PAYMENT_WEBPAY_WEBHOOK_SECRET,
            }
          : undefined,
      flow:
        v.PAYMENT_FLOW_API_KEY && v.PAYMENT_FLOW_SECRET_KEY
          ? { apiUrl: v.PAYMENT_FLOW_API_URL, apiKey: v.PAYMENT_FLOW_API_KEY, secretKey: v.PAYMENT_FLOW_SECRET_KEY }
          : undefined,
      mercadopago:
        v.PAYMENT_MP_ACCESS_TOKEN && v.PAYMENT_MP_WEBHOOK_SECRET
          ? {
              apiUrl: v.PAYMENT_MP_API_URL,
              accessToken: v.PAYMENT_MP_ACCESS_TOKEN,
              webhookSecret: v.PAYMENT_MP_WEBHOOK_SECRET,
            }
          : undefined,
      sandbox: v.PAYMENT_SANDBOX_ENABLED && v.PAYMENT_SANDBOX_SECRET ? { secret: v.PAYMENT_SANDBOX_SECRET } : undefined,
    },
    otel: {
      endpoint: v.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: v.OTEL_SERVICE_NAME,
      sampler: v.OTEL_TRACES_SAMPLER,
      samplerRatio: v.OTEL_TRACES_SAMPLER_ARG,
      slowRequestMs: v.TRACES_SLOW_REQUEST_MS,
    },
    features: { payments: v.FEATURE_PAYMENTS },
    build: { version: v.APP_VERSION, commit: v.GIT_COMMIT, buildTime: v.BUILD_TIME },
    secrets,
  };
}
