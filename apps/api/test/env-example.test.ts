import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderEnvExample } from '@shopops/config';

describe('apps/api/.env.example', () => {
  it('is what the config schema generates (regenerate: npx nx run api:env-example)', () => {
    const committed = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    expect(committed, 'apps/api/.env.example is stale: run `npx nx run api:env-example`').toBe(renderEnvExample());
  });
});
