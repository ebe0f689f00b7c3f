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

export interface SandboxConfig {
  secret: string;
}

/** The API's configuration, typed and grouped; produced only by loadConfig. */
export interface Config {
  env: Environment;
  port: number;
  host: string;
  logLevel: LogLevel;
  migrationsDir: string | undefined;
  database: { url: string; poolMax: number };
  redisUrl: string | undefined;
  s3: { endpoint: string | undefined; region: string; bucket: string; accessKeyId: string; secretAccessKey: string };
  jwtSecret: string;
  http: {
    corsOrigins: '*' | string[];
    rateLimits: RateLimits;
    trustProxy: TrustProxy;
    bodyLimitBytes: number;
    imageMaxBytes: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    readinessTimeoutMs: number;
  };
  shutdown: { delayMs: number; timeoutMs: number };
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
    port: v.PORT,
    host: v.HOST,
    logLevel: v.LOG_LEVEL,
    migrationsDir: v.MIGRATIONS_DIR,
    database: { url: v.DATABASE_URL, poolMax: v.DATABASE_POOL_MAX },
    redisUrl: v.REDIS_URL,
    s3: {
      endpoint: v.S3_ENDPOINT,
      region: v.S3_REGION,
      bucket: v.S3_BUCKET,
      accessKeyId: v.S3_ACCESS_KEY,
      secretAccessKey: v.S3_SECRET_KEY,
    },
    jwtSecret: v.JWT_SECRET,
    http: {
      corsOrigins,
      rateLimits: v.RATE_LIMITS,
      trustProxy: v.TRUST_PROXY,
      bodyLimitBytes: v.BODY_LIMIT_BYTES,
      imageMaxBytes: v.IMAGE_MAX_BYTES,
      requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: v.KEEP_ALIVE_TIMEOUT_MS,
      readinessTimeoutMs: v.READINESS_TIMEOUT_MS,
    },
    shutdown: { delayMs: v.SHUTDOWN_DELAY_MS, timeoutMs: v.SHUTDOWN_TIMEOUT_MS },
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
