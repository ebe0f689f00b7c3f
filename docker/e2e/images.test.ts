import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  devApiEnvironment,
  freePort,
  startPostgres,
  startS3Server,
  type TestPostgres,
  type TestS3Server,
} from '@shopops/local-servers';
import { containerGate, removeContainers, runNx, waitForHealthy } from '@shopops/testing';
import { launchChromium } from '../../apps/web/e2e/browser.ts';
import dockerBuildExecutor from '../../tools/executors/docker-build/executor.ts';
import type { ImageRecord } from '../../tools/src/docker/image-record.ts';

/**
 * Both images built through the docker-build executor on the real engine (the local stand-ins for
 * node:22-bookworm-slim and nginx, from docker/base-images/build.sh, as NODE_IMAGE / NGINX_IMAGE),
 * then run with host networking on loopback: the API against a throwaway Postgres and S3 server,
 * the storefront in headless Chromium.
 */
const workspaceRoot = resolve(import.meta.dirname, '../..');
const nodeImage = process.env.NODE_IMAGE ?? 'shopops-base/node:22-bookworm-slim';
const nginxImage = process.env.NGINX_IMAGE ?? 'shopops-base/nginx:bookworm';
const gate = await containerGate([nodeImage, nginxImage]);

/** Extra CA certificates of this machine (a TLS-inspecting proxy), so npm ci inside the build trusts it. */
function buildCaCerts(): string {
  if (process.env.BUILD_CA_CERTS) return process.env.BUILD_CA_CERTS;
  const dir = '/usr/local/share/ca-certificates';
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.crt'))
      .map((f) => readFileSync(resolve(dir, f), 'utf8').trim())
      .join('\n');
  } catch {
    return '';
  }
}

async function buildImage(project: 'api' | 'web'): Promise<ImageRecord> {
  const context = {
    root: workspaceRoot,
    cwd: workspaceRoot,
    isVerbose: false,
    projectName: project,
    projectsConfigurations: { version: 2, projects: { [project]: { root: `apps/${project}` } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
  const caCerts = buildCaCerts();
  const outputFile = `dist/e2e-images/{projectName}/image.json`;
  const result = await dockerBuildExecutor(
    {
      images: [`shopops-e2e/${project}`],
      tags: ['e2e'],
      network: 'host',
      buildArgs: { NODE_IMAGE: nodeImage, NGINX_IMAGE: nginxImage, ...(caCerts ? { BUILD_CA_CERTS: caCerts } : {}) },
      outputFile,
    },
    context,
  );
  expect(result, `${project} image build`).toEqual({ success: true });
  return JSON.parse(readFileSync(resolve(workspaceRoot, outputFile.replace('{projectName}', project)), 'utf8'));
}

/** What the running image must answer about itself: its OCI labels, as docker-build recorded them. */
function buildIdentity(record: ImageRecord): { version: string; commit: string; buildTime: string } {
  return {
    version: record.labels['org.opencontainers.image.version']!,
    commit: record.labels['org.opencontainers.image.revision']!,
    buildTime: record.labels['org.opencontainers.image.created']!,
  };
}

const docker = (...args: string[]) => execa('docker', args, { reject: false, all: true });
// The images' own HEALTHCHECK commands, polled every second instead of every 10 s.
const fastHealth = ['--health-interval', '1s'];

/** Paths that must never be in an image: the repository, environment files, tests. */
async function forbiddenFiles(image: string): Promise<string[]> {
  const find =
    "find / -xdev \\( -name .git -o -name '.env' -o -name '.env.*' -o -name '*.test.ts' -o -path '*/apps/*/test' -o -path '*/e2e' \\) -print 2>/dev/null";
  const { stdout } = await docker('run', '--rm', '--network', 'none', '--entrypoint', 'sh', image, '-c', find);
  return stdout.split('\n').filter(Boolean);
}

describe.skipIf(gate.skip)('container images on the real engine', () => {
  let api: ImageRecord;
  let web: ImageRecord;
  const containers: string[] = [];

  beforeAll(async () => {
    if (gate.problem) throw new Error(gate.problem);
    // What the docker-build target's dependsOn runs under Nx: the image copies the API's bundle.
    const bundled = await runNx(['run', 'api:build', '--skip-nx-cache']);
    expect(bundled.exitCode, bundled.all).toBe(0);
    // One after the other: they share the dependencies layers, and the machine has two cores.
    api = await buildImage('api');
    web = await buildImage('web');
  }, 1_200_000);
  afterAll(() => removeContainers(...containers));

  it('records both images in image.json with OCI labels the engine reports', async () => {
    for (const record of [api, web]) {
      expect(record.references).toContain(`shopops-e2e/${record.project}:e2e`);
      const { stdout } = await docker('image', 'inspect', '--format', '{{.Id}} {{json .Config.Labels}}', record.image);
      const [id, labels] = [stdout.slice(0, stdout.indexOf(' ')), JSON.parse(stdout.slice(stdout.indexOf(' ') + 1))];
      expect(id).toBe(record.imageId);
      expect(labels).toMatchObject({
        'org.opencontainers.image.title': record.project,
        'org.opencontainers.image.revision': record.labels['org.opencontainers.image.revision'],
      });
    }
  });

  it('neither image holds .git, .env or test files', async () => {
    expect(await forbiddenFiles(api.image)).toEqual([]);
    expect(await forbiddenFiles(web.image)).toEqual([]);
  });

  describe('api', () => {
    let postgres: TestPostgres;
    let s3: TestS3Server;
    let env: string[];
    let container = '';
    let base = '';

    beforeAll(async () => {
      [postgres, s3] = await Promise.all([startPostgres(), startS3Server({ buckets: ['uploads'] })]);
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      const values = {
        ...devApiEnvironment({
          databaseUrl: await postgres.createDatabase(),
          s3,
          apiUrl: base,
          webUrl: 'http://127.0.0.1:5173',
        }),
        HOST: '127.0.0.1',
        PORT: String(port),
      };
      env = Object.entries(values).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    }, 120_000);
    afterAll(async () => {
      await removeContainers(container);
      await Promise.all([postgres?.stop(), s3?.stop()]);
    });

    it('defaults to ENV=prod: unconfigured, it refuses to start and lists what is missing', async () => {
      const bare = await docker('run', '--rm', '--network', 'none', api.image);
      expect(bare.exitCode, bare.all).toBe(1);
      expect(bare.all).toContain('invalid configuration for ENV=prod');
      expect(bare.all).toMatch(/JWT_SECRET: missing/);
      expect(bare.all).not.toContain('dev-only-jwt-secret');
    });

    it('`docker run <image> migrate up` works as a release command', async () => {
      const up = await docker('run', '--rm', '--network', 'host', ...env, api.image, 'migrate', 'up');
      expect(up.exitCode, up.all).toBe(0);
      const status = await docker('run', '--rm', '--network', 'host', ...env, api.image, 'migrate', 'status');
      expect(status.exitCode, status.all).toBe(0);
      expect(status.stdout).toMatch(/^applied\s+20261123090000_create_products/m);
      expect(status.stdout).toMatch(/^\d+ applied, 0 pending, 0 drifted/m);
    });

    it('runs as non-root, answers /healthz and /readyz, and Docker reports it healthy', async () => {
      const run = await docker('run', '--detach', '--network', 'host', ...fastHealth, ...env, api.image);
      expect(run.exitCode, run.all).toBe(0);
      container = run.stdout.trim();
      containers.push(container);
      await waitForHealthy(container);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status, await ready.clone().text()).toBe(200);
      expect((await docker('exec', container, 'id', '-u')).stdout.trim()).not.toBe('0');
      const status = await docker('exec', container, 'migrate', 'status');
      expect(status.exitCode, status.all).toBe(0);
    });

    it('says which build it is: GET /version answers the version, commit and build time image.json records', async () => {
      const response = await fetch(`${base}/version`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(buildIdentity(api));
    });

    it('has an init as PID 1 that hands SIGTERM to the API, which exits cleanly', async () => {
      expect((await docker('exec', container, 'cat', '/proc/1/comm')).stdout.trim()).toBe('tini');
      const stop = await docker('stop', '--time', '20', container);
      expect(stop.exitCode, stop.all).toBe(0);
      const { stdout } = await docker('inspect', '--format', '{{.State.ExitCode}}', container);
      // 137 would mean Docker had to SIGKILL it after the grace period.
      expect(stdout.trim()).toBe('0');
    });
  });

  describe('web', () => {
    async function startWeb(extraEnv: Record<string, string> = {}): Promise<string> {
      const port = await freePort();
      const env = Object.entries({ NGINX_HOST: '127.0.0.1', NGINX_PORT: String(port), ...extraEnv }).flatMap(
        ([k, v]) => ['--env', `${k}=${v}`],
      );
      const run = await docker('run', '--detach', '--network', 'host', ...fastHealth, ...env, web.image);
      expect(run.exitCode, run.all).toBe(0);
      const container = run.stdout.trim();
      containers.push(container);
      await waitForHealthy(container);
      return `http://127.0.0.1:${port}`;
    }

    it('serves the app in headless Chromium with every security header, as a non-root user', async () => {
      const url = await startWeb();
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const response = await page.goto(`${url}/`, { waitUntil: 'domcontentloaded' });
        expect(response!.status()).toBe(200);
        const headers = response!.headers();
        expect(headers).toMatchObject({
          'content-security-policy': expect.stringContaining("default-src 'self'"),
          'strict-transport-security': 'max-age=63072000; includeSubDomains',
          'x-frame-options': 'DENY',
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'strict-origin-when-cross-origin',
          'permissions-policy': expect.stringContaining('camera=()'),
          'cache-control': 'no-cache',
        });
        // Strings: the page's DOM types are not in this Node project's lib.
        await page.waitForFunction("(document.querySelector('#app')?.children.length ?? 0) > 0");
        const deep = await page.goto(`${url}/products/does-not-exist/deep`, { waitUntil: 'domcontentloaded' });
        expect(deep!.status()).toBe(200);
        expect(await page.evaluate("(document.querySelector('#app')?.children.length ?? 0) > 0")).toBe(true);
      } finally {
        await browser.close();
      }
      const container = containers.at(-1)!;
      expect((await docker('exec', container, 'id', '-u')).stdout.trim()).not.toBe('0');
    });

    it('caches hashed assets for a year, gzips them, 404s a missing asset, answers /healthz', async () => {
      const url = await startWeb();
      const index = await (await fetch(`${url}/`)).text();
      const asset = /\/assets\/[^"]+\.js/.exec(index)![0];
      const response = await fetch(`${url}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      const missing = await fetch(`${url}/assets/missing-0000.js`);
      expect(missing.status).toBe(404);
      const health = await fetch(`${url}/healthz`);
      expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    });

    it('says which build it is: /version.json next to index.html, never cached, matches image.json', async () => {
      const url = await startWeb();
      const response = await fetch(`${url}/version.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(await response.json()).toEqual(buildIdentity(web));
    });

    it('takes the security headers from the environment at container start', async () => {
      const url = await startWeb({
        CONTENT_SECURITY_POLICY: "default-src 'none'; connect-src https://api.example.com",
        X_FRAME_OPTIONS: 'SAMEORIGIN',
        STRICT_TRANSPORT_SECURITY: 'max-age=300',
      });
      const response = await fetch(`${url}/`);
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; connect-src https://api.example.com",
      );
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('strict-transport-security')).toBe('max-age=300');
    });
  });
});
