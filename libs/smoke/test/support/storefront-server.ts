import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const webRoot = new URL('../../../../apps/web/', import.meta.url);

/**
 * The security headers exactly as the image sets them: the add_header lines of
 * apps/web/docker/templates/security-headers.inc.template, with the values apps/web/Dockerfile's ENV gives.
 */
export function nginxSecurityHeaders(): Record<string, string> {
  const dockerfile = readFileSync(new URL('Dockerfile', webRoot), 'utf8').replace(/\\\n/g, ' ');
  const env = Object.fromEntries([...dockerfile.matchAll(/\b([A-Z_]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const template = readFileSync(new URL('docker/templates/security-headers.inc.template', webRoot), 'utf8');
  return Object.fromEntries(
    [...template.matchAll(/^add_header (\S+) "([^"]*)" always;$/gm)].map(([, name, value]) => [
      name!.toLowerCase(),
      value!.replace(/\$\{(\w+)\}/g, (_, variable: string) => env[variable] ?? ''),
    ]),
  );
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'application/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/**
 * The locations of apps/web/docker/templates/storefront.conf.template, served from a built dist:
 * /version.json no-store with a real 404, /assets/ cached immutable with a real 404, everything else
 * `try_files $uri $uri/ /index.html` with no-cache. `spaFallback: false` is the classic mistake: deep links 404.
 */
export async function startStorefrontServer(
  dist: string,
  options: { spaFallback?: boolean } = {},
): Promise<{ url: string; stop(): Promise<void> }> {
  const security = nginxSecurityHeaders();
  const send = (res: ServerResponse, status: number, cache: string, file?: string) => {
    res.writeHead(status, {
      ...security,
      'cache-control': cache,
      'content-type': file ? (TYPES[extname(file)] ?? 'application/octet-stream') : 'text/html',
    });
    res.end(file ? readFileSync(file) : '<html><body>404 Not Found</body></html>');
  };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    const file = join(dist, path);
    const isFile = existsSync(file) && statSync(file).isFile();
    if (path === '/version.json') return isFile ? send(res, 200, 'no-store', file) : send(res, 404, 'no-store');
    if (path.startsWith('/assets/'))
      return isFile
        ? send(res, 200, 'public, max-age=31536000, immutable', file)
        : send(res, 404, 'public, max-age=31536000, immutable');
    if (!isFile && path !== '/' && options.spaFallback === false) return send(res, 404, 'no-cache');
    send(res, 200, 'no-cache', isFile ? file : join(dist, 'index.html'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
