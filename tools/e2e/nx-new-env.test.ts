import { nxEnv, scratchDir } from '@shopops/testing';
import { execa } from 'execa';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv, stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILLED_PLACEHOLDERS } from '../src/testing/filled-placeholders.ts';

// `nx g new-env` and `nx g rotate-secret` for real, in a workspace of another shape than this one: its app is
// `shop` in services/shop, nx.json's generator defaults name it and its config module. The platform files are
// copies of this repository's; nothing here touches the repository's own files.
const repository = resolve(import.meta.dirname, '../..');
const envFile = 'services/shop/.env.staging';

function createWorkspace(): string {
  const root = scratchDir('new-env-workspace-');
  symlinkSync(join(repository, 'node_modules'), join(root, 'node_modules'));
  for (const file of ['tsconfig.base.json', 'fly.toml', 'render.yaml'])
    copyFileSync(join(repository, file), join(root, file));
  const json = (path: string, value: unknown) => writeFileSync(join(root, path), `${JSON.stringify(value, null, 2)}\n`);
  json('package.json', { name: 'shop-workspace', private: true, devDependencies: { nx: '*', '@shopops/ops': '*' } });
  json('nx.json', {
    generators: {
      '@shopops/ops:new-env': {
        project: 'shop',
        configModule: '@shopops/config',
        generate: { JWT_SECRET: 64, PAYMENT_SANDBOX_SECRET: 32 },
      },
      '@shopops/ops:rotate-secret': { project: 'shop', configModule: '@shopops/config' },
    },
  });
  mkdirSync(join(root, 'services/shop/src'), { recursive: true });
  json('services/shop/project.json', { name: 'shop', projectType: 'application' });
  writeFileSync(join(root, 'services/shop/src/main.ts'), 'export const shop = true;\n');
  writeFileSync(join(root, 'docker-compose.yml'), 'services:\n  shop:\n    build:\n      context: services/shop\n');
  writeFileSync(join(root, '.gitignore'), 'node_modules/\n');
  return root;
}

describe('nx g new-env / rotate-secret in another workspace', () => {
  let root: string;
  const nx = async (...args: string[]) => {
    const result = await execa('npx', ['nx', ...args], { cwd: root, reject: false, all: true, env: nxEnv() });
    return { exitCode: result.exitCode, all: stripVTControlCharacters(result.all ?? '') };
  };
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  const env = () => parseEnv(read(envFile)) as Record<string, string>;
  /** The API's own token CLI: loadConfig of a real process on the environment file plus the filled-in placeholders. */
  const adminToken = (values: Record<string, string>) =>
    execa('npx', ['tsx', join(repository, 'apps/api/src/cli/admin-token.ts')], {
      cwd: repository,
      reject: false,
      env: { ...values, PATH: process.env.PATH! },
      extendEnv: false,
    });
  /** Whether the API, configured by the environment file, takes the token: its own loader and authenticator, in a process. */
  const isAdmin = async (token: string, values: Record<string, string>) => {
    const { stdout } = await execa('npx', ['tsx', verifier, token], {
      cwd: repository,
      env: { ...values, ...FILLED_PLACEHOLDERS, PATH: process.env.PATH! },
      extendEnv: false,
    });
    return JSON.parse(stdout) as boolean;
  };
  let verifier: string;

  beforeAll(() => {
    root = createWorkspace();
    verifier = join(scratchDir('new-env-verifier-'), 'is-admin.mts');
    writeFileSync(
      verifier,
      [
        `import { loadConfig } from ${JSON.stringify(join(repository, 'libs/config/src/index.ts'))};`,
        `import { createAuthenticator } from ${JSON.stringify(join(repository, 'apps/api/src/auth.ts'))};`,
        'const request = { headers: { authorization: `Bearer ${process.argv[2]}` } };',
        'console.log(JSON.stringify(await createAuthenticator(loadConfig(process.env).auth).isAdmin(request as never)));',
      ].join('\n'),
    );
  });

  it('`nx g new-env staging --dry-run` (no collection named) lists the files and writes none', async () => {
    const { exitCode, all } = await nx('g', 'new-env', 'staging', '--dry-run');
    expect(exitCode, all).toBe(0);
    for (const file of [envFile, 'fly.staging.toml', 'docker-compose.staging.yml', 'secrets-staging.sh']) {
      expect(all).toContain(`CREATE ${file}`);
      expect(existsSync(join(root, file))).toBe(false);
    }
    expect(all).toContain('UPDATE render.yaml');
    expect(all).toContain('to fill in before the app starts: DATABASE_URL, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY');
  });

  let firstToken: string;
  it('`nx g @shopops/ops:new-env staging` writes a file the API loads once the placeholders are filled in', async () => {
    const { exitCode, all } = await nx('g', '@shopops/ops:new-env', 'staging');
    expect(exitCode, all).toBe(0);
    expect(env()).toMatchObject({ ENV: 'staging', S3_BUCKET: '' });
    expect(all).not.toContain(env().JWT_SECRET);
    expect(read('.gitignore')).toContain(`/${envFile}\n`);
    expect(statSync(join(root, 'secrets-staging.sh')).mode & 0o111).not.toBe(0);

    const unfilled = await adminToken(env());
    expect(unfilled.exitCode).toBe(1);
    expect(unfilled.stderr).toContain('DATABASE_URL: missing (required in staging)');
    const filled = await adminToken({ ...env(), ...FILLED_PLACEHOLDERS });
    expect(filled.exitCode, filled.stderr).toBe(0);
    firstToken = filled.stdout.trim();
    expect(await isAdmin(firstToken, env())).toBe(true);
  });

  it('a second run changes nothing', async () => {
    const files = [
      envFile,
      '.gitignore',
      'fly.staging.toml',
      'render.yaml',
      'docker-compose.staging.yml',
      'secrets-staging.sh',
    ];
    const before = files.map(read);
    const { exitCode, all } = await nx('g', 'new-env', 'staging');
    expect(exitCode, all).toBe(0);
    expect(all).toContain('new-env staging: nothing to change');
    expect(files.map(read)).toEqual(before);
  });

  it('`nx g rotate-secret JWT_SECRET --env staging`: tokens of the previous secret verify until --finish', async () => {
    const before = env();
    const rotated = await nx('g', 'rotate-secret', 'JWT_SECRET', '--env', 'staging');
    expect(rotated.exitCode, rotated.all).toBe(0);
    expect(rotated.all).toContain('1. publish both: ./secrets-staging.sh');
    expect(env()).toMatchObject({ JWT_SECRET_PREVIOUS: before.JWT_SECRET });
    expect(rotated.all).not.toContain(before.JWT_SECRET);
    expect(rotated.all).not.toContain(env().JWT_SECRET);
    expect(await isAdmin(firstToken, env())).toBe(true);
    const fresh = await adminToken({ ...env(), ...FILLED_PLACEHOLDERS });
    expect(await isAdmin(fresh.stdout.trim(), env())).toBe(true);

    const finished = await nx('g', 'rotate-secret', 'JWT_SECRET', '--env', 'staging', '--finish');
    expect(finished.exitCode, finished.all).toBe(0);
    expect(env().JWT_SECRET_PREVIOUS).toBe('');
    expect(await isAdmin(firstToken, env())).toBe(false);
    expect(await isAdmin(fresh.stdout.trim(), env())).toBe(true);
  });

  it('bad input fails with its message and writes nothing', async () => {
    const before = read(envFile);
    const name = await nx('g', 'new-env', 'Staging');
    expect(name.exitCode).not.toBe(0);
    expect(name.all).toMatch(/name/);
    expect(existsSync(join(root, 'services/shop/.env.Staging'))).toBe(false);
    const notSecret = await nx('g', 'rotate-secret', 'LOG_LEVEL', '--env', 'staging');
    expect(notSecret.exitCode).not.toBe(0);
    expect(notSecret.all).toContain(
      'rotate-secret: LOG_LEVEL is not a secret of @shopops/config: only secrets are rotated',
    );
    const noFile = await nx('g', 'rotate-secret', 'JWT_SECRET', '--env', 'qa');
    expect(noFile.all).toContain('rotate-secret: services/shop/.env.qa does not exist');
    expect(read(envFile)).toBe(before);
  });
});
