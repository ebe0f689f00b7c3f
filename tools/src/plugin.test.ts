import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateNodesContextV2 } from '@nx/devkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodesV2 } from './plugin.ts';

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ops-plugin-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

async function infer(root: string, files: string[], options = {}) {
  const context: CreateNodesContextV2 = { workspaceRoot: root, nxJsonConfiguration: {} };
  return createNodesV2[1](files, options, context);
}

describe('createNodesV2', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('infers one migrate target per project with a migrations folder', async () => {
    root = workspace({ 'apps/api/project.json': '{}', 'libs/other/package.json': '{}' });
    const results = await infer(root, [
      'apps/api/migrations/20260101000000_a.sql',
      'apps/api/migrations/20260101000001_b.sql',
      'libs/other/migrations/1_x.up.sql',
      'stray/migrations/20260101000000_a.sql',
    ]);
    const projects = results.map(([, result]) => Object.keys(result.projects ?? {})[0]);
    expect(projects).toEqual(['apps/api', 'libs/other']);
    const api = results[0]![1].projects!['apps/api']!;
    expect(api.targets!.migrate).toMatchObject({ executor: '@shopops/ops:migrate', cache: false });
  });

  it('takes the target name from the plugin options', async () => {
    root = workspace({ 'apps/api/project.json': '{}' });
    const results = await infer(root, ['apps/api/migrations/20260101000000_a.sql'], {
      migrateTargetName: 'db-migrate',
    });
    expect(Object.keys(results[0]![1].projects!['apps/api']!.targets!)).toEqual(['db-migrate']);
  });
});

describe('createNodesV2: docker-build', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('infers a cacheable docker-build target with dist/<project>/image.json as output for each project with a Dockerfile', async () => {
    root = workspace({ 'apps/api/project.json': '{}', 'apps/web/package.json': '{}' });
    const results = await infer(root, [
      'apps/api/Dockerfile',
      'apps/api/migrations/20260101000000_a.sql',
      'apps/web/Dockerfile',
      'stray/Dockerfile',
    ]);
    const inferred = results.map(([file, result]) => [
      file,
      Object.keys(result.projects!)[0],
      Object.keys(Object.values(result.projects!)[0]!.targets!),
    ]);
    expect(inferred).toEqual([
      ['apps/api/migrations/20260101000000_a.sql', 'apps/api', ['migrate']],
      ['apps/api/Dockerfile', 'apps/api', ['docker-build']],
      ['apps/web/Dockerfile', 'apps/web', ['docker-build']],
    ]);
    expect(results[1]![1].projects!['apps/api']!.targets!['docker-build']).toMatchObject({
      executor: '@shopops/ops:docker-build',
      cache: true,
      outputs: ['{workspaceRoot}/dist/{projectName}/image.json'],
    });
  });

  it('takes the docker-build target name from the plugin options', async () => {
    root = workspace({ 'apps/api/project.json': '{}' });
    const results = await infer(root, ['apps/api/Dockerfile'], { dockerBuildTargetName: 'image' });
    expect(Object.keys(results[0]![1].projects!['apps/api']!.targets!)).toEqual(['image']);
  });
});
