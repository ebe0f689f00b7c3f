import { fileURLToPath } from 'node:url';
import type { IncomingMessage, Server } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Config, TrustProxy } from '@shopops/config';
import { ApiMetrics, createLogger, requestTraceId, type DestinationStream } from '@shopops/observability';
import { createAuthenticator } from './auth.ts';
import type { ApiContext, PublicUrls } from './context.ts';
import { createDatabase, type Database } from './db.ts';
import { FeatureFlags } from './domain/feature-flags.ts';
import { OrderStore } from './domain/orders.ts';
import { PaymentService } from './domain/payments.ts';
import { ProductStore } from './domain/products.ts';
import { registerErrorHandling } from './error-handling.ts';
import { registerHardening } from './hardening.ts';
import { configuredProviders } from './payments/providers/index.ts';
import { Readiness } from './readiness.ts';
import { registerRequestHooks } from './request-hooks.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { orderRoutes } from './routes/orders.ts';
import { paymentRoutes } from './routes/payments.ts';
import { productImageRoutes } from './routes/product-images.ts';
import { productRoutes } from './routes/products.ts';
import { sandboxCheckoutRoutes } from './routes/sandbox-checkout.ts';
import { createStorage, type Storage } from './storage.ts';
import { versionInfo } from './version.ts';

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface BuildAppOptions {
  /** Default: a pool from config.database, closed with the app. */
  database?: Database;
  /** Default: an S3 client from config.s3, closed with the app. */
  storage?: Storage;
  /** Default: a client for config.redisUrl when set (rate-limit counters), closed with the app. */
  redis?: Redis;
  /** Where JSON log lines go; default stdout. */
  logStream?: DestinationStream;
  /**
   * Request logs, metrics and trace ids; default true. false builds the bare app the benchmark compares
   * against: same routes and hardening, no per-request observability and no /metrics.
   */
  instrumentation?: boolean;
  /** An OpenTelemetry SDK runs in this process (see main.ts); default: OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing?: boolean;
  /** Default: MIGRATIONS_DIR, else apps/api/migrations. */
  migrationsDir?: string;
  /**
   * The scrape-time gauges (database pool, readiness checks, app_build_info); default true. false only for
   * the benchmark's "hooks" baseline, which measures what they add.
   */
  stateMetrics?: boolean;
}

/**
 * The API as a Fastify instance, not listening: `await app.ready()` or `app.inject()` to use it in-process,
 * `app.listen()` to serve. Connections open lazily; `app.close()` closes what the app created.
 */
export function buildApp(config: Config, options: BuildAppOptions = {}): FastifyInstance {
  const instrument = options.instrumentation ?? true;
  const tracing = instrument && (options.tracing ?? config.otel.endpoint !== undefined);
  const logger = createLogger(
    { level: config.logLevel, secrets: config.secrets, base: { service: config.otel.serviceName } },
    options.logStream,
  );

  const serverOptions: FastifyHttpOptions<Server, FastifyBaseLogger> = {
    ...(instrument ? { loggerInstance: logger as FastifyBaseLogger } : { logger: false }),
    // Fastify's own per-request lines are replaced by the one line request-hooks.ts writes per response.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'traceId' }),
    ...(instrument
      ? { genReqId: (request: IncomingMessage) => requestTraceId(request.headers.traceparent, tracing) }
      : {}),
    bodyLimit: config.http.bodyLimitBytes,
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    trustProxy: fastifyTrustProxy(config.http.trustProxy),
    // On close, idle keep-alive connections are closed at once; busy ones after their response.
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
  };
  const app: FastifyInstance = Fastify(serverOptions);
  app.decorateRequest('userId', null);

  const metrics = instrument ? new ApiMetrics({ defaultMetrics: true }) : undefined;
  const db =
    options.database ??
    createDatabase({
      url: config.database.url,
      poolMax: config.database.poolMax,
      observeQuery: metrics ? (operation, seconds) => metrics.observeQuery(operation, seconds) : undefined,
      log: app.log,
    });
  const storage = options.storage ?? createStorage(config.s3);
  const redis =
    options.redis ?? (config.redisUrl && config.http.rateLimits ? connectRedis(config.redisUrl, app) : undefined);

  let publicBaseUrl = config.publicBaseUrl;
  const urls: PublicUrls = {
    publicBaseUrl: () => publicBaseUrl,
    setPublicBaseUrl: (url) => void (publicBaseUrl = url.replace(/\/+$/, '')),
    frontendUrl: config.frontendUrl,
  };
  const flags = new FeatureFlags(db, config.features);
  const context: ApiContext = {
    config,
    db,
    storage,
    metrics,
    auth: createAuthenticator(config.jwtSecret),
    products: new ProductStore(db),
    orders: new OrderStore(),
    payments: new PaymentService({
      db,
      providers: configuredProviders(config.payments, urls.publicBaseUrl),
      flags,
      metrics,
      urls,
      log: app.log,
    }),
    readiness: new Readiness(
      {
        db,
        storage,
        databaseUrl: config.database.url,
        migrationsDir: options.migrationsDir ?? config.migrationsDir ?? DEFAULT_MIGRATIONS_DIR,
      },
      config.http.readinessTimeoutMs,
    ),
    urls,
    rateLimit: (scope) => {
      const limit = config.http.rateLimits?.[scope];
      return limit ? { rateLimit: { max: limit.max, timeWindow: limit.windowMs, groupId: scope } } : {};
    },
  };
  app.decorate('api', context);
  if (metrics && (options.stateMetrics ?? true)) trackState(metrics, context);

  registerErrorHandling(app);
  // Once shutdown begins, every response closes its connection: keep-alive sockets busy when the listener
  // closed would otherwise idle on until their timeout and hold the process open.
  const readiness = context.readiness;
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (readiness.isShuttingDown) reply.header('connection', 'close');
    done(null, payload);
  });
  if (metrics) registerRequestHooks(app, metrics, tracing);
  registerHardening(app, config, redis);

  app.register(healthRoutes);
  if (metrics) app.register(metricsRoutes, metrics);
  app.register(productRoutes);
  app.register(productImageRoutes);
  app.register(orderRoutes);
  app.register(paymentRoutes);
  if (config.payments.sandbox) app.register(sandboxCheckoutRoutes);

  // Counting starts with the first request: give Redis its connect time before the app reports ready (an
  // unreachable Redis does not hold start-up; requests then pass unlimited until it is back).
  if (redis && !options.redis) app.addHook('onReady', () => redisSettled(redis, 2_000));

  app.addHook('onClose', async () => {
    if (!options.database) {
      await db.close();
      app.log.info('database pool closed');
    }
    if (!options.storage) storage.close();
    if (redis && !options.redis) await redis.quit().catch(() => redis.disconnect());
  });
  return app;
}

/** The gauges Prometheus reads at scrape time: pool, readiness, build. */
function trackState(metrics: ApiMetrics, context: ApiContext): void {
  const pool = context.db.pool;
  metrics.trackPool(() => ({
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
    max: pool.options.max ?? context.config.database.poolMax,
  }));
  metrics.trackReadiness(() => context.readiness.report());
  const { version, commit } = versionInfo(context.config.build);
  metrics.setBuildInfo({ version, commit });
}

/**
 * TRUST_PROXY as Fastify honours it. A hop count is given as a function: Fastify 5 given the number
 * itself trusts nobody, and behind Fly's or Render's proxy every client would share one address.
 */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'boolean') return trust;
  if ('addresses' in trust) return trust.addresses;
  const { hops } = trust;
  return (_address, hop) => hop < hops;
}

function redisSettled(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      redis.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
    redis.once('error', done);
  });
}

/** Rate-limit counters in Redis; commands fail fast while it is down (the limiter then lets requests through). */
function connectRedis(url: string, app: FastifyInstance): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) app.log.warn({ err: error }, 'redis unreachable: rate limits are not enforced until it is back');
    down = true;
  });
  redis.on('ready', () => {
    if (down) app.log.info('redis reachable again');
    down = false;
  });
  return redis;
}
