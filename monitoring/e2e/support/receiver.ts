import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The fields the test reads of PagerDuty Events v2 and Slack webhook bodies. */
export interface DeliveryBody {
  event_action?: string;
  dedup_key?: string;
  routing_key?: string;
  channel?: string;
  payload?: { summary?: string; severity?: string; custom_details?: Record<string, string> };
}

export interface Delivery {
  path: string;
  body: DeliveryBody;
}

/** Where Alertmanager's PagerDuty and Slack integrations post in the test: records every JSON body by path. */
export async function startWebhookReceiver() {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      deliveries.push({ path: request.url ?? '', body: JSON.parse(body || '{}') as DeliveryBody });
      // PagerDuty's Events API v2 answers 202 with a status; Slack's incoming webhooks answer 200 "ok".
      if (request.url === '/pagerduty')
        response.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success"}');
      else response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
