/**
 * The API's process: `npx tsx apps/api/src/main.ts` (or `nx run api:serve`), configured by process.env.
 * Invalid configuration: every problem on stderr, exit 1. Tracing starts before the app's modules are loaded,
 * because OpenTelemetry instruments http, fetch and pg as they load; hence the dynamic imports.
 */
import { ConfigError, loadConfig, type Config } from '@shopops/config';

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const tracing = config.otel.endpoint
  ? (await import('@shopops/observability/tracing')).startTracing({
      endpoint: config.otel.endpoint,
      serviceName: config.otel.serviceName,
      serviceVersion: config.build.version,
      sampler: config.otel.sampler,
      samplerRatio: config.otel.samplerRatio,
      slowRequestMs: config.otel.slowRequestMs,
      ignorePaths: ['/healthz', '/readyz', '/metrics'],
    })
  : undefined;

const { startApi } = await import('./start.ts');
const { handleShutdownSignals } = await import('./shutdown.ts');

try {
  const api = await startApi({ env: process.env, port: config.port, host: config.host, app: { tracing: !!tracing } });
  handleShutdownSignals(api, { ...config.shutdown, afterClose: async () => tracing?.shutdown() });
} catch (error) {
  console.error(`api: cannot start: ${(error as Error).message}`);
  await tracing?.shutdown();
  process.exit(1);
}
