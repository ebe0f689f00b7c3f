import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '@shopops/local-servers';
import {
  createFreshWorkspace,
  packPublishedPackages,
  query,
  tarballFiles,
  type FreshWorkspace,
  type PublishedPackage,
} from '@shopops/testing';

// What a team does with the plugin in its own monorepo, as the README's "Use it in your workspace"
// says: install the packed packages into a new Nx workspace that holds nothing of this repository,
// `nx add @shopops/ops`, add a project with migrations and a Dockerfile, and use the targets for real.
const MIGRATION =
  '-- migrate:up\nCREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL);\n\n-- migrate:down\nDROP TABLE items;\n';
const DOCKERFILE = [
  'FROM node:22-bookworm-slim',
  'WORKDIR /app',
  'COPY apps/shop/ ./',
  'USER node',
  'HEALTHCHECK CMD ["node", "-e", "process.exit(0)"]',
  'CMD ["node", "-e", "0"]',
  '',
].join('\n');

describe('@shopops/ops in a fresh Nx workspace', () => {
  let tarballs: Record<PublishedPackage, string>;
  let workspace: FreshWorkspace;
  let server: TestPostgres;
  let database: string;
  let env: Record<string, string>;
  const nx = (args: string[], extraEnv: Record<string, string> = {}) =>
    workspace.run('npx', ['nx', ...args], { ...env, ...extraEnv });

  beforeAll(async () => {
    [tarballs, server] = await Promise.all([packPublishedPackages(), startPostgres()]);
    workspace = await createFreshWorkspace(tarballs);
    database = await server.createDatabase('shop');
    env = { DATABASE_URL: database, PG_BINDIR: server.binDir };
  }, 600_000);
  afterAll(() => server?.stop());

  it('nx add @shopops/ops installs the plugin and registers it; running init again changes nothing', async () => {
    const added = await nx(['add', `@shopops/ops@file:${tarballs['@shopops/ops']}`]);
    expect(added.exitCode, added.all).toBe(0);
    const nxJson = JSON.parse(readFileSync(join(workspace.root, 'nx.json'), 'utf8'));
    expect(nxJson.plugins).toEqual([
      {
        plugin: '@shopops/ops',
        options: { migrateTargetName: 'migrate', dockerBuildTargetName: 'docker-build', backupTargets: true },
      },
    ]);
    const manifest = JSON.parse(readFileSync(join(workspace.root, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.devDependencies).sort()).toEqual(['@nx/devkit', '@shopops/ops', 'nx']);

    const before = [
      readFileSync(join(workspace.root, 'nx.json'), 'utf8'),
      readFileSync(join(workspace.root, 'package.json'), 'utf8'),
    ];
    const again = await nx(['g', '@shopops/ops:init']);
    expect(again.exitCode, again.all).toBe(0);
    expect([
      readFileSync(join(workspace.root, 'nx.json'), 'utf8'),
      readFileSync(join(workspace.root, 'package.json'), 'utf8'),
    ]).toEqual(before);
    // Nothing of the reference workspace came along: only the published packages are ours.
    const published = Object.keys(tarballs).map((name) => name.replace('@shopops/', ''));
    expect(readdirSync(join(workspace.root, 'node_modules/@shopops')).sort()).toEqual(published.sort());
    expect(published).toEqual(expect.arrayContaining(['ops', 'migrate', 'backup', 'postgres', 'cli', 'smoke']));
    expect(readdirSync(workspace.root).filter((name) => !name.startsWith('.'))).not.toContain('apps');
  });

  it('publishes compiled JavaScript with types, and no sources, tests or tsx', async () => {
    for (const tarball of Object.values(tarballs)) {
      const files = await tarballFiles(tarball);
      expect(files).toContain('package.json');
      expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
      expect(files.filter((file) => /(^|\/)(test|e2e|testing)\/|\.test\./.test(file))).toEqual([]);
    }
    const manifest = JSON.parse(
      readFileSync(join(workspace.root, 'node_modules/@shopops/migrate/package.json'), 'utf8'),
    );
    expect(manifest).toMatchObject({
      exports: { '.': { types: './src/index.d.ts', default: './src/index.js' } },
      bin: { migrate: './src/main.js' },
    });
    expect(manifest).not.toHaveProperty('private');
    expect(JSON.stringify(manifest.dependencies)).not.toMatch(/tsx/);
  });

  it('infers migrate, the backup targets and docker-build for a new project, with their help', async () => {
    const project = join(workspace.root, 'apps/shop');
    mkdirSync(join(project, 'migrations'), { recursive: true });
    writeFileSync(join(project, 'project.json'), '{ "name": "shop" }\n');
    writeFileSync(join(project, 'migrations/20260101000000_create_items.sql'), MIGRATION);
    writeFileSync(join(project, 'Dockerfile'), DOCKERFILE);
    writeFileSync(join(workspace.root, '.dockerignore'), '.git\n**/.env*\nnode_modules\n');
    // A team's workspace is a git repository: image tags and labels come from its commit.
    writeFileSync(join(workspace.root, '.gitignore'), 'node_modules\nbackups\n');
    for (const args of [
      ['init', '-q', '-b', 'main'],
      ['add', '-A'],
      ['commit', '-qm', 'shop'],
    ]) {
      const git = await workspace.run('git', args, {
        GIT_AUTHOR_NAME: 'e2e',
        GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
        GIT_COMMITTER_NAME: 'e2e',
        GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
      });
      expect(git.exitCode, git.all).toBe(0);
    }

    const shown = await nx(['show', 'project', 'shop', '--json']);
    expect(shown.exitCode, shown.all).toBe(0);
    const { targets } = JSON.parse(shown.stdout);
    expect(Object.keys(targets).sort()).toEqual(
      ['backup', 'backup-prune', 'backup-verify', 'backups', 'docker-build', 'migrate', 'restore'].sort(),
    );
    expect(targets.migrate).toMatchObject({
      executor: '@shopops/ops:migrate',
      cache: false,
      metadata: { technologies: ['postgres'], help: { command: 'npx nx run shop:migrate --help' } },
    });
    expect(targets['docker-build']).toMatchObject({
      executor: '@shopops/ops:docker-build',
      cache: true,
      inputs: ['default', '^default', '{workspaceRoot}/package-lock.json', '{workspaceRoot}/.dockerignore'],
      metadata: { technologies: ['docker'] },
    });
  });

  it('migrates a real database, and status --exit-code passes afterwards', async () => {
    const pending = await nx(['run', 'shop:migrate', 'status', '--exit-code']);
    expect(pending.exitCode).not.toBe(0);
    expect(pending.all).toContain('pending  20260101000000_create_items');
    const up = await nx(['run', 'shop:migrate']);
    expect(up.exitCode, up.all).toBe(0);
    expect((await nx(['run', 'shop:migrate', 'status', '--exit-code'])).exitCode).toBe(0);
    expect(await query(database, "select to_regclass('public.items') is not null as exists")).toEqual([
      { exists: true },
    ]);
  });

  it('generates a migration in the project', async () => {
    const generated = await nx(['g', '@shopops/ops:migration', 'add_price', '--project', 'shop']);
    expect(generated.exitCode, generated.all).toBe(0);
    const files = readdirSync(join(workspace.root, 'apps/shop/migrations'));
    expect(files.filter((file) => /^\d{14}_add_price\.sql$/.test(file))).toHaveLength(1);
  });

  it('prints the image build command with --dry-run', async () => {
    const dryRun = await nx(['run', 'shop:docker-build', '--dry-run', '--engine', 'docker']);
    expect(dryRun.exitCode, dryRun.all).toBe(0);
    expect(dryRun.all).toContain(
      `docker build --file ${workspace.root}/apps/shop/Dockerfile --tag shop:main --tag shop:sha-`,
    );
    expect(dryRun.all).toContain('--label org.opencontainers.image.title=shop');
    expect(existsSync(join(workspace.root, 'dist/shop/image.json'))).toBe(false);

    // Nx splits an array option's value at commas; the BuildKit specs reach the engine whole.
    const withSpecs = await nx([
      'run',
      'shop:docker-build',
      '--dry-run',
      '--engine',
      'buildx',
      '--cacheFrom=type=registry,ref=ghcr.io/acme/shop:cache',
      '--secrets=id=npmrc,src=/run/npmrc',
    ]);
    expect(withSpecs.exitCode, withSpecs.all).toBe(0);
    expect(withSpecs.all).toContain('--cache-from type=registry,ref=ghcr.io/acme/shop:cache');
    expect(withSpecs.all).toContain('--secret id=npmrc,src=/run/npmrc');
  });

  it('backs the database up to a local directory and restores it into a new one', async () => {
    await query(database, "insert into items (name) values ('mug'), ('plate')");
    const backedUp = await nx(['run', 'shop:backup', '--destination', 'backups']);
    expect(backedUp.exitCode, backedUp.all).toBe(0);
    expect(readdirSync(join(workspace.root, 'backups')).some((file) => file.endsWith('.manifest.json'))).toBe(true);

    const target = database.replace(/\/shop$/, '/shop_restored');
    const restored = await nx(['run', 'shop:restore', '--destination', 'backups', '--url', target]);
    expect(restored.exitCode, restored.all).toBe(0);
    expect(await query(target, 'select name from items order by id')).toEqual([{ name: 'mug' }, { name: 'plate' }]);
  });

  it('runs the engines’ CLIs from the installed packages with plain Node', async () => {
    for (const cli of ['migrate', 'backup']) {
      const help = await workspace.run('npx', [cli, '--help']);
      expect(help.exitCode, help.all).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: ${cli} `));
    }
    expect(existsSync(join(workspace.root, 'node_modules/tsx'))).toBe(false);
  });
});
