/**
 * `npm start` / `nx run stack:up`: the whole stack on this machine, no Docker, no set-up. Postgres
 * (DATABASE_URL, or a persistent cluster under .data/postgres), an S3 server (.data/s3, buckets
 * uploads and backups), migrations, idempotent seed data, the API on 8080 and the storefront on 5173.
 * Ctrl-C stops everything; the data stays for the next start. Ports and the data directory move with
 * STACK_* environment variables (apps/stack/src/settings.ts).
 */
import { resolve } from 'node:path';
import { maskSecrets } from '@shopops/backup';
import { up } from '@shopops/migrate';
import { startApi, type RunningApi } from '@shopops/api';
import { stackApiEnvironment } from './api-environment.ts';
import { localDatabase } from './postgres.ts';
import { localS3 } from './s3.ts';
import { seedDatabase } from './seed.ts';
import { stackSettings } from './settings.ts';
import { startWeb } from './web.ts';

// The AWS SDK's notice about its 2027 Node requirement is not news for someone starting the stack.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const workspaceRoot = resolve(import.meta.dirname, '../../..');
const say = (line: string) => console.error(`up: ${maskSecrets(line)}`);
const stops: (() => Promise<void>)[] = [];

async function main() {
  const settings = stackSettings(workspaceRoot, process.env);
  const database = await localDatabase(settings.dataDir, settings.postgresPort, process.env);
  stops.unshift(database.stop);
  say(`postgres  ${database.url}`);
  if (database.relocatedBecause) say(`postgres data in ${database.clusterDir} (${database.relocatedBecause})`);

  const s3 = await localS3(settings.dataDir, settings.s3Port);
  stops.unshift(s3.stop);
  say(`s3        ${s3.endpoint} (buckets uploads, backups; key ${s3.accessKeyId})`);

  const { applied } = await up({ url: database.url, dir: resolve(workspaceRoot, 'apps/api/migrations'), log: say });
  say(`migrations: ${applied.length} applied, database at head`);
  const products = await seedDatabase(database.url, resolve(workspaceRoot, 'apps/api/seed/dev-seed.sql'));
  say(`seed: ${products} products`);

  const api: RunningApi = await startApi({
    env: stackApiEnvironment(database.url, s3, settings),
    port: settings.apiPort,
  });
  stops.unshift(api.close);
  const web = await startWeb(workspaceRoot, settings.webPort, api.url);
  stops.unshift(web.stop);
  await web.ready;

  const dataPlaces = database.relocatedBecause ? `${settings.dataDir} and ${database.clusterDir}` : settings.dataDir;

  console.log(
    `\n  storefront  ${web.url}\n  api         ${api.url}  (${api.url}/readyz, ${api.url}/metrics)\n  s3          ${s3.endpoint}\n\n  Ctrl-C stops everything; data stays in ${dataPlaces} for the next start.\n`,
  );
}

let stopping = false;
async function stopAll(exitCode: number) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const stop of stops) await stop().catch((error: Error) => say(`while stopping: ${error.message}`));
  process.exit(exitCode);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
main().catch(async (error: Error) => {
  say(`cannot start: ${error.message}`);
  await stopAll(1);
});
