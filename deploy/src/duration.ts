import { z } from 'zod';

/**
 * A duration as Fly reads it: Go's time.ParseDuration (fly-go's Duration), one or more number+unit pairs
 * such as 10s, 1m30s, 500ms or 1.5h. Go also takes a bare 0; nothing else without a unit.
 */
const goDuration = /^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$|^0$/;
const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDurationMs(text: string): number {
  if (!goDuration.test(text)) throw new Error(`not a duration: ${text}`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(amount) * unitMs[unit!]!;
  }
  return total;
}

/** A duration string; `max` (ms) where Fly documents a ceiling. */
export function duration(options: { max?: number } = {}) {
  return z
    .string()
    .regex(goDuration, {
      error: (issue) => `${JSON.stringify(issue.input)} is not a duration such as 10s, 1m30s or 500ms`,
    })
    .refine((text) => options.max === undefined || parseDurationMs(text) <= options.max, {
      error: `at most ${(options.max ?? 0) / 1000}s`,
    });
}
