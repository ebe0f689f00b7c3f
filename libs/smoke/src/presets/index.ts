import { SmokeInputError } from '../errors.ts';
import type { Check, PresetInclude } from '../file/schema.ts';
import { apiPreset } from './api.ts';
import { corsPreset } from './cors.ts';
import { webPreset } from './web.ts';

/** The checks an `include:` entry stands for, with the entry's extra tags. */
export function presetChecks(include: PresetInclude, where: { file: string; line?: number }): Check[] {
  const entry = typeof include === 'string' ? { preset: include } : include;
  const checks = (() => {
    switch (entry.preset) {
      case 'api':
        return apiPreset();
      case 'web':
        return webPreset({ path: 'path' in entry ? entry.path : undefined });
      case 'cors': {
        const { origin, refusedOrigin, path } = entry as Extract<PresetInclude, { preset: string }>;
        if (!origin)
          throw new SmokeInputError('the cors preset needs the origin that is allowed', {
            ...where,
            remedy: "write `- preset: cors` with `origin: '{{ vars.storefront }}'` (or a URL)",
          });
        return corsPreset({ origin, refusedOrigin, path });
      }
    }
  })();
  const extraTags = 'tags' in entry ? (entry.tags ?? []) : [];
  return checks.map((check) => ({ ...check, tags: [...check.tags, ...extraTags] }));
}
