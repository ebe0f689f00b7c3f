import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.ts';

/** The dev defaults make every other variable valid; only the order variables vary here. */
function problemsOf(env: Record<string, string>): Record<string, string> {
  try {
    loadConfig({ ENV: 'dev', ...env });
  } catch (error) {
    if (error instanceof ConfigError) return Object.fromEntries(error.problems.map((p) => [p.variable, p.message]));
    throw error;
  }
  return {};
}

describe('order limits', () => {
  it('default to 20 units per product and a 30 minute reservation', () => {
    expect(loadConfig({ ENV: 'dev' }).orders).toEqual({ maxUnitsPerProduct: 20, reservationTtlMs: 30 * 60_000 });
  });

  it('read ORDER_RESERVATION_TTL as a duration with its unit, like RATE_LIMITS windows', () => {
    for (const [value, ms] of [
      ['45s', 45_000],
      ['15m', 900_000],
      ['2h', 7_200_000],
      ['1500ms', 1500],
      [' 10M ', 600_000],
    ] as const) {
      expect(loadConfig({ ENV: 'dev', ORDER_RESERVATION_TTL: value }).orders.reservationTtlMs, value).toBe(ms);
    }
  });

  it('refuse durations without a unit or out of range, and caps that are not whole numbers from 1 to 1000', () => {
    for (const value of ['30', '30 minutes', '-5m', '500ms', '200h', 'soon']) {
      expect(problemsOf({ ORDER_RESERVATION_TTL: value }).ORDER_RESERVATION_TTL, value).toBe(
        `expected a duration between 1s and 168h with its unit (ms, s, m or h), e.g. 30m (got ${JSON.stringify(value)})`,
      );
    }
    for (const value of ['0', '1001', '2.5', 'many']) {
      expect(problemsOf({ ORDER_MAX_UNITS_PER_PRODUCT: value }).ORDER_MAX_UNITS_PER_PRODUCT, value).toBe(
        `expected a whole number between 1 and 1000 (got ${JSON.stringify(value)})`,
      );
    }
  });
});
