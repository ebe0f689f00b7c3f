import { join } from 'node:path';
import { freePort, startPostgres, type TestPostgres } from '@shopops/local-servers';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksum } from '../src/checksum.ts';
import { parseHistoryTable } from '../src/history-table.ts';
import { down, status, up } from '../src/index.ts';
import { lockKey } from '../src/lock.ts';
import { addFiles, dbmate, failure, historyVersions, migrationDir, query, tableExists } from './migration-dir.ts';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const products = dbmate('CREATE TABLE products (id serial PRIMARY KEY, name text);', 'DROP TABLE products;');

async function session(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  return client;
}

describe('concurrency', () => {
  it('8 runners started at once apply each migration exactly once', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({
      '20260101000000_create_products.sql': products,
      '20260102000000_seed.sql': dbmate(
        "INSERT INTO products (name) VALUES ('seeded');",
        "DELETE FROM products WHERE name = 'seeded';",
      ),
      '20260103000000_index.sql': dbmate(
        'CREATE INDEX CONCURRENTLY products_name ON products (name);',
        'DROP INDEX CONCURRENTLY products_name;',
        'transaction:false',
      ),
    });
    const results = await Promise.all(Array.from({ length: 8 }, () => up({ url, dir })));
    expect(results.flatMap((r) => r.applied.map((a) => a.version)).sort()).toEqual([
      '20260101000000',
      '20260102000000',
      '20260103000000',
    ]);
    expect(await historyVersions(url)).toEqual(['20260101000000', '20260102000000', '20260103000000']);
    expect(await query(url, 'SELECT name FROM products')).toEqual([{ name: 'seeded' }]);
  });

  it('gives up after lockTimeoutMs while another session holds the lock, naming it', async () => {
    const url = await server.createDatabase();
    const holder = await session(url, 'holder');
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [lockKey(parseHistoryTable())]);
      const error = await failure(
        up({ url, dir: await migrationDir({ '20260101000000_create_products.sql': products }), lockTimeoutMs: 300 }),
      );
      const { pid } = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!;
      expect(error.message).toContain(`another migration runner holds the lock (pid ${pid}, application_name 'holder'`);
      expect(error.message).toContain('gave up after 300 ms');
      expect(error.remedy).toContain(`pg_terminate_backend(${pid})`);
      expect(await tableExists(url, 'products')).toBe(false);
    } finally {
      await holder.end();
    }
  });
});

describe('a failing migration', () => {
  it('leaves neither its partial work nor a history row, and names file and line', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({
      '20260101000000_create_products.sql': products,
      '20260102000000_broken.sql':
        '-- migrate:up\nCREATE TABLE partial (id int);\nINSERT INTO partial VALUES (1);\nINSERT INTO missing_table VALUES (1);\n',
      '20260103000000_after.sql': dbmate('CREATE TABLE after_broken (id int);'),
    });
    const error = await failure(up({ url, dir }));
    expect(error.file).toBe(join(dir, '20260102000000_broken.sql'));
    expect(error.line).toBe(4);
    expect(error.sqlState).toBe('42P01');
    expect(error.message).toBe(
      `${join(dir, '20260102000000_broken.sql')}:4: relation "missing_table" does not exist (SQLSTATE 42P01)`,
    );
    expect(error.remedy).toBeTruthy();
    expect(await tableExists(url, 'partial')).toBe(false);
    expect(await tableExists(url, 'after_broken')).toBe(false);
    expect(await historyVersions(url)).toEqual(['20260101000000']);
  });

  it('names the line of a statement that fails at run time, where the server gives no position', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({
      '20260101000000_divide.sql': '-- migrate:up\nCREATE TABLE t (id int);\n\nSELECT 1 / 0;\n',
    });
    const error = await failure(up({ url, dir }));
    expect(error).toMatchObject({ line: 4, sqlState: '22012' });
    expect(await tableExists(url, 't')).toBe(false);
  });

  it('outside a transaction, says which statements already ran and how to recover', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({
      '20260101000000_create_products.sql': products,
      '20260102000000_indexes.sql': dbmate(
        'CREATE INDEX CONCURRENTLY products_name ON products (name);\nCREATE INDEX CONCURRENTLY products_missing ON products (missing);',
        undefined,
        'transaction:false',
      ),
    });
    const error = await failure(up({ url, dir }));
    expect(error.line).toBe(3);
    expect(error.message).toContain('column "missing" does not exist');
    expect(error.message).toContain('the statements at lines 2 already ran and stay applied');
    expect(error.remedy).toContain('idempotent');
    expect(error.remedy).toContain('INVALID index');
    expect(await historyVersions(url)).toEqual(['20260101000000']);
  });
});

describe('transaction:false', () => {
  it('runs CREATE INDEX CONCURRENTLY statement by statement', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({
      '20260101000000_create_products.sql': products,
      '20260102000000_index.sql': dbmate(
        'CREATE INDEX CONCURRENTLY products_name ON products (name);\nCREATE INDEX CONCURRENTLY products_id_name ON products (id, name);',
        'DROP INDEX CONCURRENTLY products_id_name;\nDROP INDEX CONCURRENTLY products_name;',
        'transaction:false',
      ),
    });
    await up({ url, dir });
    const indexes = await query(
      url,
      `SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE 'products_%name' ORDER BY 1`,
    );
    expect(indexes).toEqual([
      { relname: 'products_id_name', indisvalid: true },
      { relname: 'products_name', indisvalid: true },
    ]);
    await down({ url, dir });
    expect(await tableExists(url, 'products_name')).toBe(false);
  });
});

describe('statement lock_timeout', () => {
  it('retries when another session holds the table lock, and succeeds once it is released', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({ '20260101000000_create_products.sql': products });
    await up({ url, dir });
    await addFiles(dir, { '20260102000000_add_sku.sql': dbmate('ALTER TABLE products ADD COLUMN sku text;') });
    const holder = await session(url, 'holder');
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE products IN ACCESS EXCLUSIVE MODE');
      const lines: string[] = [];
      // The holder lets go when the runner reports its first retry: no timing assumptions.
      const log = (line: string) => {
        lines.push(line);
        if (line.includes('retry 1 of')) void holder.query('COMMIT');
      };
      const result = await up({ url, dir, statementLockTimeout: '100ms', lockRetries: 3, log });
      expect(result.applied.map((r) => r.version)).toEqual(['20260102000000']);
      expect(
        lines.some((line) =>
          line.includes('20260102000000_add_sku (up): lock_timeout (100ms) waiting for a lock; retry 1 of 3'),
        ),
      ).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it('fails cleanly, with no history row, when the lock is held throughout', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({ '20260101000000_create_products.sql': products });
    await up({ url, dir });
    await addFiles(dir, { '20260102000000_add_sku.sql': dbmate('\nALTER TABLE products ADD COLUMN sku text;') });
    const holder = await session(url, 'holder');
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE products IN ACCESS EXCLUSIVE MODE');
      const error = await failure(up({ url, dir, statementLockTimeout: '100ms', lockRetries: 1 }));
      expect(error.sqlState).toBe('55P03');
      expect(error.file).toBe(join(dir, '20260102000000_add_sku.sql'));
      expect(error.line).toBe(3);
      expect(error.remedy).toContain('--statement-lock-timeout');
    } finally {
      await holder.end();
    }
    expect(await historyVersions(url)).toEqual(['20260101000000']);
    expect(
      await query(
        url,
        `SELECT 1 FROM information_schema.columns WHERE table_name = 'products' AND column_name = 'sku'`,
      ),
    ).toEqual([]);
  });
});

describe('drift and order', () => {
  it('stops up and down when an applied file changed, naming every such file, unless allowed', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({
      '20260101000000_create_products.sql': products,
      '20260102000000_create_tags.sql': dbmate('CREATE TABLE tags (id int);', 'DROP TABLE tags;'),
    });
    await up({ url, dir });
    await addFiles(dir, {
      '20260101000000_create_products.sql': `${products}-- edited\n`,
      '20260102000000_create_tags.sql': dbmate('CREATE TABLE tags (id bigint);', 'DROP TABLE tags;'),
      '20260103000000_more.sql': dbmate('CREATE TABLE more (id int);', 'DROP TABLE more;'),
    });
    const error = await failure(up({ url, dir }));
    expect(error.message).toContain(join(dir, '20260101000000_create_products.sql'));
    expect(error.message).toContain(join(dir, '20260102000000_create_tags.sql'));
    expect(error.remedy).toContain('--allow-drift');
    await expect(down({ url, dir })).rejects.toThrow(/changed since they were applied/);
    expect(await tableExists(url, 'more')).toBe(false);
    await up({ url, dir, allowDrift: true });
    expect(await tableExists(url, 'more')).toBe(true);
  });

  it('stops on a pending file older than the newest applied one unless out-of-order is allowed', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({ '20260102000000_create_products.sql': products });
    await up({ url, dir });
    await addFiles(dir, { '20260101000000_early.sql': dbmate('CREATE TABLE early (id int);') });
    const error = await failure(up({ url, dir }));
    expect(error.message).toBe(
      'pending migrations are older than the newest applied one (20260102000000): 20260101000000_early.sql',
    );
    expect(error.remedy).toContain('--allow-out-of-order');
    await up({ url, dir, allowOutOfOrder: true });
    expect(await historyVersions(url)).toEqual(['20260101000000', '20260102000000']);
  });
});

describe('other tools', () => {
  it('adopts a dbmate history table in place and backfills checksums from the files', async () => {
    const url = await server.createDatabase();
    await query(url, 'CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)');
    await query(url, "INSERT INTO schema_migrations VALUES ('20260101000000')");
    await query(url, 'CREATE TABLE products (id serial PRIMARY KEY, name text)');
    const dir = await migrationDir({
      '20260101000000_create_products.sql': products,
      '20260102000000_create_tags.sql': dbmate('CREATE TABLE tags (id int);', 'DROP TABLE tags;'),
    });
    expect((await status({ url, dir })).pending.map((e) => e.version)).toEqual(['20260102000000']);
    const result = await up({ url, dir });
    expect(result.applied.map((r) => r.version)).toEqual(['20260102000000']);
    const rows = await query(url, 'SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version');
    expect(rows[0]).toEqual({
      version: '20260101000000',
      name: 'create_products',
      checksum: checksum(products),
      applied_at: null,
    });
    expect(rows[1]).toMatchObject({ version: '20260102000000', name: 'create_tags' });
  });

  it('reads and applies a golang-migrate directory', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({
      '000001_create_products.up.sql': 'CREATE TABLE products (id int);\n',
      '000001_create_products.down.sql': 'DROP TABLE products;\n',
      '000002_add_name.up.sql': 'ALTER TABLE products ADD COLUMN name text;\n',
      '000002_add_name.down.sql': 'ALTER TABLE products DROP COLUMN name;\n',
    });
    await up({ url, dir });
    expect(await historyVersions(url)).toEqual(['000001', '000002']);
    const reverted = await down({ url, dir });
    expect(reverted.reverted[0]!.file).toBe(join(dir, '000002_add_name.down.sql'));
    expect((await status({ url, dir })).pending.map((e) => e.version)).toEqual(['000002']);
  });
});

describe('connection failures', () => {
  it('reports an unreachable server in one line with the password masked', async () => {
    const port = await freePort();
    const error = await failure(up({ url: `postgres://app:s3cret@127.0.0.1:${port}/shop`, dir: await migrationDir() }));
    expect(error.message).toBe(`cannot connect to 127.0.0.1:${port}/shop: connection refused`);
    expect(error.remedy).toContain('the URL (or DATABASE_URL)');
    expect(`${error.message} ${error.remedy}`).not.toContain('s3cret');
  });

  it('rejects a malformed URL before connecting, password masked', async () => {
    const error = await failure(status({ url: 'postgres://app:s3cret@db:port/shop', dir: await migrationDir() }));
    expect(error.message).toBe(
      'invalid --url postgres://app:***@db:port/shop: not a URL (a bad port, or a character that must be percent-encoded)',
    );
  });
});

describe('transaction control inside a transactional file', () => {
  it('refuses a dbmate section with its own BEGIN/COMMIT before applying any file of the run', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({
      '20260101000000_create_products.sql': products,
      '20260102000000_create_tags.sql': dbmate(
        'BEGIN;\nCREATE TABLE tags (id serial PRIMARY KEY);\nCOMMIT;\nCREATE TABLE broken (id int REFERENCES nowhere);',
        'DROP TABLE tags;',
      ),
    });
    const error = await failure(up({ url, dir }));
    expect(error.message).toBe(
      `${join(dir, '20260102000000_create_tags.sql')}:2: BEGIN in a migration that runs in a transaction`,
    );
    expect(error.remedy).toMatch(/each file already runs in its own transaction.*`transaction:false`/);
    expect(await tableExists(url, 'products')).toBe(false);
    expect(await historyVersions(url)).toEqual([]);
  });

  it('refuses CREATE INDEX CONCURRENTLY in a transactional dbmate section before applying anything', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({
      '20260101000000_create_products.sql': products,
      '20260102000000_index.sql': dbmate('CREATE INDEX CONCURRENTLY products_name ON products (name);'),
    });
    const error = await failure(up({ url, dir }));
    expect(error.message).toContain(
      '20260102000000_index.sql:2: CREATE INDEX CONCURRENTLY cannot run inside a transaction',
    );
    expect(error.remedy).toBe('move it to its own file marked `-- migrate:up transaction:false`');
    expect(await tableExists(url, 'products')).toBe(false);
  });
});
