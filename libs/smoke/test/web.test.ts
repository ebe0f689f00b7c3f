import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '@shopops/testing';
import { runCli, type SmokeResult } from '../src/index.ts';
import { cliOutput } from './support/cli-output.ts';
import { nginxSecurityHeaders, startStorefrontServer } from './support/storefront-server.ts';

const webSmokeFile = resolve(import.meta.dirname, '../../../apps/web/smoke.yaml');
const viteConfig = resolve(import.meta.dirname, '../../../apps/web/vite.config.ts');

describe('apps/web/smoke.yaml against the real storefront build, served as nginx serves it', () => {
  let dist: string;
  let server: Awaited<ReturnType<typeof startStorefrontServer>>;
  beforeAll(async () => {
    dist = scratchDir('smoke-web-dist-');
    const vite = join(createRequire(import.meta.url).resolve('vite/package.json'), '..', 'bin', 'vite.js');
    await execa(
      process.execPath,
      [vite, 'build', '--config', viteConfig, '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'],
      {
        // The build arguments docker-build passes; the build writes them to /version.json.
        env: {
          VITE_API_URL: 'http://127.0.0.1:8080',
          APP_VERSION: '1.4.2',
          GIT_COMMIT: '5f7833d',
          BUILD_TIME: '2026-11-23T09:00:00Z',
        },
      },
    );
    server = await startStorefrontServer(dist);
  });
  afterAll(() => server?.stop());

  it('reads the six security headers from the image’s nginx template and Dockerfile', () => {
    expect(Object.keys(nginxSecurityHeaders()).sort()).toEqual([
      'content-security-policy',
      'permissions-policy',
      'referrer-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-frame-options',
    ]);
  });

  it('passes the web preset: index no-cache, deep link, immutable hashed asset, 404 asset, headers, version.json', async () => {
    const out = cliOutput();
    const code = await runCli(['--file', webSmokeFile, '--url', server.url, '--json'], out.io);
    expect(code, out.text()).toBe(0);
    const result = JSON.parse(out.stdout()) as SmokeResult;
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['web: GET / serves index.html, revalidated, with every security header', 'passed'],
      ['web: a deep link (/products/1) gets index.html', 'passed'],
      ['web: a hashed asset is cached immutable', 'passed'],
      ['web: a missing /assets file is 404, not index.html', 'passed'],
      ['web: GET /version.json names the build', 'passed'],
    ]);
    expect(result.checks[2]!.url).toMatch(/\/assets\/index-[\w-]+\.js$/);
    expect(result.answered).toEqual({ version: '1.4.2', commit: '5f7833d' });
  });

  it('fails when a deep link is a 404 (no SPA fallback), listing it', async () => {
    const broken = await startStorefrontServer(dist, { spaFallback: false });
    try {
      const out = cliOutput();
      const code = await runCli(['--file', webSmokeFile, '--url', broken.url, '--retries', '0'], out.io);
      expect(code).toBe(1);
      expect(out.stdout()).toContain(
        `failed: web: a deep link (/products/1) gets index.html (GET ${broken.url}/products/1, 1 attempt(s))\n  - status 404, expected 200\n  - body does not contain "<div id=\\"app\\">"\n`,
      );
      expect(out.stdout()).toMatch(/^smoke: 1 of 5 checks failed/m);
    } finally {
      await broken.stop();
    }
  });
});
