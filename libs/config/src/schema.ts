import { z } from 'zod';
import { EXPECTED_FORM } from '@shopops/postgres';
import {
  booleanFlag,
  corsOrigins,
  duration,
  guardList,
  integer,
  nonEmpty,
  ratio,
  trustProxy,
  urlWithScheme,
} from './parsers.ts';
import { rateLimits } from './rate-limits.ts';
import { ALL_ENVIRONMENTS, variable } from './variable.ts';

const httpUrl = (form: string) => urlWithScheme(['http', 'https'], form);

/**
 * Every environment variable the API reads, one entry each: its type, description, defaults and whether it
 * is secret. Validation (loadConfig), .env.example (renderEnvExample) and new environments
 * (describeVariables) all come from here, so a variable added here is documented everywhere at once.
 */
export const envSchema = z.object({
  // runtime
  ENV: variable(z.enum(['dev', 'staging', 'prod']), {
    group: 'runtime',
    description:
      'Which environment this is: dev, staging or prod. prod and staging refuse weak or published secrets, CORS *, http URLs and the sandbox provider (see RELAXED_GUARDS).',
    default: 'dev',
  }),
  RELAXED_GUARDS: variable(guardList.optional(), {
    group: 'runtime',
    description:
      'Prod guards this staging relaxes on purpose, comma-separated: secret-strength, published-secrets, cors-origins, https-urls, sandbox-provider. Logged at warn on every start; refused in prod. Unset: none.',
    example: 'sandbox-provider',
  }),
  PORT: variable(integer(1, 65535), {
    group: 'runtime',
    description: 'TCP port the API listens on.',
    default: '8080',
  }),
  HOST: variable(nonEmpty, {
    group: 'runtime',
    description: 'Address the API listens on: 0.0.0.0 in containers, loopback on a laptop.',
    default: '0.0.0.0',
    devDefault: '127.0.0.1',
  }),
  LOG_LEVEL: variable(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), {
    group: 'runtime',
    description: 'Lowest level written to the JSON log on stdout.',
    default: 'info',
  }),
  MIGRATIONS_DIR: variable(nonEmpty.optional(), {
    group: 'runtime',
    description:
      "Folder of the API's SQL migrations, for the readiness check 'migrations at head'. Default: apps/api/migrations next to the code.",
    example: '/app/apps/api/migrations',
  }),

  // database
  DATABASE_URL: variable(urlWithScheme(['postgres', 'postgresql'], EXPECTED_FORM), {
    group: 'database',
    description: 'PostgreSQL connection URL; add ?sslmode=require where the server needs TLS.',
    devDefault: 'postgres://postgres@127.0.0.1:54329/shop',
    requiredIn: ALL_ENVIRONMENTS,
    urlWithCredentials: true,
    example: 'postgres://shop:secret@db.internal:5432/shop',
  }),
  DATABASE_POOL_MAX: variable(integer(1, 1000), {
    group: 'database',
    description: 'Most connections the API holds open to PostgreSQL.',
    default: '10',
  }),
  DATABASE_POOL_WAIT_MS: variable(integer(50), {
    group: 'database',
    description:
      'How long a request waits for a free pooled connection (or a new one to open); then it answers 503 with Retry-After.',
    default: '1000',
  }),

  // redis
  REDIS_URL: variable(urlWithScheme(['redis', 'rediss'], 'redis://[:password@]host:6379[/db]').optional(), {
    group: 'redis',
    description: 'Redis for rate-limit counters shared by every instance. Unset: counters live in each process.',
    urlWithCredentials: true,
    example: 'redis://:secret@redis.internal:6379/0',
  }),

  // storage
  S3_ENDPOINT: variable(httpUrl('https://s3.example.com').optional(), {
    group: 'storage',
    description:
      'S3-compatible endpoint (path-style requests). Unset: AWS S3 in S3_REGION. The local stack serves one on port 4568.',
    devDefault: 'http://127.0.0.1:4568',
    example: 'https://fly.storage.tigris.dev',
  }),
  S3_REGION: variable(nonEmpty, {
    group: 'storage',
    description: 'Region of the bucket.',
    default: 'us-east-1',
  }),
  S3_BUCKET: variable(nonEmpty, {
    group: 'storage',
    description: 'Bucket that holds product images.',
    devDefault: 'uploads',
    requiredIn: ALL_ENVIRONMENTS,
    example: 'shop-uploads',
  }),
  S3_ACCESS_KEY: variable(nonEmpty, {
    group: 'storage',
    description: 'Access key id for the bucket.',
    devDefault: 'S3RVER',
    requiredIn: ALL_ENVIRONMENTS,
    secret: true,
  }),
  S3_SECRET_KEY: variable(nonEmpty, {
    group: 'storage',
    description: 'Secret access key for the bucket.',
    devDefault: 'S3RVER',
    requiredIn: ALL_ENVIRONMENTS,
    secret: true,
  }),
  S3_REQUEST_TIMEOUT_MS: variable(integer(100), {
    group: 'storage',
    description:
      'Each S3 request attempt (reads, deletes, the readiness probe) is aborted when it has no answer after this long.',
    default: '5000',
  }),
  S3_DEADLINE_MS: variable(integer(100), {
    group: 'storage',
    description:
      'Longest any S3 call may take, retries and an upload streamed from the client included; then it is aborted, nothing is stored, and the request answers 503.',
    default: '30000',
  }),

  // auth
  JWT_SECRET: variable(nonEmpty, {
    group: 'auth',
    description:
      'HS256 key that signs and verifies admin tokens. prod and staging require 32 bytes or more with enough variety and never a published value: `openssl rand -base64 48`.',
    devDefault: 'dev-only-jwt-secret-do-not-use-anywhere-else',
    requiredIn: ALL_ENVIRONMENTS,
    secret: true,
  }),
  JWT_SECRET_PREVIOUS: variable(nonEmpty.optional(), {
    group: 'auth',
    description:
      'During a rotation, the JWT_SECRET before the current one: tokens signed with it still verify, new ones are signed with JWT_SECRET. Same strength rules; remove it once the longest token lifetime (ADMIN_TOKEN_MAX_LIFETIME) has passed.',
    secret: true,
  }),
  JWT_ISSUER: variable(nonEmpty, {
    group: 'auth',
    description: 'iss claim admin tokens are signed with and must carry.',
    default: 'shopops',
  }),
  JWT_AUDIENCE: variable(nonEmpty, {
    group: 'auth',
    description: 'aud claim admin tokens are signed with and must carry.',
    default: 'shopops-api',
  }),
  ADMIN_TOKEN_MAX_LIFETIME: variable(duration(60_000, 30 * 24 * 3_600_000), {
    group: 'auth',
    description:
      'Longest an admin token may be valid, from its iat to its exp; a token without exp or iat, or valid for longer, is refused.',
    default: '24h',
  }),

  // http
  CORS_ORIGINS: variable(corsOrigins.optional(), {
    group: 'http',
    description:
      'Comma-separated origins allowed to call the API from a browser. Unset: the origin of FRONTEND_URL. prod refuses *.',
    devDefault: 'http://127.0.0.1:5173,http://localhost:5173',
    example: 'https://shop.example.com',
  }),
  RATE_LIMITS: variable(rateLimits, {
    group: 'http',
    description:
      'Requests per client address: `off`, or scope=max/window entries (scopes default, orders, payments, admin, notfound for unknown paths; window in ms, s, m or h). Each scope is one counter shared by all its routes; a scope without an entry counts in default.',
    default: 'default=600/1m,orders=30/1m,payments=30/1m,admin=300/1m,notfound=120/1m',
  }),
  TRUST_PROXY: variable(trustProxy, {
    group: 'http',
    description:
      "Take the client address from X-Forwarded-For: false; the number of proxies in front (Fly's and Render's edge: 1); or the proxies' addresses/CIDRs (e.g. 10.0.0.0/8). `true` trusts whatever the client sends: only behind a proxy that overwrites the header.",
    default: 'false',
  }),
  BODY_LIMIT_BYTES: variable(integer(1024), {
    group: 'http',
    description: 'Largest JSON request body accepted; larger ones get 413.',
    default: '1048576',
  }),
  IMAGE_MAX_BYTES: variable(integer(1024), {
    group: 'http',
    description: 'Largest product image accepted; larger ones get 413.',
    default: '5242880',
  }),
  REQUEST_TIMEOUT_MS: variable(integer(1000), {
    group: 'http',
    description: 'A request (headers and body) that takes longer than this to arrive is cut off with 408.',
    default: '30000',
  }),
  KEEP_ALIVE_TIMEOUT_MS: variable(integer(1000), {
    group: 'http',
    description: "How long an idle keep-alive connection stays open; keep it above the load balancer's idle timeout.",
    default: '65000',
  }),
  SHUTDOWN_DELAY_MS: variable(integer(0), {
    group: 'http',
    description:
      "On SIGTERM, how long requests are still served, each answered with Connection: close so keep-alive clients reconnect elsewhere, while /readyz reports 503; then idle connections and the listener close. 5 s covers the few seconds Fly's proxy and Render's load balancer take to stop routing to an instance that is stopping; dev stops at once.",
    default: '5000',
    devDefault: '0',
  }),
  SHUTDOWN_TIMEOUT_MS: variable(integer(1000), {
    group: 'http',
    description: 'In-flight requests get this long to finish after SIGTERM; then the process exits with 1.',
    default: '10000',
  }),
  READINESS_TIMEOUT_MS: variable(integer(100), {
    group: 'http',
    description: 'Each /readyz check (database, migrations, storage) fails when it takes longer than this.',
    default: '2000',
  }),
  READINESS_INTERVAL_MS: variable(integer(100), {
    group: 'http',
    description:
      'How often the readiness checks run in the background (one database and one storage probe per interval); /readyz answers the latest result, and not ready once it is older than two intervals plus two READINESS_TIMEOUT_MS.',
    default: '5000',
  }),

  // urls
  PUBLIC_BASE_URL: variable(httpUrl('https://api.example.com'), {
    group: 'urls',
    description:
      'Where clients reach this API; image URLs and payment return and webhook URLs are built from it. prod requires https.',
    devDefault: 'http://127.0.0.1:8080',
    requiredIn: ALL_ENVIRONMENTS,
    example: 'https://api.shop.example.com',
  }),
  FRONTEND_URL: variable(httpUrl('https://shop.example.com'), {
    group: 'urls',
    description: 'The storefront; customers return there after paying.',
    devDefault: 'http://127.0.0.1:5173',
    requiredIn: ALL_ENVIRONMENTS,
    example: 'https://shop.example.com',
  }),

  // orders
  ORDER_MAX_UNITS_PER_PRODUCT: variable(integer(1, 1000), {
    group: 'orders',
    description:
      'Most units of one product a single order may take, counting every line that names it; more is refused with 400.',
    default: '20',
  }),
  ORDER_RESERVATION_TTL: variable(duration(1000, 7 * 24 * 3_600_000), {
    group: 'orders',
    description:
      "How long an unpaid order holds its stock (e.g. 30m, 2h; ms, s, m or h); then it is marked expired and the stock returned. Keep it above the providers' checkout time.",
    default: '30m',
  }),

  // payments
  PAYMENT_WEBPAY_API_URL: variable(httpUrl('https://webpay3g.transbank.cl'), {
    group: 'payments',
    description: "Transbank Webpay Plus API; the default is Transbank's integration environment.",
    default: 'https://webpay3gint.transbank.cl',
  }),
  PAYMENT_WEBPAY_COMMERCE_CODE: variable(nonEmpty.optional(), {
    group: 'payments',
    description:
      'Webpay commerce code (Tbk-Api-Key-Id). Webpay is offered once this, its API key and webhook secret are set.',
    example: '597055555532',
  }),
  PAYMENT_WEBPAY_API_KEY: variable(nonEmpty.optional(), {
    group: 'payments',
    description: 'Webpay API key secret (Tbk-Api-Key-Secret).',
    secret: true,
  }),
  PAYMENT_WEBPAY_WEBHOOK_SECRET: variable(nonEmpty.optional(), {
    group: 'payments',
    description: 'Key of the HMAC-SHA256 signature on Webpay webhooks (header webpay-signature).',
    secret: true,
  }),
  PAYMENT_FLOW_API_URL: variable(httpUrl('https://www.flow.cl/api'), {
    group: 'payments',
    description: "Flow API; the default is Flow's sandbox.",
    default: 'https://sandbox.flow.cl/api',
  }),
  PAYMENT_FLOW_API_KEY: variable(nonEmpty.optional(), {
    group: 'payments',
    description: 'Flow API key. Flow is offered once this and its secret key are set.',
    secret: true,
  }),
  PAYMENT_FLOW_SECRET_KEY: variable(nonEmpty.optional(), {
    group: 'payments',
    description: 'Flow secret key: signs API calls (parameter s) and webhooks (header flow-signature).',
    secret: true,
  }),
  PAYMENT_MP_API_URL: variable(httpUrl('https://api.mercadopago.com'), {
    group: 'payments',
    description: 'Mercado Pago API.',
    default: 'https://api.mercadopago.com',
  }),
  PAYMENT_MP_ACCESS_TOKEN: variable(nonEmpty.optional(), {
    group: 'payments',
    description: 'Mercado Pago access token. Mercado Pago is offered once this and its webhook secret are set.',
    secret: true,
  }),
  PAYMENT_MP_WEBHOOK_SECRET: variable(nonEmpty.optional(), {
    group: 'payments',
    description: 'Key of the HMAC-SHA256 signature on Mercado Pago webhooks (header x-signature).',
    secret: true,
  }),
  PAYMENT_SANDBOX_ENABLED: variable(booleanFlag, {
    group: 'payments',
    description: 'Offer the sandbox provider, which pays or fails on request (dev and tests). Refused in prod.',
    default: 'false',
    devDefault: 'true',
  }),
  PAYMENT_SANDBOX_SECRET: variable(nonEmpty.optional(), {
    group: 'payments',
    description: 'Key of the HMAC-SHA256 signature on sandbox webhooks (header sandbox-signature).',
    devDefault: 'sandbox-webhook-secret',
    secret: true,
  }),

  // observability
  OTEL_EXPORTER_OTLP_ENDPOINT: variable(httpUrl('http://collector:4318').optional(), {
    group: 'observability',
    description:
      'OTLP/HTTP collector; traces (HTTP server, outgoing HTTP, PostgreSQL) go to <endpoint>/v1/traces. Unset: no tracing.',
    example: 'http://otel-collector.internal:4318',
  }),
  OTEL_SERVICE_NAME: variable(nonEmpty, {
    group: 'observability',
    description: 'service.name on every span.',
    default: 'shopops-api',
  }),
  OTEL_TRACES_SAMPLER: variable(
    z.enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ]),
    {
      group: 'observability',
      description:
        "Which traces are kept, as OpenTelemetry's standard variable says; whatever it is (except always_off), a request answered 5xx or slower than TRACES_SLOW_REQUEST_MS keeps its server span.",
      default: 'parentbased_traceidratio',
      devDefault: 'parentbased_always_on',
    },
  ),
  OTEL_TRACES_SAMPLER_ARG: variable(ratio, {
    group: 'observability',
    description: 'Share of traces the traceidratio samplers keep, between 0 and 1.',
    default: '0.05',
  }),
  TRACES_SLOW_REQUEST_MS: variable(integer(1), {
    group: 'observability',
    description: 'A request slower than this (milliseconds) keeps its server span even when its trace is not sampled.',
    default: '1000',
  }),
  METRICS_PORT: variable(integer(1, 65535).optional(), {
    group: 'observability',
    description:
      "Serve /metrics on this port only, not on PORT: for a scraper on a private network (Fly's [metrics]). prod needs this or METRICS_TOKEN.",
    example: '9091',
  }),
  METRICS_TOKEN: variable(nonEmpty.optional(), {
    group: 'observability',
    description:
      "/metrics answers only requests sending this token as `Authorization: Bearer` (Prometheus: the scrape job's authorization.credentials). prod needs this or METRICS_PORT.",
    secret: true,
  }),

  // features
  FEATURE_PAYMENTS: variable(booleanFlag.optional(), {
    group: 'features',
    description:
      "false switches payments off (starting one answers 503) whatever the feature_flags table says; unset: the table's row `payments` decides.",
    example: 'false',
  }),

  // build
  APP_VERSION: variable(nonEmpty.optional(), {
    group: 'build',
    description: "Version shown by GET /version; set by the image build. Default: apps/api/package.json's version.",
    example: '1.4.0',
  }),
  GIT_COMMIT: variable(nonEmpty, {
    group: 'build',
    description: 'Commit the build came from, shown by GET /version.',
    default: 'unknown',
    example: '4ad6f79',
  }),
  BUILD_TIME: variable(z.iso.datetime({ offset: true }).optional(), {
    group: 'build',
    description: 'When the build ran (ISO 8601), shown by GET /version.',
    example: '2026-11-23T09:00:00Z',
  }),
});

export type EnvSchema = typeof envSchema;
export type VariableName = keyof EnvSchema['shape'];
/** Parsed values, before defaults are turned into the nested Config. Optional variables may be undefined. */
export type EnvValues = z.output<EnvSchema>;
