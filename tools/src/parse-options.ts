import type { z } from 'zod';

/**
 * Validates options with the executor's or generator's own zod schema. Nx validates schema.json
 * first, but executors are also called programmatically, and zod knows more (patterns, ranges).
 * Failures name every bad option at once.
 */
export function parseOptions<S extends z.ZodType>(schema: S, options: unknown, what: string): z.output<S> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `--${issue.path.join('.') || '?'}: ${issue.message}`);
  throw new OptionsError(`invalid option${problems.length > 1 ? 's' : ''} for ${what}: ${problems.join('; ')}`);
}

export class OptionsError extends Error {
  override name = 'OptionsError';
}
