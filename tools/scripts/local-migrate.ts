/**
 * `npm start` for now: a local Postgres (DATABASE_URL when set, else a persistent cluster under
 * .data/postgres), the API's migrations applied through `nx run api:migrate`, and their status.
 * The local-stack issue turns this into the whole stack (`nx run ops:up`).
 */
import { resolve } from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { maskUrl } from '@shopops/migrate';
import { startPostgres } from '@shopops/testing';

const workspaceRoot = resolve(import.meta.dirname, '../..');
const database = 'shop';

async function main() {
  const cluster = process.env.DATABASE_URL
    ? undefined
    : await startPostgres({ persistentDir: resolve(workspaceRoot, '.data/postgres'), port: 54329 });
  try {
    const url = process.env.DATABASE_URL ?? (await ensureDatabase(cluster!.url, database));
    console.log(`postgres: ${maskUrl(url)}`);
    // DATABASE_URL rather than --url: Nx echoes its command line, and a real URL carries a password.
    const nx = (args: string[]) =>
      execa('npx', ['nx', 'run', ...args], { cwd: workspaceRoot, stdio: 'inherit', env: { DATABASE_URL: url } });
    await nx(['api:migrate', 'up']);
    await nx(['api:migrate', 'status']);
  } finally {
    await cluster?.stop();
  }
}

async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

main().catch((error: Error) => {
  console.error(`start: ${error.message}`);
  process.exitCode = 1;
});
