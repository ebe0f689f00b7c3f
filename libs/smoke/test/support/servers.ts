import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse, seen: number) => void;

/** A real HTTP (or, with a key and certificate, HTTPS) server on 127.0.0.1 that answers as `handler` says. */
export async function startServer(handler: Handler, tls?: { key: string; cert: string }): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    requests.push({ method: request.method!, url: request.url!, headers: request.headers });
    request.resume();
    request.on('end', () => handler(request, response, requests.filter((r) => r.url === request.url).length));
  };
  const server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** A self-signed certificate for 127.0.0.1 that expires in `days` days, made by the real openssl binary. */
export async function selfSignedCertificate(
  dir: string,
  days: number,
): Promise<{ key: string; cert: string; certFile: string }> {
  const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    String(days),
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}
