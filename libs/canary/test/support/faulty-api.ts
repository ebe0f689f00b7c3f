/**
 * A deliberately broken build of the API, for the canary scenarios: the real app (buildApp, its metrics,
 * its readiness checks, the real database and S3), with one bug chosen by argv:
 *   --fail-every N     every Nth request to the shop's routes answers 500 (N = 5: 20 % 5xx)
 *   --missing-bucket   it reads a bucket that does not exist, so /readyz's storage check really fails
 * Started by the Machines simulator as the image's CMD, configured by the machine's env like main.ts.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { buildApp } from '@shopops/api';
import { loadConfig } from '@shopops/config';

const { values } = parseArgs({ options: { 'fail-every': { type: 'string' }, 'missing-bucket': { type: 'boolean' } } });
const loaded = loadConfig(process.env);
const config = values['missing-bucket']
  ? { ...loaded, s3: { ...loaded.s3, bucket: `${loaded.s3.bucket}-missing` } }
  : loaded;
const app = buildApp(config);

const failEvery = Number(values['fail-every'] ?? 0);
if (failEvery > 0) {
  const probes = new Set(['/healthz', '/readyz', '/metrics', '/version']);
  let requests = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (probes.has(request.routeOptions.url ?? '')) return;
    if (++requests % failEvery === 0) return reply.code(500).send({ title: 'Internal Server Error', status: 500 });
  });
}

await app.listen({ host: config.host, port: config.port });
process.once('SIGTERM', async () => {
  app.api.readiness.beginShutdown();
  await delay(config.shutdown.delayMs);
  await app.close();
  process.exit(0);
});
