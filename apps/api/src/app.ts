import { fileURLToPath } from 'node:url';
import type { IncomingMessage, Server } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { relaxedGuardsWarning, type Config, type TrustProxy } from '@shopops/config';
import {
  ApiMetrics,
  createLogger,
  createScrubber,
  requestTraceId,
  startServerSpan,
  type DestinationStream,
} from '@shopops/observability';
import { createAuthenticator } from './auth.ts';
import type { ApiContext, PublicUrls } from './context.ts';
import { createDatabase, type Database } from './db.ts';
import { FeatureFlags } from './domain/feature-flags.ts';
import { OrderStore } from './domain/orders.ts';
import { PaymentService } from './domain/payments.ts';
import { ProductStore } from './domain/products.ts';
import { ReservationSweeper } from './domain/reservation-sweeper.ts';
import { handleFrameworkError, registerErrorHandling } from './error-handling.ts';
import { rateLimitScope, registerHardening } from './hardening.ts';
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
      ? {
          // With tracing, the request's server span starts here, so its trace id is the one every log line carries.
          genReqId: (request: IncomingMessage) =>
            (tracing ? startServerSpan(request) : undefined) ?? requestTraceId(request.headers.traceparent),
        }
      : {}),
    bodyLimit: config.http.bodyLimitBytes,
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    trustProxy: fastifyTrustProxy(config.http.trustProxy),
    // On close, idle keep-alive connections are closed at once; busy ones after their response.
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    // A malformed or overlong URL gets a problem response like any other error (error-handling.ts).
    frameworkErrors: handleFrameworkError,
  };
  const app: FastifyInstance = Fastify(serverOptions);
  app.decorateRequest('userId', null);
  const relaxed = relaxedGuardsWarning(config.env, config.relaxedGuards);
  if (relaxed) app.log.warn({ env: config.env, relaxedGuards: config.relaxedGuards }, relaxed);

  const metrics = instrument ? new ApiMetrics({ defaultMetrics: true }) : undefined;
  const db =
    options.database ??
    createDatabase({
      url: config.database.url,
      poolMax: config.database.poolMax,
      poolWaitMs: config.database.poolWaitMs,
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
    auth: createAuthenticator(config.auth),
    products: new ProductStore(db),
    orders: new OrderStore(config.orders, metrics),
    payments: new PaymentService({
      db,
      providers: configuredProviders(config.payments, urls.publicBaseUrl),
      flags,
      metrics,
      urls,
      log: app.log,
      scrub: createScrubber(config.secrets),
    }),
    readiness: new Readiness(
      {
        db,
        storage,
        migrationsDir: options.migrationsDir ?? config.migrationsDir ?? DEFAULT_MIGRATIONS_DIR,
      },
      { timeoutMs: config.http.readinessTimeoutMs, intervalMs: config.http.readinessIntervalMs },
    ),
    urls,
    rateLimit: rateLimitScope,
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
  // With METRICS_PORT, /metrics is served only there (startApi): not on the public listener.
  if (metrics && config.metrics.port === undefined) {
    app.register(metricsRoutes, { metrics, token: config.metrics.token });
  }
  app.register(productRoutes);
  app.register(productImageRoutes);
  app.register(orderRoutes);
  app.register(paymentRoutes);
  if (config.payments.sandbox) app.register(sandboxCheckoutRoutes);

  // Counting starts with the first request: give Redis its connect time before the app reports ready (an
  // unreachable Redis does not hold start-up; requests then pass unlimited until it is back).
  if (redis && !options.redis) app.addHook('onReady', () => redisSettled(redis, 2_000));

  // The readiness probes run in the background from start-up to close (readiness.ts).
  app.addHook('onReady', async () => context.readiness.start());
  // Every instance sweeps expired reservations (SKIP LOCKED keeps them from doubling the work); it stops,
  // and a sweep under way finishes, before the pool closes.
  const sweeper = new ReservationSweeper({ db, ttlMs: config.orders.reservationTtlMs, metrics, log: app.log });
  app.addHook('onReady', async () => sweeper.start());
  app.addHook('preClose', async () => sweeper.stop());
  app.addHook('onClose', async () => {
    context.readiness.stop();
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
