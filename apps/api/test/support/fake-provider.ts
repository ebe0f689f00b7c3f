import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A payment provider's API played by a real HTTP server on loopback: it records each request and answers with
 * what the test set for that path, so provider adapters are exercised over the wire.
 */
export async function startFakeProvider() {
  const requests: RecordedRequest[] = [];
  const answers = new Map<string, { status: number; body: unknown }>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const path = (request.url ?? '').split('?')[0]!;
      requests.push({ method: request.method ?? '', path, headers: request.headers, body });
      const answer = answers.get(path) ?? { status: 404, body: { error: 'not found' } };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(path: string, status: number, body: unknown) {
      answers.set(path, { status, body });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Value of one sample in Prometheus text, e.g. metric('payments_paid_total{provider="sandbox"}'); 0 when absent. */
export function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
