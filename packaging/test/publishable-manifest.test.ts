import { describe, expect, it } from 'vitest';
import { publishableManifest, type Manifest } from '../publishable-manifest.ts';

const source: Manifest = {
  name: '@shopops/ops',
  version: '0.1.0',
  type: 'module',
  exports: { '.': './src/index.ts', './package.json': './package.json', './executors.json': './executors.json' },
  bin: { ops: './src/main.ts' },
  executors: './executors.json',
  dependencies: { '@shopops/migrate': '*', zod: '4.6.7' },
  peerDependencies: { nx: '>=23 <25' },
  devDependencies: { '@shopops/testing': '*' },
};
const versions = new Map([['@shopops/migrate', '0.1.0']]);
const everythingBuilt = () => true;

describe('publishableManifest', () => {
  it('points exports, main, types and bin at the compiled files', () => {
    const manifest = publishableManifest(source, versions, everythingBuilt);
    expect(manifest.exports).toEqual({
      '.': { types: './src/index.d.ts', default: './src/index.js' },
      './package.json': './package.json',
      './executors.json': './executors.json',
    });
    expect(manifest).toMatchObject({
      main: './src/index.js',
      types: './src/index.d.ts',
      bin: { ops: './src/main.js' },
    });
    expect(manifest.executors).toBe('./executors.json');
  });

  it('pins workspace dependencies to their version and keeps npm ones as declared', () => {
    const manifest = publishableManifest(source, versions, everythingBuilt);
    expect(manifest.dependencies).toEqual({ '@shopops/migrate': '0.1.0', zod: '4.6.7' });
    expect(manifest.peerDependencies).toEqual({ nx: '>=23 <25' });
    expect(manifest).not.toHaveProperty('devDependencies');
  });

  it('refuses a private package, an entry point that was not compiled and a workspace range that disagrees', () => {
    expect(() => publishableManifest({ ...source, private: true }, versions, everythingBuilt)).toThrow(/is private/);
    expect(() => publishableManifest(source, versions, (path) => path !== './src/main.js')).toThrow(
      '@shopops/ops: ./src/main.ts was not compiled to ./src/main.js',
    );
    const stale = { ...source, dependencies: { '@shopops/migrate': '0.0.9' } };
    expect(() => publishableManifest(stale, versions, everythingBuilt)).toThrow(
      '@shopops/migrate: the workspace has 0.1.0, not 0.0.9',
    );
  });
});
