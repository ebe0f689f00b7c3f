import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateNodesContext, CreateNodesResult, NxJsonConfiguration } from '@nx/devkit';
import { scratchDir } from '@shopops/testing';
import { describe, expect, it } from 'vitest';
import { createNodes, createNodesV2 } from './create-nodes.ts';

function workspace(files: Record<string, string>): string {
  const root = scratchDir('ops-plugin-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

async function infer(root: string, files: string[], options: unknown = {}, nxJson: NxJsonConfiguration = {}) {
  const context: CreateNodesContext = { workspaceRoot: root, nxJsonConfiguration: nxJson };
  return createNodes[1](files, options as never, context);
}

const targetsOf = (result: CreateNodesResult | undefined) => Object.values(result?.projects ?? {})[0]?.targets ?? {};

describe('createNodes: migrations', () => {
  it('infers migrate and the backup targets once per project with a migrations folder, nowhere else', async () => {
    const root = workspace({
      'apps/api/project.json': '{"name":"api"}',
      'libs/other/package.json': '{"name":"@acme/other"}',
    });
    const results = await infer(root, [
      'apps/api/migrations/20260101000000_a.sql',
      'apps/api/migrations/20260101000001_b.sql',
      'libs/other/migrations/1_x.up.sql',
      'stray/migrations/20260101000000_a.sql',
    ]);
    const inferred = results
      .filter(([, result]) => result.projects)
      .map(([file, result]) => [file, Object.keys(result.projects!)]);
    expect(inferred).toEqual([
      ['apps/api/migrations/20260101000000_a.sql', ['apps/api']],
      ['libs/other/migrations/1_x.up.sql', ['libs/other']],
    ]);
    const api = targetsOf(results[0]![1]);
    expect(Object.keys(api)).toEqual(['migrate', 'backup', 'restore', 'backups', 'backup-verify', 'backup-prune']);
    expect(api.migrate).toMatchObject({
      executor: '@shopops/ops:migrate',
      cache: false,
      metadata: {
        technologies: ['postgres'],
        help: { command: 'npx nx run api:migrate --help', example: { args: ['status', '--exit-code'] } },
      },
    });
    expect(api.migrate!.metadata!.description).toMatch(/migrations/);
    expect(api.backup).toMatchObject({ executor: '@shopops/ops:backup', cache: false, options: { envProject: 'api' } });
    const other = targetsOf(results[1]![1]);
    expect(other['backup-verify']).toMatchObject({
      executor: '@shopops/ops:backup-verify',
      options: { envProject: '@acme/other' },
      metadata: { help: { command: 'npx nx run @acme/other:backup-verify --help' } },
    });
    expect(other['backup-prune']).not.toHaveProperty('options');
  });

  it('takes target names, the env project and whether to infer backups from the plugin options', async () => {
    const root = workspace({ 'libs/db/project.json': '{"name":"db"}' });
    const results = await infer(root, ['libs/db/migrations/20260101000000_a.sql'], {
      migrateTargetName: 'db-migrate',
      backupTargets: false,
      envProject: 'api',
    });
    const targets = targetsOf(results[0]![1]);
    expect(Object.keys(targets)).toEqual(['db-migrate']);
    expect(targets['db-migrate']).toMatchObject({ options: { envProject: 'api' } });
  });
});

describe('createNodes: docker-build', () => {
  const files = ['apps/api/Dockerfile', 'apps/web/Dockerfile', 'stray/Dockerfile'];
  const projects = { 'apps/api/project.json': '{"name":"api"}', 'apps/web/package.json': '{"name":"web"}' };

  it('infers a cacheable target recording dist/<project>/image.json for each project with a Dockerfile', async () => {
    const root = workspace(projects);
    const results = await infer(root, files, {}, { namedInputs: { production: ['default'] } });
    expect(results.filter(([, r]) => r.projects).map(([file]) => file)).toEqual([
      'apps/api/Dockerfile',
      'apps/web/Dockerfile',
    ]);
    expect(targetsOf(results[0]![1])['docker-build']).toEqual({
      executor: '@shopops/ops:docker-build',
      cache: true,
      inputs: ['production', '^production', '{workspaceRoot}/package-lock.json', '{workspaceRoot}/.dockerignore'],
      outputs: ['{workspaceRoot}/dist/{projectName}/image.json'],
      metadata: {
        description: expect.stringMatching(/Dockerfile/),
        technologies: ['docker'],
        help: { command: 'npx nx run api:docker-build --help', example: { args: ['--dry-run'] } },
      },
    });
  });

  it('falls back to the default named input where the workspace defines no production, and adds the extra inputs', async () => {
    const root = workspace(projects);
    const results = await infer(root, files, {
      dockerBuildTargetName: 'image',
      dockerBuildInputs: ['{workspaceRoot}/docker/**/*'],
    });
    const target = targetsOf(results[0]![1]).image;
    expect(target!.inputs).toEqual([
      'default',
      '^default',
      '{workspaceRoot}/package-lock.json',
      '{workspaceRoot}/.dockerignore',
      '{workspaceRoot}/docker/**/*',
    ]);
  });
});

describe('createNodes: smoke', () => {
  it('infers one uncached smoke target per project with a smoke file in its root, nowhere else', async () => {
    const root = workspace({
      'apps/api/project.json': '{"name":"api"}',
      'apps/web/package.json': '{"name":"web"}',
    });
    const files = [
      'apps/api/smoke.yaml',
      'apps/api/smoke.json',
      'apps/web/smoke.json',
      'stray/smoke.yaml',
      'apps/api/docs/smoke.yaml',
    ];
    const results = await infer(root, files);
    expect(results.filter(([, r]) => r.projects).map(([file]) => file)).toEqual([
      'apps/api/smoke.yaml',
      'apps/web/smoke.json',
    ]);
    expect(targetsOf(results[0]![1])).toEqual({
      smoke: {
        executor: '@shopops/ops:smoke',
        cache: false,
        metadata: {
          description: expect.stringMatching(/smoke checks/),
          technologies: ['http'],
          help: { command: 'npx nx run api:smoke --help', example: { args: ['--url', 'http://127.0.0.1:8080'] } },
        },
      },
    });
  });

  it('takes the target name from smokeTargetName', async () => {
    const root = workspace({ 'apps/web/project.json': '{"name":"web"}' });
    const results = await infer(root, ['apps/web/smoke.yaml'], { smokeTargetName: 'smoke-check' });
    expect(Object.keys(targetsOf(results[0]![1]))).toEqual(['smoke-check']);
  });
});

describe('createNodes: fly-canary', () => {
  it('infers fly-canary for a project with a fly.toml in its root, and for a root fly.toml mapped by flyApps', async () => {
    const root = workspace({
      'apps/api/project.json': '{"name":"api"}',
      'apps/web/project.json': '{"name":"web"}',
      'fly.toml': 'app = "shop-api"\n',
      'apps/web/fly.toml': 'app = "shop-web"\n',
      'stray/fly.toml': 'app = "nothing"\n',
    });
    const results = await infer(root, ['fly.toml', 'apps/web/fly.toml', 'stray/fly.toml'], {
      flyApps: { 'fly.toml': 'apps/api' },
    });
    const inferred = results.filter(([, r]) => r.projects).map(([file, r]) => [file, Object.keys(r.projects!)]);
    expect(inferred).toEqual([
      ['fly.toml', ['apps/api']],
      ['apps/web/fly.toml', ['apps/web']],
    ]);
    expect(targetsOf(results[0]![1])).toEqual({
      'fly-canary': {
        executor: '@shopops/ops:fly-canary',
        cache: false,
        options: { config: 'fly.toml' },
        metadata: {
          description: expect.stringMatching(/dist\/api\/image\.json .* rolled back on failure/),
          technologies: ['fly.io'],
          help: { command: 'npx nx run api:fly-canary --help', example: { args: ['--dryRun'] } },
        },
      },
    });
    expect(targetsOf(results[1]![1])['fly-canary']!.options).toEqual({ config: 'apps/web/fly.toml' });
  });

  it('infers nothing from a root fly.toml that no option maps, and names a mapping to a folder that is no project', async () => {
    const root = workspace({ 'package.json': '{"name":"workspace"}', 'fly.toml': 'app = "x"\n' });
    const results = await infer(root, ['fly.toml'], { flyCanaryTargetName: 'deploy' });
    expect(results.every(([, r]) => !r.projects)).toBe(true);
    // Nx gathers each file's error (AggregateCreateNodesError) and names the file.
    const error = (await infer(root, ['fly.toml'], { flyApps: { 'fly.toml': 'apps/gone' } }).catch(
      (e: unknown) => e,
    )) as {
      errors: [string, Error][];
    };
    expect(error.errors.map(([file, e]) => [file, e.message])).toEqual([
      [
        'fly.toml',
        'flyApps maps fly.toml to apps/gone, which is not a project (no project.json or package.json there)',
      ],
    ]);
  });
});

describe('createNodes: options', () => {
  it('names every bad option and nx.json, without a stack trace of the plugin', async () => {
    const root = workspace({});
    const bad = { dockerBuildInputs: '{workspaceRoot}/docker', migrateTargetName: 'has space', colour: 'blue' };
    await expect(infer(root, [], bad)).rejects.toThrow(
      'invalid options for @shopops/ops in nx.json (plugins[].options): "migrateTargetName": a target name (letters, digits, `-`, `_`, `:`); "dockerBuildInputs": Invalid input: expected array, received string; unknown option "colour"',
    );
  });

  it('keeps createNodesV2 as an alias of createNodes', () => {
    expect(createNodesV2).toBe(createNodes);
  });
});
