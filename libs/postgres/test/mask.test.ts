import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../src/index.ts';

// The forms a hostile or careless user gave the CLIs and the API's config check: each once
// printed a password, or a fragment of it, in clear.
const cases: [string, string][] = [
  ['postgres://u:pw@h/db', 'postgres://u:***@h/db'],
  ['postgresql://u:p%40ss@h:5432/db', 'postgresql://u:***@h:5432/db'],
  ['postgres//u:pw@h/db', 'postgres//u:***@h/db'],
  ['postgres://u:pa@ss@h/db', 'postgres://u:***@h/db'],
  ['postgres://u:pa:ss@h/db', 'postgres://u:***@h/db'],
  ['postgres:u:pw@h/db', 'postgres:***@h/db'],
  ['u:pw@h/db', 'u:***@h/db'],
  ['shop:pw@db:5432/shop', 'shop:***@db:5432/shop'],
  ['mysql://u:p@w@h/db', 'mysql://u:***@h/db'],
  ['postgres://u@h/db?password=pw', 'postgres://u@h/db?password=***'],
  ['host=db user=u password=pw dbname=shop', 'host=db user=u password=*** dbname=shop'],
  ["host=db password='p w' dbname=shop", 'host=db password=*** dbname=shop'],
];

describe('maskSecrets', () => {
  it.each(cases)('%s', (raw, masked) => {
    expect(maskSecrets(raw)).toBe(masked);
    expect(maskSecrets(`connect to ${raw} failed`)).toBe(`connect to ${masked} failed`);
  });

  it('masks every URL of a message, quoted or not', () => {
    const message = 'copy from postgres://a:first@h1/db to "postgres://b:second@h2/db" (got "shop:third@db/shop")';
    const masked = maskSecrets(message);
    for (const secret of ['first', 'second', 'third']) expect(masked).not.toContain(secret);
    expect(masked).toBe('copy from postgres://a:***@h1/db to "postgres://b:***@h2/db" (got "shop:***@db/shop")');
  });

  it('masks known secret values wherever they appear, and leaves ordinary text alone', () => {
    expect(maskSecrets('auth failed for key AKIAEXAMPLE1 at 10:30', ['AKIAEXAMPLE1'])).toBe(
      'auth failed for key *** at 10:30',
    );
    expect(maskSecrets('mail ops@example.com at 10:30, see https://example.com/a:b')).toBe(
      'mail ops@example.com at 10:30, see https://example.com/a:b',
    );
  });
});
