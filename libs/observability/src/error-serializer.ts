/** A logged error as plain data: what says what went wrong, never the objects it drags along. */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  cause?: SerializedError | string | number | boolean;
  [field: string]: unknown;
}

const MAX_CAUSE_DEPTH = 5;
const MAX_FIELD_DEPTH = 2;

/**
 * Serialises an error for a log line: name, message, stack, cause chain, and the error's own fields that are
 * plain data (pg's code, detail and constraint; the AWS SDK's $metadata; errno and syscall). Fields holding
 * class instances are left out: pino's default serializer copies every enumerable field, and pg-pool hangs
 * the whole client on the error it emits (`err.client`: socket, connection parameters, the backend's cancel
 * key), as an HTTP client hangs its socket or response on its errors.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return plainData(error, 0);
  const serialized: SerializedError = { type: error.constructor?.name || error.name, message: error.message };
  if (error.stack) serialized.stack = error.stack;
  for (const key of Object.keys(error)) {
    if (key === 'message' || key === 'stack' || key === 'cause') continue;
    const value = plainData((error as unknown as Record<string, unknown>)[key], 0);
    if (value !== undefined) serialized[key] = value;
  }
  if (error.name !== serialized.type) serialized.name = error.name;
  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    serialized.cause = serializeError(error.cause, depth + 1) as SerializedError;
  }
  return serialized;
}

/** Primitives, and plain objects and arrays of them; anything else (a class instance, a function) is undefined. */
function plainData(value: unknown, depth: number): unknown {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value;
  if (typeof value !== 'object' || depth >= MAX_FIELD_DEPTH) return undefined;
  if (value instanceof Error) return serializeError(value, MAX_CAUSE_DEPTH);
  if (Array.isArray(value)) return value.map((item) => plainData(item, depth + 1) ?? null);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const data = plainData(item, depth + 1);
    if (data !== undefined) copy[key] = data;
  }
  return copy;
}
