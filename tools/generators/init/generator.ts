import {
  addDependenciesToPackageJson,
  formatFiles,
  readNxJson,
  updateNxJson,
  type GeneratorCallback,
  type Tree,
} from '@nx/devkit';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseOptions } from '../../src/parse-options.ts';
import { schema, type InitGeneratorOptions } from './schema.ts';
import { assertSupportedNx } from './supported-nx.ts';

export const PLUGIN = '@shopops/ops';

/** The options init writes: every default spelled out, so nx.json shows what can be changed. */
export const DEFAULT_PLUGIN_OPTIONS = {
  migrateTargetName: 'migrate',
  dockerBuildTargetName: 'docker-build',
  backupTargets: true,
};

/**
 * `nx add @shopops/ops` (and `nx g @shopops/ops:init`): registers the plugin in nx.json and adds its
 * peer dependency. Idempotent: a registered plugin keeps its options, a listed package its version.
 */
export default async function initGenerator(tree: Tree, rawOptions: InitGeneratorOptions = {}) {
  const options = parseOptions(schema, rawOptions, 'init');
  const nxVersion = installedNxVersion(tree.root);
  assertSupportedNx(nxVersion);
  registerPlugin(tree);
  let install: GeneratorCallback = () => {};
  if (!options.skipPackageJson) {
    // @nx/devkit must match the workspace's nx, as the official plugins keep them.
    const devDependencies = { '@nx/devkit': nxVersion };
    install = addDependenciesToPackageJson(tree, {}, devDependencies, undefined, options.keepExistingVersions);
  }
  if (!options.skipFormat) await formatFiles(tree);
  return install;
}

function registerPlugin(tree: Tree): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const registered = plugins.some((entry) => (typeof entry === 'string' ? entry : entry.plugin) === PLUGIN);
  if (registered) return;
  nxJson.plugins = [...plugins, { plugin: PLUGIN, options: DEFAULT_PLUGIN_OPTIONS }];
  updateNxJson(tree, nxJson);
}

/** The nx the workspace has installed (the one running this generator). */
function installedNxVersion(workspaceRoot: string): string {
  const require = createRequire(join(workspaceRoot, 'package.json'));
  return (require('nx/package.json') as { version: string }).version;
}
