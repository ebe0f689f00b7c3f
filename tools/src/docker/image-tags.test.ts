import { describe, expect, it } from 'vitest';
import { imageReferences, imageTags, sanitizeTag, type TagRules } from './image-tags.ts';

const sha = '0123456789abcdef0123456789abcdef01234567';
const rules: TagRules = { sha: true, branch: true, semver: true, latest: 'auto', defaultBranch: 'main', raw: [] };

describe('imageTags (docker/metadata-action semantics)', () => {
  it('on the default branch: branch, sha-<7>, latest; version is the branch', () => {
    expect(imageTags({ sha, branch: 'main', tags: [] }, rules)).toEqual({
      tags: ['main', 'sha-0123456', 'latest'],
      version: 'main',
    });
  });

  it('on a feature branch: sanitised branch and sha, no latest', () => {
    expect(imageTags({ sha, branch: 'feature/Checkout#2', tags: [] }, rules).tags).toEqual([
      'feature-Checkout-2',
      'sha-0123456',
    ]);
  });

  it('a vX.Y.Z tag gives X.Y.Z, X.Y and X first; the highest of several tags leads', () => {
    const result = imageTags({ sha, tags: ['v1.2.3', 'v1.10.0', 'not-semver'] }, { ...rules, raw: ['edge'] });
    expect(result).toEqual({ tags: ['1.10.0', '1.10', '1', '1.2.3', '1.2', 'sha-0123456', 'edge'], version: '1.10.0' });
  });

  it('a prerelease only gets its full version', () => {
    expect(imageTags({ sha, tags: ['v2.0.0-rc.1'] }, rules).tags).toEqual(['2.0.0-rc.1', 'sha-0123456']);
  });

  it('latest true/false overrides the default branch rule; rules can be switched off', () => {
    expect(imageTags({ sha, branch: 'dev', tags: [] }, { ...rules, latest: true }).tags).toContain('latest');
    expect(imageTags({ sha, branch: 'main', tags: [] }, { ...rules, latest: false }).tags).not.toContain('latest');
    expect(() => imageTags({ sha, tags: [] }, { ...rules, sha: false, branch: false })).toThrow(
      'no tag rule produced a tag',
    );
  });

  it('rejects raw tags that are not valid image tags', () => {
    expect(() => imageTags({ sha, tags: [] }, { ...rules, raw: ['-x'] })).toThrow(
      'raw tag "-x" is not a valid image tag',
    );
  });

  it('sanitizeTag and imageReferences', () => {
    expect(sanitizeTag('.hidden/x')).toBe('hidden-x');
    expect(sanitizeTag('a'.repeat(200))).toHaveLength(128);
    expect(imageReferences(['a', 'ghcr.io/b/c'], ['1', 'latest'])).toEqual([
      'a:1',
      'a:latest',
      'ghcr.io/b/c:1',
      'ghcr.io/b/c:latest',
    ]);
  });
});
