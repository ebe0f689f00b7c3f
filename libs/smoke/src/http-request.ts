import http from 'node:http';
import https from 'node:https';
import { rootCertificates, type TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Extra certificate authorities (PEM) to trust. */
  ca?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** From sending the request to the last byte of the body. */
  latencyMs: number;
  /** When the server certificate expires (https only). */
  certificateValidTo?: Date;
}

/** The request could not be completed: DNS, refused, TLS handshake, timeout, reset. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

// Keep-alive agents shared by every check of a run: one connection per concurrent check, not one per request.
const agents = { http: new http.Agent({ keepAlive: true }), https: new Map<string, https.Agent>() };

function agentFor(url: URL, ca: string | undefined): http.Agent {
  if (url.protocol === 'http:') return agents.http;
  const key = ca ?? '';
  let agent = agents.https.get(key);
  if (!agent) {
    agent = new https.Agent({ keepAlive: true, ...(ca ? { ca: [...rootCertificates, ca] } : {}) });
    agents.https.set(key, agent);
  }
  return agent;
}

/**
 * One HTTP request with node:http, not fetch: the TLS certificate of the connection is needed for
 * the certificate check, a private CA must be trusted per run, and the whole exchange is bounded.
 */
export function sendRequest(request: HttpRequest): Promise<HttpResponse> {
  const started = performance.now();
  const client = request.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      request.url,
      {
        method: request.method,
        headers: {
          'user-agent': 'shopops-smoke',
          ...(request.body !== undefined ? { 'content-length': Buffer.byteLength(request.body).toString() } : {}),
          ...request.headers,
        },
        agent: agentFor(request.url, request.ca),
      },
      (res) => {
        const chunks: Buffer[] = [];
        const socket = res.socket as TLSSocket;
        const validTo =
          typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate()?.valid_to : undefined;
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(unreachable(error, request)));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: flattenHeaders(res.headers),
            body: Buffer.concat(chunks).toString('utf8'),
            latencyMs: Math.round((performance.now() - started) * 10) / 10,
            ...(validTo ? { certificateValidTo: new Date(validTo) } : {}),
          }),
        );
      },
    );
    req.setTimeout(request.timeoutMs, () =>
      req.destroy(Object.assign(new Error(`no answer within ${request.timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', (error) => reject(unreachable(error, request)));
    req.end(request.body);
  });
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
  );
}

function unreachable(error: Error, request: HttpRequest): UnreachableError {
  const code = (error as NodeJS.ErrnoException).code;
  const target = `${request.url.host}`;
  const reason =
    code === 'ECONNREFUSED'
      ? `connection refused by ${target}`
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `cannot resolve ${request.url.hostname}`
        : code === 'ETIMEDOUT'
          ? `${target}: ${error.message}`
          : `${target}: ${code ? `${code}: ` : ''}${error.message}`;
  return new UnreachableError(reason, code);
}

/** Closes idle keep-alive connections, so a CLI process exits as soon as it is done. */
export function closeConnections(): void {
  agents.http.destroy();
  for (const agent of agents.https.values()) agent.destroy();
  agents.https.clear();
}
