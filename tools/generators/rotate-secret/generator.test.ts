import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { loadConfig } from '@shopops/config';
import { logger } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import newEnvGenerator from '../new-env/generator.ts';
import rotateSecretGenerator from './generator.ts';
import type { RotateSecretGeneratorOptions } from './schema.ts';
import { FILLED_PLACEHOLDERS } from '../../src/testing/filled-placeholders.ts';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const configModule = join(workspaceRoot, 'libs/config/src/index.ts');
const envFile = 'apps/api/.env.staging';

const envOf = (tree: Tree) => parseEnv(tree.read(envFile, 'utf8')!) as Record<string, string>;
const rotate = (tree: Tree, options: Partial<RotateSecretGeneratorOptions> = {}) =>
  rotateSecretGenerator(tree, {
    variable: 'JWT_SECRET',
    env: 'staging',
    project: 'api',
    configModule,
    lifetimeVariable: 'ADMIN_TOKEN_MAX_LIFETIME',
    ...options,
  });
const snapshot = (tree: Tree) =>
  Object.fromEntries(tree.listChanges().map((change) => [change.path, change.content?.toString('utf8')]));

describe('rotate-secret generator', () => {
  let tree: Tree;
  let printed: string[];
  beforeEach(async () => {
    tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'api', { root: 'apps/api' });
    tree.write('fly.toml', readFileSync(join(workspaceRoot, 'fly.toml'), 'utf8'));
    await newEnvGenerator(tree, { name: 'staging', project: 'api', configModule, generate: { JWT_SECRET: 64 } });
    printed = [];
    vi.spyOn(logger, 'info').mockImplementation((message) => void printed.push(String(message)));
  });
  afterEach(() => vi.restoreAllMocks());

  it('moves the current value to JWT_SECRET_PREVIOUS, generates a new one, and the app loads both', async () => {
    const before = envOf(tree);
    const text = tree.read(envFile, 'utf8')!;
    await rotate(tree);
    const after = envOf(tree);
    expect(after.JWT_SECRET_PREVIOUS).toBe(before.JWT_SECRET);
    expect(after.JWT_SECRET).not.toBe(before.JWT_SECRET);
    expect(Buffer.from(after.JWT_SECRET!, 'base64url')).toHaveLength(64);
    // Only those two lines changed: comments, order and every other value stay.
    const others = (content: string) => content.split('\n').filter((line) => !line.startsWith('JWT_SECRET'));
    expect(others(tree.read(envFile, 'utf8')!)).toEqual(others(text));
    expect(loadConfig({ ...after, ...FILLED_PLACEHOLDERS }).secrets).toEqual(
      expect.arrayContaining([after.JWT_SECRET, after.JWT_SECRET_PREVIOUS]),
    );
  });

  it('prints the steps and neither value', async () => {
    const before = envOf(tree);
    await rotate(tree);
    const steps = printed.join('\n');
    expect(steps).toContain('1. publish both:');
    expect(steps).toContain('1. publish both: ./secrets-staging.sh, then fly deploy --config fly.staging.toml.');
    expect(steps).toContain('2. wait for the longest token lifetime (ADMIN_TOKEN_MAX_LIFETIME, 24h)');
    expect(steps).toContain('3. nx g @shopops/ops:rotate-secret JWT_SECRET --env staging --finish');
    expect(steps).not.toContain(before.JWT_SECRET);
    expect(steps).not.toContain(envOf(tree).JWT_SECRET);
  });

  it('refuses a second rotation while one is in progress, and --finish empties the previous value', async () => {
    await rotate(tree);
    const rotated = snapshot(tree);
    await expect(rotate(tree)).rejects.toThrow(
      'rotate-secret: a rotation of JWT_SECRET is in progress: JWT_SECRET_PREVIOUS is set in apps/api/.env.staging\n  remedy: finish it first',
    );
    expect(snapshot(tree)).toEqual(rotated);
    const current = envOf(tree).JWT_SECRET;
    await rotate(tree, { finish: true });
    expect(envOf(tree)).toMatchObject({ JWT_SECRET: current, JWT_SECRET_PREVIOUS: '' });
    expect(printed.at(-1)).toContain('fly secrets unset JWT_SECRET_PREVIOUS --app shopops-api-staging --stage');
  });

  describe('bad input: one message, nothing written', () => {
    const refuses = async (options: Partial<RotateSecretGeneratorOptions>, message: string | RegExp) => {
      const before = snapshot(tree);
      await expect(rotate(tree, options)).rejects.toThrow(message);
      expect(snapshot(tree)).toEqual(before);
    };

    it('a variable that is not secret', () =>
      refuses(
        { variable: 'LOG_LEVEL' },
        /^rotate-secret: LOG_LEVEL is not a secret of .*: only secrets are rotated\n {2}remedy: rotate one of .*JWT_SECRET/,
      ));

    it('a variable the schema does not have', () =>
      refuses({ variable: 'NOPE' }, /rotate-secret: NOPE is not a variable of /));

    it('an environment file that does not exist', () =>
      refuses(
        { env: 'qa' },
        'rotate-secret: apps/api/.env.qa does not exist, so JWT_SECRET of qa has no value here to rotate\n  remedy: nx g @shopops/ops:new-env qa writes it',
      ));

    it('a secret the app has no _PREVIOUS for', () =>
      refuses(
        { variable: 'S3_SECRET_KEY' },
        /rotate-secret: .* has no S3_SECRET_KEY_PREVIOUS: during a rotation the app could not accept/,
      ));
  });
});
