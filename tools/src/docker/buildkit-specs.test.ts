import { describe, expect, it } from 'vitest';
import { rejoinSplitSpecs, startsCacheSpec, startsSecretSpec } from './buildkit-specs.ts';

describe('BuildKit specs split by Nx at commas', () => {
  it('glues the pieces of each cache spec back, bare references included', () => {
    expect(
      rejoinSplitSpecs(
        [
          'type=gha',
          'scope=api',
          'mode=max',
          'ghcr.io/acme/api:buildcache',
          'type=registry',
          'ref=ghcr.io/acme/api:cache',
        ],
        startsCacheSpec,
      ),
    ).toEqual([
      'type=gha,scope=api,mode=max',
      'ghcr.io/acme/api:buildcache',
      'type=registry,ref=ghcr.io/acme/api:cache',
    ]);
  });

  it('glues secret specs back at each id=', () => {
    expect(rejoinSplitSpecs(['id=npmrc', 'src=/run/npmrc', 'id=TOKEN', 'env=TOKEN'], startsSecretSpec)).toEqual([
      'id=npmrc,src=/run/npmrc',
      'id=TOKEN,env=TOKEN',
    ]);
  });

  it('leaves whole specs as they are, and a leading stray piece for validation to refuse', () => {
    expect(rejoinSplitSpecs(['type=local,src=/tmp/cache'], startsCacheSpec)).toEqual(['type=local,src=/tmp/cache']);
    expect(rejoinSplitSpecs(['src=/run/npmrc', 'id=npmrc'], startsSecretSpec)).toEqual(['src=/run/npmrc', 'id=npmrc']);
    expect(rejoinSplitSpecs([], startsSecretSpec)).toEqual([]);
  });
});
