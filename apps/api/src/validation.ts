import type { z } from 'zod';
import { problem, type FieldError } from './problems.ts';

/** Parses request input with a zod schema; a mismatch becomes a 400 problem listing every field at fault. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw problem.validation(errors, `invalid ${where}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
}
