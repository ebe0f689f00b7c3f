import { z } from 'zod';

/** The form a value meant to be, or why it is none: a path inside the value and a message. */
export type FormChoice<T extends z.ZodType> = T | { path: PropertyKey[]; message: string };

/**
 * A union that picks its member by a key the value holds (`type`, `fromDatabase`, …) and validates against
 * that one only, so an error is about the form the author meant rather than every form it failed to be.
 */
export function pickForm<T extends z.ZodType>(choose: (value: Record<string, unknown>) => FormChoice<T>) {
  return z.unknown().transform((value, context): z.output<T> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      context.addIssue({ code: 'custom', message: 'a table of settings' });
      return z.NEVER;
    }
    const choice = choose(value as Record<string, unknown>);
    if (!(choice instanceof z.ZodType)) {
      context.addIssue({ code: 'custom', path: choice.path, message: choice.message });
      return z.NEVER;
    }
    const result = choice.safeParse(value, { reportInput: true });
    if (result.success) return result.data as z.output<T>;
    for (const issue of result.error.issues) context.addIssue({ ...issue, path: issue.path } as never);
    return z.NEVER;
  });
}
