import { describe, expect, it } from 'vitest';
import { parsePostgresUrl, PostgresUrlError } from '../src/index.ts';

describe('parsePostgresUrl', () => {
  it('splits a valid URL into a password-free URL, the decoded password and a display form', () => {
    const parsed = parsePostgresUrl('postgresql://app:p%40ss%3Aw@db.internal:6432/shop?sslmode=require');
    expect(parsed.url.toString()).toBe('postgresql://app@db.internal:6432/shop?sslmode=require');
    expect(parsed).toMatchObject({ password: 'p@ss:w', host: 'db.internal', port: 6432, database: 'shop' });
    expect(parsed.display).toBe('db.internal:6432/shop');
    expect(parsePostgresUrl('postgres:///shop?host=/var/run/postgresql')).toMatchObject({
      host: '/var/run/postgresql',
      database: 'shop',
      password: undefined,
    });
  });

  const malformed: [string, string][] = [
    [
      'shop:pw@db:5432/shop',
      'invalid DATABASE_URL shop:***@db:5432/shop: no scheme: it must start with postgres:// or postgresql://',
    ],
    [
      'postgres//u:pw@h/db',
      'invalid DATABASE_URL postgres//u:***@h/db: no scheme: it must start with postgres:// or postgresql://',
    ],
    [
      'postgres:u:pw@h/db',
      'invalid DATABASE_URL postgres:***@h/db: no scheme: it must start with postgres:// or postgresql://',
    ],
    ['mysql://u:p@w@h/db', 'invalid DATABASE_URL mysql://u:***@h/db: scheme must be postgres or postgresql, not mysql'],
    ['postgres://u:pa@ss@h/db', 'invalid DATABASE_URL postgres://u:***@h/db: the password holds an unencoded @'],
    [
      'postgres://u:pw@h:54x2/db',
      'invalid DATABASE_URL postgres://u:***@h:54x2/db: not a URL (a bad port, or a character that must be percent-encoded)',
    ],
    [
      'postgres://u:pw@/db',
      'invalid DATABASE_URL postgres://u:***@/db: no host (or ?host= for a unix socket directory)',
    ],
    ['postgres://u:p%zzw@h/db', 'invalid DATABASE_URL postgres://u:***@h/db: a bad %-escape (write % as %25)'],
  ];

  it.each(malformed)('refuses %s with one message, the password masked, and the remedy', (raw, message) => {
    let error: unknown;
    try {
      parsePostgresUrl(raw, 'DATABASE_URL');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PostgresUrlError);
    expect((error as PostgresUrlError).message).toBe(message);
    expect((error as PostgresUrlError).remedy).toBe(
      'use the form postgres://user:***@host:5432/database (percent-encode @ : / % in the password)',
    );
    expect(`${(error as Error).message} ${(error as PostgresUrlError).remedy}`).not.toMatch(/pw|ss@|p@w|p%zz/);
  });

  it('says so when there is no URL at all', () => {
    expect(() => parsePostgresUrl(undefined)).toThrow('invalid --url: no database URL');
  });
});
