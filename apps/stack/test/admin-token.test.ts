import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '@shopops/api';
import { startPostgres, startS3Server, type TestPostgres, type TestS3Server } from '@shopops/local-servers';
import { up } from '@shopops/migrate';
import { stackApiEnvironment } from '../src/api-environment.ts';

const ADMIN_TOKEN_CLI = fileURLToPath(new URL('../../api/src/cli/admin-token.ts', import.meta.url));
const MIGRATIONS = fileURLToPath(new URL('../../api/migrations', import.meta.url));

let pg: TestPostgres;
let s3: TestS3Server;
let api: RunningApi;

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['uploads'] })]);
  const databaseUrl = await pg.createDatabase();
  await up({ url: databaseUrl, dir: MIGRATIONS });
  // The API as `npm start` configures it, from a shell that sets none of the API's variables.
  api = await startApi({ env: stackApiEnvironment(databaseUrl, s3, { apiPort: 0, webPort: 5173 }, {}), port: 0 });
});
afterAll(async () => {
  await api?.close();
  await Promise.all([pg?.stop(), s3?.stop()]);
});

/** `nx run api:admin-token` runs this file with tsx, in the developer's shell (here: one without JWT_SECRET). */
async function adminToken(...args: string[]): Promise<string> {
  const result = await execa(process.execPath, ['--import', 'tsx', ADMIN_TOKEN_CLI, ...args], {
    env: { PATH: process.env.PATH, NODE_NO_WARNINGS: '1' },
    extendEnv: false,
  });
  return result.stdout.trim();
}

describe('one dev secret for the local stack and api:admin-token', () => {
  it('a token from admin-token is accepted by the API the stack starts', async () => {
    const token = await adminToken('--sub', 'ana');
    const created = await fetch(`${api.url}/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'README-1', name: 'From the README', priceCents: 1000, stock: 1 }),
    });
    expect(created.status).toBe(201);

    const refused = await fetch(`${api.url}/products`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'README-2', name: 'No', priceCents: 1000, stock: 1 }),
    });
    expect(refused.status).toBe(401);
  });

  it('the stack takes JWT_SECRET from the shell when one is set, as admin-token does', () => {
    const env = stackApiEnvironment('postgres://127.0.0.1/x', s3, { apiPort: 1, webPort: 2 }, { JWT_SECRET: 'mine' });
    expect(env.JWT_SECRET).toBe('mine');
  });
});
