/**
 * Image benchmark: each image's size against its base image, and for the API a cold build (no layer
 * cache) against a rebuild after a source-only change. Goals: api ≤ base + 120 MB; rebuild ≤ 0.3× cold.
 * Builds run on a copy of the workspace (the change is made there, never in the checkout) with the
 * same Dockerfiles the docker-build executor uses, on host networking.
 *
 *   npx tsx bench/images.ts      NODE_IMAGE / NGINX_IMAGE: the base images (default: the local
 *                                stand-ins from docker/base-images/build.sh)
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { dockerProblem } from '@shopops/testing';

const workspaceRoot = resolve(import.meta.dirname, '..');
const nodeImage = process.env.NODE_IMAGE ?? 'shopops-base/node:22-bookworm-slim';
const nginxImage = process.env.NGINX_IMAGE ?? 'shopops-base/nginx:bookworm';
const MB = 1e6;

const problem = await dockerProblem([nodeImage, nginxImage]);
if (problem) {
  console.error(`bench/images: ${problem}`);
  process.exit(1);
}

function caCerts(): string {
  const dir = '/usr/local/share/ca-certificates';
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.crt'))
      .map((f) => readFileSync(join(dir, f), 'utf8').trim())
      .join('\n');
  } catch {
    return '';
  }
}

async function build(context: string, app: 'api' | 'web', tag: string, noCache: boolean): Promise<number> {
  const certs = process.env.BUILD_CA_CERTS ?? caCerts();
  const args = ['build', '--quiet', '--network', 'host', '--file', join(context, `apps/${app}/Dockerfile`)];
  args.push('--tag', tag, '--build-arg', `NODE_IMAGE=${nodeImage}`, '--build-arg', `NGINX_IMAGE=${nginxImage}`);
  if (certs) args.push('--build-arg', `BUILD_CA_CERTS=${certs}`);
  if (noCache) args.push('--no-cache');
  const started = performance.now();
  await execa('docker', [...args, context]);
  return (performance.now() - started) / 1000;
}

async function size(image: string): Promise<number> {
  const { stdout } = await execa('docker', ['image', 'inspect', '--format', '{{.Size}}', image]);
  return Number(stdout) / MB;
}

/** The workspace as the build sees it, without node_modules, dist and git data. */
async function copyWorkspace(): Promise<string> {
  const copy = mkdtempSync(join(tmpdir(), 'bench-images-'));
  const excludes = ['node_modules', 'dist', '.git', '.nx', '.data', 'backups', 'coverage'].map((e) => `--exclude=${e}`);
  await execa('sh', ['-c', `tar -C "$0" ${excludes.join(' ')} -cf - . | tar -C "$1" -xf -`, workspaceRoot, copy]);
  return copy;
}

const copy = await copyWorkspace();
try {
  const coldApi = await build(copy, 'api', 'shopops-bench/api:cold', true);
  appendFileSync(join(copy, 'apps/api/src/main.ts'), `\n// bench/images source-only change ${Date.now()}\n`);
  const rebuildApi = await build(copy, 'api', 'shopops-bench/api:rebuild', false);
  await build(copy, 'web', 'shopops-bench/web:cold', false);

  const [apiSize, nodeSize, webSize, nginxSize] = await Promise.all([
    size('shopops-bench/api:rebuild'),
    size(nodeImage),
    size('shopops-bench/web:cold'),
    size(nginxImage),
  ]);
  const apiExtra = apiSize - nodeSize;
  const ratio = rebuildApi / coldApi;
  const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  console.log(
    `api image   ${apiSize.toFixed(0)} MB = base ${nodeSize.toFixed(0)} MB + ${apiExtra.toFixed(0)} MB   goal ≤ base + 120 MB: ${verdict(apiExtra <= 120)}`,
  );
  console.log(
    `web image   ${webSize.toFixed(0)} MB = base ${nginxSize.toFixed(0)} MB + ${(webSize - nginxSize).toFixed(1)} MB`,
  );
  console.log(
    `api build   cold ${coldApi.toFixed(1)} s, rebuild after a source-only change ${rebuildApi.toFixed(1)} s = ${ratio.toFixed(2)}× cold   goal ≤ 0.3×: ${verdict(ratio <= 0.3)}`,
  );
} finally {
  rmSync(copy, { recursive: true, force: true });
  await execa(
    'docker',
    ['image', 'rm', 'shopops-bench/api:cold', 'shopops-bench/api:rebuild', 'shopops-bench/web:cold'],
    { reject: false },
  );
}
