import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { serializeError } from './error-serializer.ts';
import { createScrubber, redactSensitiveKeys } from './redaction.ts';

export type { Logger, DestinationStream } from 'pino';

export interface LogOptions {
  level: string;
  /** Values that must never appear in a line (see Config.secrets). */
  secrets?: readonly string[];
  /** Fields on every line, e.g. { service: 'shopops-api' }. */
  base?: Record<string, unknown>;
}

/**
 * pino options for JSON lines: `time` as ISO 8601, `level` as its name, `msg`; secret-bearing fields redacted
 * by name at any depth, errors as plain data (never the clients and sockets they carry), and every line
 * scrubbed of configured secret values, credentials and JWTs.
 */
export function loggerOptions(options: LogOptions): LoggerOptions {
  const scrub = createScrubber(options.secrets ?? []);
  return {
    level: options.level,
    base: options.base ?? null,
    timestamp: isoTimeCachedPerMillisecond(),
    messageKey: 'msg',
    formatters: { level: (label) => ({ level: label }), log: (object) => redactSensitiveKeys(object) },
    serializers: { err: serializeError, error: serializeError },
    hooks: { streamWrite: scrub },
  };
}

/** pino's isoTime, formatting a new date only when the millisecond changed (under load many lines share one). */
function isoTimeCachedPerMillisecond(): () => string {
  let lastMs = -1;
  let last = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      last = `,"time":"${new Date(now).toISOString()}"`;
    }
    return last;
  };
}

/** Longest a line waits in the stdout buffer. */
const FLUSH_INTERVAL_MS = 250;

/**
 * A pino logger writing to `destination`, by default stdout through a 4 KB buffer flushed every 250 ms and
 * on exit: one write system call per few dozen lines instead of one per line, which is most of what a request
 * log line costs under load.
 */
export function createLogger(options: LogOptions, destination?: DestinationStream): Logger {
  if (destination) return pino(loggerOptions(options), destination);
  const stdout = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => stdout.flush(), FLUSH_INTERVAL_MS).unref();
  return pino(loggerOptions(options), stdout);
}
