import { describe, expect, it } from 'vitest';
import { ociLabels, sourceUrlFromRemote } from './oci-labels.ts';

describe('ociLabels', () => {
  it('sets title, revision, version, created and source; extra labels may override', () => {
    const labels = ociLabels({
      title: 'api',
      revision: 'abc',
      version: '1.0.0',
      source: 'https://github.com/acme/shop',
      created: new Date('2026-01-02T03:04:05Z'),
      extra: { 'org.opencontainers.image.title': 'shop-api', team: 'shop' },
    });
    expect(labels).toEqual({
      'org.opencontainers.image.title': 'shop-api',
      'org.opencontainers.image.revision': 'abc',
      'org.opencontainers.image.version': '1.0.0',
      'org.opencontainers.image.created': '2026-01-02T03:04:05.000Z',
      'org.opencontainers.image.source': 'https://github.com/acme/shop',
      team: 'shop',
    });
  });

  it('turns remotes into public https URLs without credentials', () => {
    expect(sourceUrlFromRemote('git@github.com:acme/shop.git')).toBe('https://github.com/acme/shop');
    expect(sourceUrlFromRemote('ssh://git@gitlab.example.com/acme/shop.git')).toBe(
      'https://gitlab.example.com/acme/shop',
    );
    expect(sourceUrlFromRemote('https://x-access-token:ghs_secret@github.com/acme/shop.git')).toBe(
      'https://github.com/acme/shop',
    );
    expect(sourceUrlFromRemote('/srv/git/shop.git')).toBeUndefined();
  });
});
