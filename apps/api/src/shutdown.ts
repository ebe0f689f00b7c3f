import { setTimeout as delay } from 'node:timers/promises';
import type { RunningApi } from './start.ts';

export interface ShutdownOptions {
  /** How long /readyz answers 503 while requests are still served, before the listener closes. */
  delayMs: number;
  /** In-flight requests get this long after the delay; then the process exits with 1. */
  timeoutMs: number;
  /** Runs after the app closed, e.g. flushing traces. */
  afterClose?: () => Promise<void>;
}

/**
 * SIGTERM (platforms) and SIGINT (Ctrl-C): readiness turns 503 at once, requests keep being served for
 * `delayMs` so load balancers stop routing here, each answered with `Connection: close` (app.ts) so
 * keep-alive clients leave cleanly; then the listener closes along with the idle connections (Fastify's
 * forceCloseConnections: 'idle'), in-flight requests finish and the database pool closes; the process exits
 * 0 once everything is closed. A second signal exits at once with 1. Without a delay (SHUTDOWN_DELAY_MS=0,
 * dev's default) a proxy that still routes here has its keep-alive connections reset.
 */
export function handleShutdownSignals(api: RunningApi, options: ShutdownOptions): void {
  const log = api.app.log;
  let stopping = false;

  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    api.app.api.readiness.beginShutdown();
    log.info({ signal, delayMs: options.delayMs }, 'shutdown started: /readyz answers 503');
    const deadline = setTimeout(() => {
      log.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out: requests still in flight; exiting');
      process.exit(1);
    }, options.delayMs + options.timeoutMs);
    deadline.unref();
    try {
      if (options.delayMs > 0) await delay(options.delayMs);
      log.info('shutdown: listener closing, finishing in-flight requests');
      await api.app.close();
      await options.afterClose?.();
      log.info('shutdown complete');
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    } finally {
      clearTimeout(deadline);
    }
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}
