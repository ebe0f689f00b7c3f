import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '@shopops/config';
import type { DestinationStream } from '@shopops/observability';
import { buildApp, type BuildAppOptions } from './app.ts';
import { listenMetrics } from './metrics-server.ts';

export interface StartApiOptions {
  /** Environment variables, as process.env would hold them; validated by @shopops/config. */
  env: Record<string, string | undefined>;
  /** Default: PORT from env (8080); 0 picks a free port. */
  port?: number;
  /** Default: 127.0.0.1. */
  host?: string;
  /** Where JSON log lines go; default stdout. */
  logStream?: DestinationStream;
  /** Passed on to buildApp (e.g. tracing: true when an OpenTelemetry SDK was started first). */
  app?: Omit<BuildAppOptions, 'logStream'>;
}

export interface RunningApi {
  /** http://host:port the API listens on. */
  url: string;
  /** http://host:port of /metrics when METRICS_PORT sets a listener of its own. */
  metricsUrl: string | undefined;
  app: FastifyInstance;
  config: Config;
  /** Graceful: /readyz turns 503, in-flight requests finish, then the pool and other clients close. */
  close(): Promise<void>;
}

/**
 * Loads the config from `env` (throws ConfigError listing every problem), builds the app, checks the database
 * answers (a warning, not a failure: /readyz reports it), and listens. When env has no PUBLIC_BASE_URL, URLs
 * the API hands out (images, sandbox checkout) point at where it actually listens.
 */
export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  const loaded = loadConfig(options.env);
  const config: Config = { ...loaded, port: options.port ?? loaded.port, host: options.host ?? '127.0.0.1' };
  const app = buildApp(config, { ...options.app, logStream: options.logStream });
  let metricsServer: FastifyInstance | undefined;
  app.addHook('onClose', async () => void (await metricsServer?.close()));
  try {
    await app.ready();
    await app.api.db
      .ping()
      .catch((error: Error) =>
        app.log.warn({ err: error }, 'database not reachable yet; /readyz reports it until it is'),
      );
    await app.listen({ port: config.port, host: config.host });
    if (config.metrics.port !== undefined && app.api.metrics) {
      metricsServer = await listenMetrics(config, app.api.metrics);
    }
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${displayHost(config.host)}:${port}`;
  const metricsAddress = metricsServer?.server.address() as AddressInfo | undefined;
  const metricsUrl = metricsAddress && `http://${displayHost(config.host)}:${metricsAddress.port}`;
  if (!options.env.PUBLIC_BASE_URL?.trim()) app.api.urls.setPublicBaseUrl(url);
  app.log.info({ url, metricsUrl }, 'listening');
  return {
    url,
    metricsUrl,
    app,
    config,
    close: async () => {
      app.api.readiness.beginShutdown();
      await app.close();
    },
  };
}

/** A wildcard address is not somewhere to send a browser; loopback reaches the same listener. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
