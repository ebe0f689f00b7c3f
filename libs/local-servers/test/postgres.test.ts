import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../src/index.ts';

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());

  it('serves a real PostgreSQL on loopback', async () => {
    expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const [row] = await query(server.url, 'select current_setting($$server_version_num$$)::int as v');
    expect(row.v).toBeGreaterThanOrEqual(140000);
  });

  it('creates isolated databases', async () => {
    const a = await server.createDatabase();
    const b = await server.createDatabase();
    expect(a).not.toBe(b);
    await query(a, 'create table only_in_a(id int)');
    await expect(query(b, 'select * from only_in_a')).rejects.toThrow(/does not exist/);
  });

  it('can be stopped and started again with its data', async () => {
    const url = await server.createDatabase('kept');
    await query(url, 'create table kept_table(id int); insert into kept_table values (1)');
    await server.stopServer();
    await expect(query(url, 'select 1')).rejects.toThrow(/ECONNREFUSED/);
    await server.startServer();
    expect(await query(url, 'select id from kept_table')).toEqual([{ id: 1 }]);
  });
});

describe('startPostgres with a persistent directory', () => {
  it('keeps the data across stop and start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-persistent-'));
    try {
      const first = await startPostgres({ persistentDir: dir });
      await query(first.url, 'create table survives(id int); insert into survives values (7)');
      await first.stop();
      expect(existsSync(join(dir, 'data', 'PG_VERSION'))).toBe(true);

      const second = await startPostgres({ persistentDir: dir });
      expect(await query(second.url, 'select id from survives')).toEqual([{ id: 7 }]);
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
