import type { Assertions, Check } from '../file/schema.ts';

/** What apps/web/docker/templates/security-headers.inc.template adds to every response. */
const SECURITY_HEADERS: NonNullable<Assertions['headers']> = {
  'content-security-policy': { matches: "default-src 'self'" },
  'strict-transport-security': { matches: 'max-age=\\d+' },
  'x-frame-options': { equals: 'DENY' },
  'x-content-type-options': { equals: 'nosniff' },
  'referrer-policy': { exists: true },
  'permissions-policy': { exists: true },
};

/** The marker of the SPA's index.html (apps/web/index.html), so a deep link is seen to get it too. */
const APP_ROOT = '<div id="app">';

/**
 * The storefront as nginx serves it (apps/web/docker/templates/storefront.conf.template): index.html
 * revalidated on every load, deep links answered with index.html, hashed assets cached for a year
 * and a missing one a real 404, every security header, and /version.json naming the build.
 */
export function webPreset(options: { path?: string } = {}): Check[] {
  const deepLink = options.path ?? '/products/1';
  const html = { 'content-type': { matches: '^text/html' } };
  return [
    {
      name: 'web: GET / serves index.html, revalidated, with every security header',
      method: 'GET',
      path: '/',
      status: 200,
      tags: ['web'],
      assert: {
        headers: { ...html, 'cache-control': { matches: 'no-cache' }, ...SECURITY_HEADERS },
        body: { contains: APP_ROOT },
      },
      capture: { webAsset: { regex: '<script[^>]+src="(/assets/[^"]+\\.js)"', secret: false } },
    },
    {
      name: `web: a deep link (${deepLink}) gets index.html`,
      method: 'GET',
      path: deepLink,
      status: 200,
      tags: ['web'],
      assert: { headers: { ...html, 'cache-control': { matches: 'no-cache' } }, body: { contains: APP_ROOT } },
    },
    {
      name: 'web: a hashed asset is cached immutable',
      method: 'GET',
      path: '{{ captured.webAsset }}',
      status: 200,
      tags: ['web'],
      assert: {
        headers: {
          'cache-control': { matches: '(?=.*max-age=31536000)(?=.*immutable)' },
          ...SECURITY_HEADERS,
        },
      },
    },
    {
      name: 'web: a missing /assets file is 404, not index.html',
      method: 'GET',
      path: '/assets/smoke-check-missing-file.js',
      status: 404,
      tags: ['web'],
      assert: { body: { matches: '^(?![\\s\\S]*<div id="app">)' } },
    },
    {
      name: 'web: GET /version.json names the build',
      method: 'GET',
      path: '/version.json',
      status: 200,
      tags: ['web', 'version'],
      assert: { json: { '$.version': { exists: true }, '$.commit': { exists: true } } },
      build: { version: '$.version', commit: '$.commit' },
    },
  ];
}
