import { describe, expect, it } from 'vitest';
import { dependencyClosure, isPublishedTestFile, packageName, type LockPackages } from '../production-dependencies.ts';

const lock: LockPackages = {
  '': {},
  'node_modules/a': { dependencies: { b: '^1', c: '^1' }, optionalDependencies: { 'a-native': '1' } },
  'node_modules/b': { dependencies: { c: '^2' } },
  'node_modules/b/node_modules/c': {},
  'node_modules/c': { peerDependencies: { p: '*', q: '*' }, peerDependenciesMeta: { q: { optional: true } } },
  'node_modules/p': {},
  'node_modules/unused': {},
  'node_modules/@s/x': { dependencies: { a: '1' } },
};

describe('dependencyClosure', () => {
  it('follows dependencies with Node’s nearest-node_modules resolution, skipping absent optional ones', () => {
    expect(dependencyClosure(lock, ['@s/x'])).toEqual([
      'node_modules/@s/x',
      'node_modules/a',
      'node_modules/b',
      'node_modules/b/node_modules/c',
      'node_modules/c',
      'node_modules/p',
    ]);
  });

  it('fails on a required package the lockfile lacks', () => {
    expect(() => dependencyClosure({ 'node_modules/a': { dependencies: { gone: '1' } } }, ['a'])).toThrow(
      'gone (needed by node_modules/a) is not in package-lock.json: run npm install',
    );
  });

  it('packageName', () => {
    expect(packageName('@aws-sdk/client-s3/dist/x.js')).toBe('@aws-sdk/client-s3');
    expect(packageName('pino/file')).toBe('pino');
    expect(packageName('node:fs')).toBeUndefined();
    expect(packageName('./x.ts')).toBeUndefined();
  });
});

describe('isPublishedTestFile', () => {
  it('spots test folders and test files inside a package, not code that merely mentions tests', () => {
    expect(isPublishedTestFile('src/v4/classic/tests/string.test.ts')).toBe(true);
    expect(isPublishedTestFile('test/transport/worker.js')).toBe(true);
    expect(isPublishedTestFile('src/index.spec.mjs')).toBe(true);
    expect(isPublishedTestFile('lib/testing.js')).toBe(false);
    expect(isPublishedTestFile('dist/contest/index.js')).toBe(false);
    expect(isPublishedTestFile('')).toBe(false);
  });
});
