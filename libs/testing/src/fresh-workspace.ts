import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { withDistLock } from './dist-lock.ts';
import { nxEnv, runNx } from './nx-cli.ts';
import { scratchDir } from './scratch-dir.ts';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
/** The packages a user installs: the Nx project that builds each, and the folder its build lands in. */
const PUBLISHED = {
  '@shopops/postgres': { project: 'postgres', folder: 'dist/libs/postgres' },
  '@shopops/cli': { project: 'cli', folder: 'dist/libs/cli' },
  '@shopops/migrate': { project: 'migrate', folder: 'dist/libs/migrate' },
  '@shopops/backup': { project: 'backup', folder: 'dist/libs/backup' },
  '@shopops/smoke': { project: 'smoke', folder: 'dist/libs/smoke' },
  '@shopops/canary': { project: 'canary', folder: 'dist/libs/canary' },
  '@shopops/ops': { project: 'ops', folder: 'dist/tools' },
};
export type PublishedPackage = keyof typeof PUBLISHED;
const published = Object.entries(PUBLISHED) as [PublishedPackage, (typeof PUBLISHED)[PublishedPackage]][];

/** Builds the published packages (`nx run-many -t build`) and `npm pack`s them: name → tarball path. */
export function packPublishedPackages(): Promise<Record<PublishedPackage, string>> {
  return withDistLock(buildAndPack);
}

async function buildAndPack(): Promise<Record<PublishedPackage, string>> {
  const built = await runNx(['run-many', '-t', 'build', '-p', published.map(([, { project }]) => project).join(',')]);
  if (built.exitCode !== 0) throw new Error(`building the packages failed:\n${built.all}`);
  const packs = scratchDir('shopops-packs-');
  const tarballs = {} as Record<PublishedPackage, string>;
  for (const [name, { folder }] of published) {
    const { stdout } = await execa('npm', [
      'pack',
      join(workspaceRoot, folder),
      '--pack-destination',
      packs,
      '--silent',
    ]);
    tarballs[name] = join(packs, stdout.trim().split('\n').pop()!);
  }
  return tarballs;
}

export interface FreshWorkspace {
  root: string;
  /** Runs a command in the workspace with an nx environment of its own; output without colour codes. */
  run(
    command: string,
    args: string[],
    env?: Record<string, string>,
  ): Promise<{ exitCode: number; all: string; stdout: string }>;
}

/**
 * A new Nx workspace in a scratch directory with nothing of this repository in it: a package.json with
 * the same nx version as here, an empty nx.json, `npm install`. The engines resolve to the packed
 * tarballs (npm overrides), since they are on no registry; everything else comes from the npm cache
 * this workspace's own install filled.
 */
export async function createFreshWorkspace(tarballs: Record<PublishedPackage, string>): Promise<FreshWorkspace> {
  const root = scratchDir('fresh-workspace-');
  const nxVersion = (
    JSON.parse(readFileSync(join(workspaceRoot, 'node_modules/nx/package.json'), 'utf8')) as { version: string }
  ).version;
  const manifest = {
    name: 'fresh-workspace',
    version: '0.0.0',
    private: true,
    devDependencies: { nx: nxVersion },
    // Every package but the plugin, which the test installs itself (`nx add`).
    overrides: Object.fromEntries(
      published.filter(([name]) => name !== '@shopops/ops').map(([name]) => [name, `file:${tarballs[name]}`]),
    ),
  };
  writeFileSync(join(root, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(root, 'nx.json'), '{ "$schema": "./node_modules/nx/schemas/nx-schema.json" }\n');
  const env = { ...nxEnv(), npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
  const run: FreshWorkspace['run'] = async (command, args, extraEnv = {}) => {
    const result = await execa(command, args, { cwd: root, env: { ...env, ...extraEnv }, reject: false, all: true });
    return {
      exitCode: result.exitCode ?? 1,
      all: stripVTControlCharacters(result.all ?? ''),
      stdout: stripVTControlCharacters(result.stdout),
    };
  };
  const installed = await run('npm', ['install']);
  if (installed.exitCode !== 0) throw new Error(`npm install in ${root} failed:\n${installed.all}`);
  return { root, run };
}

/** Files a packed tarball holds, for checking what would be published. */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const { stdout } = await execa('tar', ['tzf', tarball]);
  return stdout.split('\n').map((path) => path.replace(/^package\//, ''));
}
