import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startPostgres, type TestPostgres } from '@shopops/local-servers';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFiles, dbmate, historyVersions, migrationDir } from './migration-dir.ts';

// The CLI from source: what the package's compiled `migrate` bin runs (tsx stands in for the build).
const cli = ['--import', 'tsx', fileURLToPath(new URL('../src/main.ts', import.meta.url))];

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

function migrate(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [...cli, ...args], {
    reject: false,
    env: { DATABASE_URL: '', MIGRATIONS_DIR: '', DEBUG: '', ...env },
  });
}

/** `<tmp>/migrations`, so dump-schema's default `<dir>/../schema.sql` lands in the temporary folder. */
async function schemaDir(): Promise<string> {
  const dir = join(await migrationDir(), 'migrations');
  await mkdir(dir);
  await addFiles(dir, {
    '20260101000000_create_products.sql': dbmate(
      'CREATE TABLE products (id serial PRIMARY KEY, name text);',
      'DROP TABLE products;',
    ),
    '20260102000000_create_orders.sql': dbmate('CREATE TABLE orders (id serial PRIMARY KEY);', 'DROP TABLE orders;'),
  });
  return dir;
}

describe('migrate CLI', () => {
  it('runs every command against a real database, results on stdout and progress on stderr', async () => {
    const url = await server.createDatabase();
    const dir = await schemaDir();

    const pending = await migrate(['status', '--exit-code', '--url', url, '--dir', dir]);
    expect(pending.exitCode).toBe(3);
    expect(pending.stdout).toContain('pending  20260101000000_create_products');

    const dry = await migrate(['dry-run', '--url', url, '--dir', dir]);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('CREATE TABLE products');

    const applied = await migrate(['--url', url, '--dir', dir]);
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toBe('applied 2 migrations');
    expect(applied.stderr).toMatch(
      /^applied 20260101000000_create_products \(\d+ ms\)\napplied 20260102000000_create_orders \(\d+ ms\)$/,
    );

    const json = await migrate(['status', '--json', '--exit-code'], { DATABASE_URL: url, MIGRATIONS_DIR: dir });
    expect(json.exitCode).toBe(0);
    expect(json.stderr).toBe('');
    const status = JSON.parse(json.stdout);
    expect(status.applied.map((e: { version: string }) => e.version)).toEqual(['20260101000000', '20260102000000']);
    expect(status.pending).toEqual([]);

    const dump = await migrate(['dump-schema', '--url', url, '--dir', dir]);
    expect(dump.exitCode).toBe(0);
    expect(existsSync(join(dirname(dir), 'schema.sql'))).toBe(true);

    const redo = await migrate(['redo', '--url', url, '--dir', dir]);
    expect(redo.stdout).toBe('redid 20260102000000_create_orders');

    const down = await migrate(['down', '--steps', '2', '--url', url, '--dir', dir, '--json']);
    expect(down.exitCode).toBe(0);
    expect(JSON.parse(down.stdout).reverted).toHaveLength(2);
    expect(await historyVersions(url)).toEqual([]);

    const verify = await migrate(['verify', '--url', url, '--dir', dir]);
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout).toContain('verify ok');
  });

  it('creates a migration with new, and lints the folder', async () => {
    const dir = await schemaDir();
    const created = await migrate(['new', 'add_index', '--dir', dir]);
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`^${dir}/\\d{14}_add_index\\.sql$`));
    expect(await readdir(dir)).toHaveLength(3);

    const clean = await migrate(['lint', '--dir', dir]);
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toContain('0 errors');
    await addFiles(dir, { '20260103000000_drop.sql': dbmate('ALTER TABLE products DROP COLUMN name;') });
    const strict = await migrate(['lint', '--strict', '--dir', dir]);
    expect(strict.exitCode).toBe(1);
    expect(strict.stdout).toContain('20260103000000_drop.sql:2: error');
  });

  it('runs a golang-migrate folder: lint notes, dirty on a failure part-way, force, baseline refused', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({
      '1_create_tags.up.sql': 'BEGIN;\nCREATE TABLE tags (id int);\nCOMMIT;\n',
      '2_index_tags.up.sql': 'CREATE INDEX CONCURRENTLY tags_missing ON tags (missing);\n',
    });
    const lint = await migrate(['lint', '--strict', '--dir', dir]);
    expect(lint.exitCode).toBe(0);
    expect(lint.stdout).toContain(
      `${dir}/1_create_tags.up.sql:1: note MIG011 outside-transaction: runs as written, outside a transaction of ours (BEGIN at line 1: the file manages its own transaction)`,
    );
    expect(lint.stdout).toContain('2_index_tags.up.sql:1: note MIG011 outside-transaction: runs outside a transaction');
    expect(lint.stdout).toContain('0 errors, 0 warnings, 2 notes');

    const dry = await migrate(['dry-run', '--url', url, '--dir', dir]);
    expect(dry.stdout).toContain(
      `-- ${dir}/2_index_tags.up.sql (outside a transaction, statement by statement: CREATE INDEX CONCURRENTLY at line 1 cannot run in a transaction)`,
    );

    const failed = await migrate(['up', '--url', url, '--dir', dir]);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('\n  remedy: dirty at 2: fix the database, then `migrate force 2`');
    const status = await migrate(['status', '--exit-code', '--url', url, '--dir', dir]);
    expect(status.exitCode).toBe(3);
    expect(status.stdout).toContain('dirty    2_index_tags');

    const forced = await migrate(['force', '2', '--url', url, '--dir', dir]);
    expect(forced).toMatchObject({ exitCode: 0, stdout: 'forced version 2' });
    expect((await migrate(['status', '--exit-code', '--url', url, '--dir', dir])).exitCode).toBe(0);

    const missing = await migrate(['force', '9', '--url', url, '--dir', dir]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^migrate: force: no migration has version 9\n {2}remedy: /);
    const baseline = await migrate(['baseline', '2', '--url', url, '--dir', dir]);
    expect(baseline.exitCode).toBe(1);
    expect(baseline.stderr).toContain('refusing to overwrite real history');
  });

  it('reports a failing migration in two lines naming file and line, without a stack trace', async () => {
    const url = await server.createDatabase();
    const dir = await migrationDir({
      '20260101000000_broken.sql': '-- migrate:up\nCREATE TABLE t (id int);\nINSERT INTO missing VALUES (1);\n',
    });
    const result = await migrate(['up', '--url', url, '--dir', dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(
      `migrate: ${dir}/20260101000000_broken.sql:3: relation "missing" does not exist (SQLSTATE 42P01)`,
    );
    expect(lines[1]).toMatch(/^ {2}\S/);
    expect(lines).toHaveLength(2);
  });

  it('exits 2 on usage errors', async () => {
    const unknown = await migrate(['status', '--foo']);
    expect(unknown).toMatchObject({
      exitCode: 2,
      stdout: '',
      stderr: 'migrate: unknown option --foo\n  remedy: see migrate --help',
    });
    expect((await migrate(['launch'])).stderr).toBe('migrate: unknown command launch\n  remedy: see migrate --help');
    expect((await migrate(['up', '--steps', '2', '--url', 'postgres://localhost/x'])).exitCode).toBe(2);
    const noVersion = await migrate(['force', '--url', 'postgres://localhost/x']);
    expect(noVersion).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('wrong number of arguments for force'),
    });
    const badDuration = await migrate(['up', '--statement-lock-timeout', 'soon', '--url', 'postgres://localhost/x']);
    expect(badDuration.exitCode).toBe(2);
    expect(badDuration.stderr).toContain('--statement-lock-timeout: a Postgres duration such as 5s, 500ms, 1min or 1h');
    const noUrl = await migrate(['up']);
    expect(noUrl.exitCode).toBe(2);
    expect(noUrl.stderr).toContain('set DATABASE_URL');
    const help = await migrate(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: migrate [command]');
    // Derived from the option schema: every option, its description and its default.
    expect(help.stdout).toMatch(
      /--statement-lock-timeout VALUE +lock_timeout for each migration statement.*\(default: 5s\)/,
    );
    expect(help.stdout).toMatch(/force <version> +record the database as at version/);
  });

  it('masks the password of a malformed URL and explains an unreachable server', async () => {
    const malformed = await migrate(['status', '--url', 'postgres://app:s3cret@db:port/shop']);
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toBe(
      'migrate: invalid --url postgres://app:***@db:port/shop: not a URL (a bad port, or a character that must be percent-encoded)\n' +
        '  remedy: use the form postgres://user:***@host:5432/database (percent-encode @ : / % in the password)',
    );

    const port = await freePort();
    const dir = await migrationDir();
    const unreachable = await migrate(['status', '--dir', dir], {
      DATABASE_URL: `postgres://app:s3cret@127.0.0.1:${port}/shop`,
    });
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr.split('\n')[0]).toBe(
      `migrate: cannot connect to 127.0.0.1:${port}/shop: connection refused`,
    );
    expect(unreachable.stderr).not.toContain('s3cret');
  });

  // Forms that once printed the password, or its tail, in clear.
  it.each(['postgres:u:pw1234@h/db', 'u:pw1234@h/db', 'postgres://u:pw@1234@h/db', 'postgres://u:pw%zz1234@h/db'])(
    'refuses %s as a usage error without a fragment of the password',
    async (url) => {
      for (const [args, env] of [
        [['status', '--url', url], {}],
        [['status'], { DATABASE_URL: url }],
      ] as [string[], Record<string, string>][]) {
        const result = await migrate(args, env);
        expect(result.exitCode).toBe(2);
        expect(result.stderr).toMatch(/^migrate: invalid (--url|DATABASE_URL) /);
        expect(result.stderr).not.toMatch(/1234|pw/);
      }
    },
  );
});
