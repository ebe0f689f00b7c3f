import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { scratchDir } from '@shopops/testing';
import { captureOutput } from '../../src/testing/captured-output.ts';
import smokeExecutor from './executor.ts';

// A real API stand-in on loopback that reports one build; the executor must compare it with image.json.
let server: Server;
let url: string;
const seen: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers['fly-force-instance-id'] ?? ''}`.trim());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ version: '1.4.2', commit: '5f7833d0c0ffee', buildTime: '2026-11-23T09:00:00Z' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('smoke executor', () => {
  let workspace: string;
  let context: ExecutorContext;
  let output: ReturnType<typeof captureOutput>;
  const writeImage = (version: string, revision: string) => {
    mkdirSync(join(workspace, 'dist/api'), { recursive: true });
    writeFileSync(
      join(workspace, 'dist/api/image.json'),
      JSON.stringify({
        image: `shop/api:${version}`,
        labels: { 'org.opencontainers.image.version': version, 'org.opencontainers.image.revision': revision },
      }),
    );
  };

  beforeEach(() => {
    workspace = scratchDir('smoke-executor-');
    mkdirSync(join(workspace, 'apps/api'), { recursive: true });
    writeFileSync(
      join(workspace, 'apps/api/smoke.yaml'),
      'checks:\n  - name: version\n    path: /version\n    tags: [version]\n    build: { version: $.version, commit: $.commit }\n',
    );
    context = {
      root: workspace,
      cwd: workspace,
      isVerbose: false,
      projectName: 'api',
      projectsConfigurations: { version: 2, projects: { api: { root: 'apps/api' } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    } as ExecutorContext;
    output = captureOutput();
  });
  afterEach(() => vi.restoreAllMocks());

  it('runs the project’s smoke file, passes when the recorded image answers, and writes JUnit under the workspace', async () => {
    writeImage('1.4.2', '5f7833d0c0ffee');
    const result = await smokeExecutor(
      { url, junit: 'reports/smoke/api.xml', headers: { 'fly-force-instance-id': 'm-1' } },
      context,
    );
    expect(result, output().stdout + output().stderr).toEqual({ success: true });
    expect(output().stderr).toContain(`smoke: expecting the build of ${join(workspace, 'dist/api/image.json')}`);
    expect(output().stdout).toMatch(
      /smoke: 1 of 1 checks passed .*; version 1\.4\.2, commit 5f7833d0c0ffee answered \(expected version 1\.4\.2, commit 5f7833d0c0ffee\)/,
    );
    expect(readFileSync(join(workspace, 'reports/smoke/api.xml'), 'utf8')).toContain('<testcase name="version"');
    expect(seen.at(-1)).toBe('/version m-1');
  });

  it('fails when another build than dist/<project>/image.json answers', async () => {
    writeImage('1.5.0', 'abcdef1234567');
    expect(await smokeExecutor({ url, retries: 0 }, context)).toEqual({ success: false });
    expect(output().stdout).toContain('  - version 1.4.2 answered, expected 1.5.0 (from shop/api:1.5.0)\n');
  });

  it('lets --expectVersion replace the recorded image, and imageRecord: false ignore it', async () => {
    writeImage('1.5.0', 'abcdef1234567');
    expect(await smokeExecutor({ url, expectVersion: '1.4.2' }, context)).toEqual({ success: true });
    expect(await smokeExecutor({ url, imageRecord: false }, context)).toEqual({ success: true });
  });

  it('reports an invalid smoke file with its line, and a bad option by name, as failures', async () => {
    writeFileSync(join(workspace, 'apps/api/smoke.yaml'), 'checks:\n  - name: a\n    path: /a\n    colour: blue\n');
    expect(await smokeExecutor({ url }, context)).toEqual({ success: false });
    expect(output().stderr).toContain('apps/api/smoke.yaml:4: checks[0]: unknown key "colour"');
    expect(output().stderr).toContain('  remedy: ');
    expect(await smokeExecutor({ url, concurrency: 0 }, context)).toEqual({ success: false });
    expect(output().stderr).toContain('invalid option for smoke: --concurrency');
  });
});
