import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { describeVariables, loadConfig } from '@shopops/config';
import { scratchDir } from '@shopops/testing';
import { execa } from 'execa';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ConfigModule } from './config-module.ts';
import newEnvGenerator from './generator.ts';
import type { NewEnvGeneratorOptions } from './schema.ts';
import { FILLED_PLACEHOLDERS } from '../../src/testing/filled-placeholders.ts';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
// This workspace's config module, by path: the test tree is virtual, so nothing resolves from its root.
const configModule = join(workspaceRoot, 'libs/config/src/index.ts');
// libs/config satisfies the contract the generator loads it by.
const contract: ConfigModule = { describeVariables, loadConfig };
const fixture = (name: string) => readFileSync(join(workspaceRoot, name), 'utf8');
const generate = { JWT_SECRET: 64, PAYMENT_SANDBOX_SECRET: 32 };

const DEPLOY_WORKFLOW = `name: deploy
on:
  push:
    tags: ['v*.*.*']
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - run: echo build
  # Staging first, then production behind its approval.
  deploy-staging:
    needs: build
    runs-on: ubuntu-24.04
    environment:
      name: staging
      url: https://shopops-api-staging.fly.dev
    steps:
      - run: npx nx run api:fly-canary
        env:
          FLY_API_TOKEN: \${{ secrets.FLY_API_TOKEN }}
          RENDER_DEPLOY_HOOK: \${{ secrets.RENDER_DEPLOY_HOOK }}
  smoke-staging:
    needs: [build, deploy-staging]
    runs-on: ubuntu-24.04
    environment: staging
    steps:
      - run: npx nx run api:smoke --url "$URL"
        env:
          URL: \${{ vars.API_URL }}
  deploy-production:
    needs: smoke-staging
    runs-on: ubuntu-24.04
    environment: production
    steps:
      - run: npx nx run api:fly-canary
        env:
          FLY_API_TOKEN: \${{ secrets.FLY_API_TOKEN }}
`;

function workspaceTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  addProjectConfiguration(tree, 'api', { root: 'apps/api' });
  for (const file of ['fly.toml', 'render.yaml', 'docker-compose.yml']) tree.write(file, fixture(file));
  tree.write('.gitignore', 'node_modules/\ndist/\n');
  return tree;
}

const run = (tree: Tree, options: Partial<NewEnvGeneratorOptions> = {}) =>
  newEnvGenerator(tree, { name: 'staging', project: 'api', configModule, generate, ...options });

const envOf = (tree: Tree, path = 'apps/api/.env.staging') =>
  parseEnv(tree.read(path, 'utf8')!) as Record<string, string>;

/** Every file the tree holds that a run changed, with its content. */
const snapshot = (tree: Tree) =>
  Object.fromEntries(tree.listChanges().map((change) => [change.path, change.content?.toString('utf8')]));

describe('new-env generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = workspaceTree();
  });

  it('writes every variable of the schema, with profile values, generated secrets and marked placeholders', async () => {
    expect(contract.describeVariables().length).toBeGreaterThan(0);
    await run(tree);
    const text = tree.read('apps/api/.env.staging', 'utf8')!;
    const env = envOf(tree);
    expect(Object.keys(env).sort()).toEqual(
      describeVariables()
        .map((v) => v.name)
        .sort(),
    );
    expect(env).toMatchObject({
      ENV: 'staging',
      LOG_LEVEL: 'info',
      PUBLIC_BASE_URL: 'https://shopops-api-staging.fly.dev',
      FRONTEND_URL: 'https://shopops-web-staging.fly.dev',
      CORS_ORIGINS: 'https://shopops-web-staging.fly.dev',
      TRUST_PROXY: '1',
      DATABASE_URL: '',
      S3_BUCKET: '',
      JWT_SECRET_PREVIOUS: '',
    });
    // 64 random bytes, base64url; another run draws another secret.
    expect(Buffer.from(env.JWT_SECRET!, 'base64url')).toHaveLength(64);
    expect(Buffer.from(env.PAYMENT_SANDBOX_SECRET!, 'base64url')).toHaveLength(32);
    const other = workspaceTree();
    await run(other);
    expect(envOf(other).JWT_SECRET).not.toBe(env.JWT_SECRET);
    // Each placeholder is marked where it is and listed at the end; the description is above each variable.
    expect(text).toMatch(/# \(FILL IN: required in staging, e\.g\. postgres:\/\/[^\n]*\)\nDATABASE_URL=\n/);
    expect(text).toMatch(/# \(FILL IN: required in staging, secret\)\nS3_SECRET_KEY=\n/);
    expect(text).toContain(
      '# Required before the app starts in staging: DATABASE_URL, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY\n',
    );
    expect(text).toContain('# Bucket that holds product images.\n');
  });

  it('writes a file the real config loader accepts for ENV=staging once the placeholders are filled in', async () => {
    await run(tree);
    const env = envOf(tree);
    expect(() => loadConfig(env)).toThrow(/DATABASE_URL: missing/);
    const config = loadConfig({ ...env, ...FILLED_PLACEHOLDERS });
    expect(config).toMatchObject({
      env: 'staging',
      logLevel: 'info',
      publicBaseUrl: 'https://shopops-api-staging.fly.dev',
    });
  });

  it('gives prod-like names the staging profile, and prod its own', async () => {
    await run(tree, { name: 'qa' });
    expect(envOf(tree, 'apps/api/.env.qa')).toMatchObject({
      ENV: 'staging',
      PUBLIC_BASE_URL: 'https://shopops-api-qa.fly.dev',
    });
    await run(tree, { name: 'prod' });
    const prod = envOf(tree, 'apps/api/.env.prod');
    expect(prod).toMatchObject({ ENV: 'prod', LOG_LEVEL: 'info', PAYMENT_SANDBOX_ENABLED: 'false' });
    expect(loadConfig({ ...prod, ...FILLED_PLACEHOLDERS, METRICS_PORT: '9091' })).toMatchObject({ env: 'prod' });
  });

  it('writes only the environment file for the dev profile: local stack defaults, no platform files', async () => {
    await run(tree, { name: 'dev' });
    const changed = tree.listChanges().map((change) => change.path);
    expect(changed).toContain('apps/api/.env.dev');
    expect(changed.filter((path) => /fly\.dev|secrets-dev|docker-compose\.dev/.test(path))).toEqual([]);
    const env = envOf(tree, 'apps/api/.env.dev');
    expect(env).toMatchObject({ ENV: 'dev', LOG_LEVEL: 'debug', HOST: '127.0.0.1' });
    expect(loadConfig(env)).toMatchObject({ env: 'dev' });
  });

  it('ignores the environment file in git, once', async () => {
    await run(tree);
    expect(tree.read('.gitignore', 'utf8')).toBe(
      'node_modules/\ndist/\n# Holds secrets (nx g @shopops/ops:new-env)\n/apps/api/.env.staging\n',
    );
    const covered = workspaceTree();
    covered.write('.gitignore', '.env.*\n!.env.example\n');
    await run(covered);
    expect(covered.read('.gitignore', 'utf8')).toBe('.env.*\n!.env.example\n');
  });

  it('derives fly.<env>.toml: the app per environment, [env] of the environment, comments kept, no secret', async () => {
    await run(tree);
    const text = tree.read('fly.staging.toml', 'utf8')!;
    expect(text).toContain('# Santiago: the shop');
    const fly = parseToml(text) as { app: string; env: Record<string, string>; deploy: object };
    expect(fly.app).toBe('shopops-api-staging');
    expect(fly.env).toMatchObject({
      ENV: 'staging',
      S3_BUCKET: '',
      FRONTEND_URL: 'https://shopops-web-staging.fly.dev',
    });
    expect(fly.deploy).toEqual((parseToml(fixture('fly.toml')) as { deploy: object }).deploy);
    expect(text).not.toContain(envOf(tree).JWT_SECRET);
  });

  it("adds the Render env group with Render's own hosts, leaving every other byte of render.yaml as it was", async () => {
    await run(tree);
    const text = tree.read('render.yaml', 'utf8')!;
    expect(text.startsWith(fixture('render.yaml'))).toBe(true);
    const groups = (parseYaml(text) as { envVarGroups: { name: string; envVars: { key: string; value: string }[] }[] })
      .envVarGroups;
    const staging = Object.fromEntries(groups.at(-1)!.envVars.map((v) => [v.key, v.value]));
    expect(groups.at(-1)!.name).toBe('shopops-api-settings-staging');
    expect(staging).toMatchObject({
      ENV: 'staging',
      PUBLIC_BASE_URL: 'https://shopops-api-staging.onrender.com',
      S3_REGION: 'us-east-1',
    });
    expect(staging).not.toHaveProperty('S3_BUCKET');
    expect(text).toContain('# Still to set in the Dashboard (no value yet): S3_BUCKET.');
  });

  it('writes a Compose override for the service built from the project, secrets by env_file only', async () => {
    await run(tree);
    const override = parseYaml(tree.read('docker-compose.staging.yml', 'utf8')!);
    expect(override).toEqual({
      services: { api: { env_file: ['apps/api/.env.staging'], environment: { ENV: 'staging', LOG_LEVEL: 'info' } } },
    });
  });

  it('takes the project from the options: another app in another folder', async () => {
    addProjectConfiguration(tree, 'shop', { root: 'services/shop' });
    tree.write('docker-compose.yml', 'services:\n  shop:\n    build:\n      context: services/shop\n');
    await run(tree, { project: 'shop' });
    expect(envOf(tree, 'services/shop/.env.staging').ENV).toBe('staging');
    expect(parseYaml(tree.read('docker-compose.staging.yml', 'utf8')!).services.shop.env_file).toEqual([
      'services/shop/.env.staging',
    ]);
    expect(tree.read('secrets-staging.sh', 'utf8')).toContain("env_file='services/shop/.env.staging'");
  });

  describe('the deploy workflow', () => {
    it('is left alone when it does not exist, and the run says so', async () => {
      await run(tree);
      expect(tree.exists('.github/workflows/deploy.yml')).toBe(false);
      expect(tree.read('secrets-staging.sh', 'utf8')).toContain('the deploy workflow reads no secrets of it');
    });

    it('gets a job for the GitHub environment, copied from its profile, once', async () => {
      tree.write('.github/workflows/deploy.yml', DEPLOY_WORKFLOW);
      await run(tree, { name: 'qa' });
      const text = tree.read('.github/workflows/deploy.yml', 'utf8')!;
      expect(text).toContain('# Staging first, then production behind its approval.');
      const jobs = (parseYaml(text) as { jobs: Record<string, { environment: unknown; needs?: string }> }).jobs;
      expect(Object.keys(jobs)).toEqual([
        'build',
        'deploy-staging',
        'smoke-staging',
        'deploy-production',
        'deploy-qa',
        'smoke-qa',
      ]);
      // The environment's name in the copies' strings is the new one's: its URL, its artifact names.
      expect(jobs['deploy-qa']).toMatchObject({
        needs: 'build',
        environment: { name: 'qa', url: 'https://shopops-api-qa.fly.dev' },
      });
      expect(jobs['smoke-qa']).toMatchObject({ needs: ['build', 'deploy-qa'], environment: 'qa' });
      // Everything before the copies is the file as it was, byte for byte.
      expect(text.startsWith(DEPLOY_WORKFLOW)).toBe(true);
      expect(tree.read('secrets-qa.sh', 'utf8')).toContain('gh secret set RENDER_DEPLOY_HOOK --env qa');

      const before = snapshot(tree);
      await run(tree, { name: 'qa' });
      expect(snapshot(tree)).toEqual(before);
    });

    it('counts production as the prod environment', async () => {
      tree.write('.github/workflows/deploy.yml', DEPLOY_WORKFLOW);
      await run(tree, { name: 'prod' });
      expect(tree.read('.github/workflows/deploy.yml', 'utf8')).toBe(DEPLOY_WORKFLOW);
      expect(tree.read('secrets-prod.sh', 'utf8')).toContain('gh secret set FLY_API_TOKEN --env prod');
    });
  });

  describe('secrets-<env>.sh', () => {
    it('passes shellcheck', async () => {
      await run(tree);
      const dir = scratchDir('new-env-script-');
      writeFileSync(join(dir, 'secrets-staging.sh'), tree.read('secrets-staging.sh', 'utf8')!);
      const result = await execa('shellcheck', ['--severity=style', join(dir, 'secrets-staging.sh')], {
        reject: false,
      });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
    });

    it('hands the values to fly on stdin and prints none of them', async () => {
      await run(tree);
      // A workspace on disk: the script, the env file with its secrets, and a `fly` that records how it is called.
      const dir = scratchDir('new-env-publish-');
      const bin = join(dir, 'bin');
      await execa('mkdir', ['-p', join(dir, 'apps/api'), bin]);
      writeFileSync(join(dir, 'secrets-staging.sh'), tree.read('secrets-staging.sh', 'utf8')!, { mode: 0o755 });
      const envFile = tree
        .read('apps/api/.env.staging', 'utf8')!
        .replace(/^S3_ACCESS_KEY=$/m, `S3_ACCESS_KEY=${FILLED_PLACEHOLDERS.S3_ACCESS_KEY}`);
      writeFileSync(join(dir, 'apps/api/.env.staging'), envFile);
      writeFileSync(join(bin, 'fly'), `#!/bin/sh\necho "$*" > "${dir}/fly.args"\ncat > "${dir}/fly.stdin"\n`);
      chmodSync(join(bin, 'fly'), 0o755);

      const result = await execa(join(dir, 'secrets-staging.sh'), [], {
        env: { PATH: `${bin}:${process.env.PATH}` },
        all: true,
      });
      const env = parseEnv(envFile) as Record<string, string>;
      expect(readFileSync(join(dir, 'fly.args'), 'utf8').trim()).toBe(
        'secrets import --app shopops-api-staging --stage',
      );
      expect(readFileSync(join(dir, 'fly.stdin'), 'utf8')).toBe(
        `S3_ACCESS_KEY=${env.S3_ACCESS_KEY}\nJWT_SECRET=${env.JWT_SECRET}\nPAYMENT_SANDBOX_SECRET=${env.PAYMENT_SANDBOX_SECRET}\n`,
      );
      for (const secret of [env.JWT_SECRET!, env.S3_ACCESS_KEY!, env.PAYMENT_SANDBOX_SECRET!])
        expect(result.all).not.toContain(secret);
      expect(result.all).toContain('still empty in apps/api/.env.staging: DATABASE_URL S3_SECRET_KEY');
    });

    it('names the missing environment file', async () => {
      await run(tree);
      const dir = scratchDir('new-env-nofile-');
      writeFileSync(join(dir, 'secrets-staging.sh'), tree.read('secrets-staging.sh', 'utf8')!, { mode: 0o755 });
      const result = await execa(join(dir, 'secrets-staging.sh'), [], { reject: false });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toBe(
        'secrets-staging.sh: apps/api/.env.staging does not exist\n  remedy: nx g @shopops/ops:new-env staging writes it',
      );
    });
  });

  describe('a second run', () => {
    it('changes nothing, and renders the same environment file from the values it keeps', async () => {
      await run(tree);
      const before = snapshot(tree);
      await run(tree);
      expect(snapshot(tree)).toEqual(before);
      await run(tree, { force: true });
      expect(snapshot(tree)).toEqual(before);
    });

    it('keeps what the operator filled in; --force rewrites the file with those values and the same secrets', async () => {
      await run(tree);
      const env = envOf(tree);
      tree.write(
        'apps/api/.env.staging',
        tree.read('apps/api/.env.staging', 'utf8')!.replace(/^S3_BUCKET=$/m, 'S3_BUCKET=shop-staging'),
      );
      const edited = tree.read('apps/api/.env.staging', 'utf8');
      // The platform files now differ (their S3_BUCKET was a placeholder): refused without --force.
      await expect(run(tree)).rejects.toThrow(
        /render\.yaml \(env group shopops-api-settings-staging\), fly\.staging\.toml exist and differ/,
      );
      expect(tree.read('apps/api/.env.staging', 'utf8')).toBe(edited);
      await run(tree, { force: true });
      expect(envOf(tree)).toMatchObject({ S3_BUCKET: 'shop-staging', JWT_SECRET: env.JWT_SECRET });
      expect((parseToml(tree.read('fly.staging.toml', 'utf8')!) as { env: Record<string, string> }).env.S3_BUCKET).toBe(
        'shop-staging',
      );
    });
  });

  describe('bad input: one message, nothing written', () => {
    const refuses = async (
      options: Partial<NewEnvGeneratorOptions>,
      message: string | RegExp,
      prepare?: (tree: Tree) => void,
    ) => {
      prepare?.(tree);
      const before = snapshot(tree);
      await expect(run(tree, options)).rejects.toThrow(message);
      expect(snapshot(tree)).toEqual(before);
    };

    it('an invalid name', () =>
      refuses(
        { name: 'Staging_1' },
        'invalid option for new-env: --name: lowercase letters, digits and dashes, starting with a letter, e.g. staging',
      ));

    it('an unknown profile', () =>
      refuses({ profile: 'production' as never }, /invalid option for new-env: --profile: .*"dev"\|"staging"\|"prod"/));

    it('a target file that exists and differs, without --force', () =>
      refuses(
        {},
        'new-env: fly.staging.toml exists and differs from what new-env staging writes; nothing was written\n  remedy: compare, then run again with --force',
        (t) => t.write('fly.staging.toml', 'app = "hand-made"\n'),
      ));

    it('a variable of the schema with no way to produce a value', async () => {
      const dir = scratchDir('new-env-schema-');
      const module = join(dir, 'config.mjs');
      writeFileSync(
        module,
        `export const describeVariables = () => [
  { name: 'ENV', group: 'runtime', description: 'Environment.', default: 'dev', devDefault: 'dev', requiredIn: [], secret: false },
  { name: 'SUPPORT_EMAIL', group: 'contact', description: 'Where customers write.', requiredIn: ['staging', 'prod'], secret: false },
];
export const loadConfig = () => ({});
`,
      );
      await refuses(
        { configModule: module, generate: {} },
        'new-env: no way to produce a value for SUPPORT_EMAIL: required in staging, with no default, no example and not a secret to fill in later; nothing was written\n  remedy: pass it (--values.SUPPORT_EMAIL=…)',
      );
    });

    it('a value the app refuses', () =>
      refuses(
        { values: { LOG_LEVEL: 'loud' } },
        /new-env: the apps\/api\/\.env\.staging it would write does not load with ENV=staging: LOG_LEVEL: /,
      ));

    it('a variable the schema does not have', () =>
      refuses({ values: { NOT_A_VARIABLE: 'x' } }, /new-env: --values\.NOT_A_VARIABLE: not a variable of /));

    it('a config module without the contract', () =>
      refuses(
        { configModule: join(workspaceRoot, 'tools/package.json') },
        /does not export describeVariables\(\) and loadConfig/,
      ));
  });
});
