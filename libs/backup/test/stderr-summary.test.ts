import { describe, expect, it } from 'vitest';
import { summarizeStderr } from '../src/stderr-summary.ts';

describe('summarizeStderr', () => {
  it('quotes every ERROR line, even those far above the last words', () => {
    const stderr = [
      'pg_restore: error: could not execute query: ERROR:  role "shop_app" does not exist',
      'Command was: ALTER TABLE public.products OWNER TO shop_app;',
      'pg_restore: error: could not execute query: ERROR:  extension "postgis" is not available',
      'Command was: CREATE EXTENSION postgis;',
      'pg_restore: warning: errors ignored on restore: 2',
    ].join('\n');
    expect(summarizeStderr(stderr)).toBe(
      'pg_restore: error: could not execute query: ERROR:  role "shop_app" does not exist / ' +
        'pg_restore: error: could not execute query: ERROR:  extension "postgis" is not available',
    );
  });

  it('is bounded: at most eight lines, each clipped, and says how many more there were', () => {
    const stderr = Array.from({ length: 12 }, (_, i) => `psql:-:${i}: ERROR:  ${'x'.repeat(500)}`).join('\n');
    const summary = summarizeStderr(stderr);
    expect(summary.split(' / ')).toHaveLength(9);
    expect(summary).toMatch(/\(4 more\)$/);
    expect(summary.length).toBeLessThan(8 * 402 + 40);
  });

  it('falls back to the last two lines when nothing says ERROR', () => {
    expect(summarizeStderr('starting\nconnection lost\nserver closed the connection unexpectedly\n')).toBe(
      'connection lost / server closed the connection unexpectedly',
    );
  });
});
