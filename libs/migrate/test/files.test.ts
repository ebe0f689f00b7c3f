import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksum } from '../src/checksum.ts';
import { MigrateError } from '../src/errors.ts';
import { readMigrations } from '../src/files.ts';
import { diffLines } from '../src/line-diff.ts';
import { migrationFileName, migrationTemplate, newMigration } from '../src/new-migration.ts';
import { splitStatements } from '../src/statements.ts';
import { maskSecrets, maskUrl, parseDatabaseUrl } from '../src/url.ts';
import { dbmate, migrationDir } from './migration-dir.ts';

async function readError(dir: string): Promise<MigrateError> {
  const error = await readMigrations(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MigrateError);
  return error as MigrateError;
}

describe('readMigrations', () => {
  it('reads dbmate files with their sections, options and start lines, oldest first', async () => {
    const dir = await migrationDir({
      '20260102000000_add_index.sql':
        '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (x);\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY i;\n',
      '20260101000000_create_t.sql':
        '-- a comment\n-- migrate:up\nCREATE TABLE t (x int);\n\n-- migrate:down\nDROP TABLE t;\n',
      'README.md': 'not a migration',
    });
    const [first, second] = await readMigrations(dir);
    expect(first).toMatchObject({
      version: '20260101000000',
      name: 'create_t',
      format: 'dbmate',
      file: join(dir, '20260101000000_create_t.sql'),
    });
    expect(first!.up).toEqual({ sql: 'CREATE TABLE t (x int);\n', startLine: 3, transaction: true });
    expect(first!.down).toEqual({ sql: 'DROP TABLE t;\n', startLine: 6, transaction: true });
    expect(second!.up.transaction).toBe(false);
    expect(second!.down!.transaction).toBe(false);
  });

  it('normalises CRLF so the checksum matches the LF file', async () => {
    const lf = dbmate('CREATE TABLE t (x int);', 'DROP TABLE t;');
    const dir = await migrationDir({ '20260101000000_t.sql': lf.replace(/\n/g, '\r\n') });
    const [migration] = await readMigrations(dir);
    expect(migration!.checksum).toBe(checksum(lf));
    expect(migration!.up.sql).not.toContain('\r');
  });

  it('reads golang-migrate up/down pairs as transactional whole files', async () => {
    const dir = await migrationDir({
      '1_create_t.up.sql': 'CREATE TABLE t (x int);\n',
      '1_create_t.down.sql': 'DROP TABLE t;\n',
      '2_seed.up.sql': 'INSERT INTO t VALUES (1);\n',
    });
    const [first, second] = await readMigrations(dir);
    expect(first).toMatchObject({ version: '1', format: 'golang-migrate', downFile: join(dir, '1_create_t.down.sql') });
    expect(first!.up).toEqual({ sql: 'CREATE TABLE t (x int);\n', startLine: 1, transaction: true });
    expect(second!.down).toBeUndefined();
  });

  it('rejects a file without -- migrate:up, naming file and line 1', async () => {
    const dir = await migrationDir({ '20260101000000_t.sql': 'CREATE TABLE t (x int);\n' });
    const error = await readError(dir);
    expect(error.file).toBe(join(dir, '20260101000000_t.sql'));
    expect(error.line).toBe(1);
    expect(error.message).toContain('20260101000000_t.sql:1: no `-- migrate:up` section');
    expect(error.remedy).toContain('add a line `-- migrate:up`');
  });

  it('rejects SQL before the first section and unknown section options', async () => {
    expect(
      (await readError(await migrationDir({ '20260101000000_t.sql': 'SELECT 1;\n-- migrate:up\nSELECT 2;\n' }))).line,
    ).toBe(1);
    const error = await readError(
      await migrationDir({ '20260101000000_t.sql': '-- migrate:up transaction:maybe\nSELECT 1;\n' }),
    );
    expect(error.message).toContain('unknown migrate option');
  });

  it('rejects two files with one version, naming both', async () => {
    const dir = await migrationDir({
      '20260101000000_a.sql': dbmate('SELECT 1;'),
      '20260101000000_b.sql': dbmate('SELECT 2;'),
    });
    const error = await readError(dir);
    expect(error.message).toContain('two migrations have version 20260101000000');
    expect(error.message).toContain(join(dir, '20260101000000_a.sql'));
    expect(error.message).toContain(join(dir, '20260101000000_b.sql'));
  });

  it('rejects an unrecognised .sql file name with the expected pattern', async () => {
    const error = await readError(await migrationDir({ 'create_t.sql': dbmate('SELECT 1;') }));
    expect(error.message).toContain('unrecognised migration file name create_t.sql');
    expect(error.remedy).toContain('<YYYYMMDDHHMMSS>_<name>.sql');
  });

  it('reports a missing directory with the remedy', async () => {
    const error = await readError('/nonexistent/migrations');
    expect(error.message).toBe('migrations directory /nonexistent/migrations does not exist');
    expect(error.remedy).toContain('--dir');
  });
});

describe('splitStatements', () => {
  it('splits with the Postgres parser and keeps file lines, multibyte text included', async () => {
    const sql =
      "INSERT INTO t VALUES ('é;ü');\n-- note; not a statement\nCREATE INDEX CONCURRENTLY i ON t (x);\n\nSELECT $$a;b$$;";
    const statements = await splitStatements({ sql, startLine: 10, transaction: false }, 'f.sql');
    expect(statements.map(({ sql, line, controlsTransaction }) => ({ sql, line, controlsTransaction }))).toEqual([
      { sql: "INSERT INTO t VALUES ('é;ü')", line: 10, controlsTransaction: false },
      { sql: 'CREATE INDEX CONCURRENTLY i ON t (x)', line: 12, controlsTransaction: false },
      { sql: 'SELECT $$a;b$$', line: 14, controlsTransaction: false },
    ]);
    expect(Object.keys(statements[1]!.node)).toEqual(['IndexStmt']);
  });

  it('reports a syntax error at its file line', async () => {
    const error = await splitStatements(
      { sql: 'SELECT 1;\nSELEC 2;', startLine: 5, transaction: false },
      'f.sql',
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ file: 'f.sql', line: 6 });
  });

  it('places a syntax error after multibyte text on its own line', async () => {
    // The parser's error cursor counts characters while statement locations count bytes.
    const sql = "SELECT 'ééééééééééééééééééééé';\nSELECT 1;\nSELECT 2;\nSELEC 3;";
    const error = await splitStatements({ sql, startLine: 1, transaction: true }, 'f.sql').catch((e: unknown) => e);
    expect(error).toMatchObject({ file: 'f.sql', line: 4 });
  });

  it('marks transaction control statements', async () => {
    const statements = await splitStatements(
      { sql: 'BEGIN;\nSELECT 1;\nCOMMIT;', startLine: 1, transaction: true },
      'f.sql',
    );
    expect(statements.map((statement) => statement.controlsTransaction)).toEqual([true, false, true]);
  });
});

describe('newMigration', () => {
  const now = new Date('2026-03-04T05:06:07Z');

  it('names files by UTC timestamp and writes the template', async () => {
    expect(migrationFileName('add_orders', now)).toBe('20260304050607_add_orders.sql');
    const dir = join(await migrationDir(), 'nested');
    const { file } = await newMigration({ dir, name: 'add_orders', now });
    expect(file).toBe(join(dir, '20260304050607_add_orders.sql'));
    expect(await readFile(file, 'utf8')).toBe(migrationTemplate());
    expect(migrationTemplate()).toBe('-- migrate:up\n\n\n-- migrate:down\n\n');
  });

  it('rejects bad names and never overwrites or reuses a version', async () => {
    const dir = await migrationDir();
    expect(() => migrationFileName('Add-Orders', now)).toThrow(/invalid migration name/);
    await newMigration({ dir, name: 'a', now });
    await expect(newMigration({ dir, name: 'a', now })).rejects.toThrow(/already used/);
    await expect(newMigration({ dir, name: 'b', now })).rejects.toThrow(/already used/);
    expect(await readdir(dir)).toEqual(['20260304050607_a.sql']);
  });

  it('creates a file the reader accepts', async () => {
    const dir = await migrationDir();
    await mkdir(dir, { recursive: true });
    await newMigration({ dir, name: 'empty', now });
    const [migration] = await readMigrations(dir);
    expect(migration!.down).toBeDefined();
  });
});

describe('URLs', () => {
  it('masks passwords, also in strings that are not URLs and in messages', () => {
    expect(maskUrl('postgres://app:s3cret@db:5432/shop')).toBe('postgres://app:***@db:5432/shop');
    expect(maskUrl('postgres://app:s3cret@db:port/shop')).toBe('postgres://app:***@db:port/shop');
    expect(maskSecrets('failed for s3cret', 'postgres://app:s3cret@db/shop')).toBe('failed for ***');
  });

  it('rejects a malformed URL naming the option and the expected form, password masked', () => {
    const error = (() => {
      try {
        parseDatabaseUrl('postgres://app:s3cret@db:notaport/shop', 'DATABASE_URL');
      } catch (e) {
        return e as MigrateError;
      }
    })();
    expect(error?.message).toBe(
      'invalid DATABASE_URL postgres://app:***@db:notaport/shop: not a URL (a bad port, or a character that must be percent-encoded)',
    );
    expect(error?.remedy).toContain('postgres://user:***@host:5432/database');
    expect(() => parseDatabaseUrl('mysql://db/shop')).toThrow(
      /invalid --url mysql:\/\/db\/shop: scheme must be postgres/,
    );
    expect(parseDatabaseUrl('postgresql://db/shop').hostname).toBe('db');
  });
});

describe('diffLines', () => {
  it('lists only differing lines, removed before added', () => {
    expect(diffLines('a\nb\nc\nd', 'a\nB\nc\nd\ne')).toEqual(['-b', '+B', '+e']);
    expect(diffLines('same', 'same')).toEqual([]);
  });
});
