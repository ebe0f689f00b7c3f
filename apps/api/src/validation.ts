import { z } from 'zod';
import { problem, type FieldError } from './problems.ts';

type Where = 'body' | 'query' | 'params';

/**
 * Parses request input with a zod schema; a mismatch becomes a 400 problem listing every field at fault.
 * Strings holding a NUL character are refused here for every schema at once: Postgres cannot store one in
 * text, so it would otherwise surface as a 500 from the database.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: Where): z.output<S> {
  const nulErrors = nulCharacterErrors(value, [where]);
  const result = schema.safeParse(value);
  if (result.success && nulErrors.length === 0) return result.data;
  const schemaErrors: FieldError[] = result.success
    ? []
    : result.error.issues.map((issue) => ({
        path: [where, ...issue.path.map(String)].join('.'),
        message: issue.message,
      }));
  // A field holding a NUL is named once, for the NUL, not again for what the schema makes of it.
  const nulPaths = new Set(nulErrors.map((e) => e.path));
  const errors = [...nulErrors, ...schemaErrors.filter((e) => !nulPaths.has(e.path))];
  throw problem.validation(errors, `invalid ${where}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
}

const NUL = '\u0000';
const NUL_MESSAGE = 'must not contain NUL characters (\\u0000)';
// Deeper than any schema goes; bodies are bounded by BODY_LIMIT_BYTES, this bounds the walk's stack.
const MAX_DEPTH = 32;

/** Every string (and object key) holding a NUL character, by its path. */
function nulCharacterErrors(value: unknown, path: string[], depth = 0): FieldError[] {
  if (typeof value === 'string') return value.includes(NUL) ? [{ path: path.join('.'), message: NUL_MESSAGE }] : [];
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return [];
  const errors: FieldError[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (key.includes(NUL)) errors.push({ path: path.join('.'), message: `key ${JSON.stringify(key)} ${NUL_MESSAGE}` });
    else errors.push(...nulCharacterErrors(item, [...path, key], depth + 1));
  }
  return errors;
}

// Canonical decimal only: Number() would also take 0x1, 1e0, " 1", "01" and "+1" for 1.
const POSITIVE_DECIMAL = /^[1-9][0-9]*$/;
const NON_NEGATIVE_DECIMAL = /^(0|[1-9][0-9]*)$/;

/** A path id as a positive safe integer written the one canonical way, else undefined (no such thing: 404). */
export function canonicalId(value: unknown): number | undefined {
  if (typeof value !== 'string' || !POSITIVE_DECIMAL.test(value)) return undefined;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** A query-string integer in [min, max] written in canonical decimal (no sign, exponent, hex, spaces or leading zeros). */
export function queryInteger(min: number, max: number) {
  return z
    .string()
    .regex(NON_NEGATIVE_DECIMAL, 'a whole number in decimal digits, e.g. 20')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}
