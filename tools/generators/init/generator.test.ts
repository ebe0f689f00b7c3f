import { readJson, readNxJson, updateJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import initGenerator, { DEFAULT_PLUGIN_OPTIONS, PLUGIN } from './generator.ts';
import { assertSupportedNx } from './supported-nx.ts';

// The tree's root is this workspace, so the generator reads the nx installed here (23.x).
const workspaceRoot = resolve(import.meta.dirname, '../../..');
describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.root = workspaceRoot;
  });

  it('registers the plugin with its default options and adds @nx/devkit at the installed nx version', async () => {
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)!.plugins).toEqual([{ plugin: PLUGIN, options: DEFAULT_PLUGIN_OPTIONS }]);
    const nxVersion = (readJson(tree, 'node_modules/nx/package.json') as { version?: string }).version;
    expect(readJson(tree, 'package.json').devDependencies['@nx/devkit']).toBe(
      nxVersion ?? expect.stringMatching(/^2[34]\./),
    );
  });

  it('changes nothing on a second run, and keeps options the workspace already set', async () => {
    updateJson(tree, 'nx.json', (json) => ({
      ...json,
      plugins: [{ plugin: PLUGIN, options: { backupTargets: false } }],
    }));
    updateJson(tree, 'package.json', (json) => ({ ...json, devDependencies: { '@nx/devkit': '23.0.0' } }));
    await initGenerator(tree, { skipFormat: true });
    const changes = tree.listChanges().map((change) => change.path);
    await initGenerator(tree, { skipFormat: true });
    expect(tree.listChanges().map((change) => change.path)).toEqual(changes);
    expect(readNxJson(tree)!.plugins).toEqual([{ plugin: PLUGIN, options: { backupTargets: false } }]);
    expect(readJson(tree, 'package.json').devDependencies['@nx/devkit']).toBe('23.0.0');
  });

  it('counts the short form "@shopops/ops" in plugins as registered', async () => {
    updateJson(tree, 'nx.json', (json) => ({ ...json, plugins: [PLUGIN] }));
    await initGenerator(tree, { skipFormat: true, skipPackageJson: true });
    expect(readNxJson(tree)!.plugins).toEqual([PLUGIN]);
  });

  it('names the supported range on an unsupported Nx', () => {
    expect(() => assertSupportedNx('22.1.3')).toThrow(
      '@shopops/ops supports Nx >=23 <25; this workspace has Nx 22.1.3: run `nx migrate latest` first, or use an @shopops/ops release for your Nx',
    );
    expect(() => assertSupportedNx('25.0.0')).toThrow(/supports Nx >=23 <25/);
    expect(() => assertSupportedNx('23.2.1')).not.toThrow();
    expect(() => assertSupportedNx('24.0.0-beta.1')).not.toThrow();
  });
});
