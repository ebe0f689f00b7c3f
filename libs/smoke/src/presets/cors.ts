import type { Check } from '../file/schema.ts';

export interface CorsPresetOptions {
  origin: string;
  refusedOrigin?: string;
  path?: string;
}

/**
 * Preflights as a browser sends them (apps/api/src/hardening.ts registers @fastify/cors from
 * CORS_ORIGINS): the storefront's origin is allowed, any other gets no Access-Control-Allow-Origin.
 */
export function corsPreset(options: CorsPresetOptions): Check[] {
  const path = options.path ?? '/products';
  const refused = options.refusedOrigin ?? 'https://refused.invalid';
  const preflight = (origin: string) => ({
    origin,
    'access-control-request-method': 'GET',
    'access-control-request-headers': 'content-type',
  });
  return [
    {
      name: `cors: a preflight from ${options.origin} passes`,
      method: 'OPTIONS',
      path,
      headers: preflight(options.origin),
      status: [200, 204],
      tags: ['cors'],
      assert: {
        headers: {
          'access-control-allow-origin': { equals: options.origin },
          'access-control-allow-methods': { matches: '\\bGET\\b' },
        },
      },
    },
    {
      name: `cors: a preflight from ${refused} is refused`,
      method: 'OPTIONS',
      path,
      headers: preflight(refused),
      status: [200, 204, 400, 403, 404],
      tags: ['cors'],
      assert: { headers: { 'access-control-allow-origin': { exists: false } } },
    },
  ];
}
