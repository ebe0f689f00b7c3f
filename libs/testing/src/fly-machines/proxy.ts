import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimMachine } from './machine-state.ts';
import { internalPort } from './machine-process.ts';

export interface ProxyTarget {
  /** Machines the proxy may route to: started, uncordoned, every service check passing. */
  routable(app: string): SimMachine[];
  /** A started machine of the app by id, for `fly-force-instance-id`. */
  started(app: string, id: string): SimMachine | undefined;
}

export interface RunningProxy {
  url: string;
  close(): Promise<void>;
}

const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const NO_MACHINE_WAIT_MS = 3_000;

/**
 * Fly's proxy for one app, on loopback: round-robin over the routable machines, `fly-force-instance-id`
 * pinning a request to one machine, and a request whose connection failed before an answer tried on
 * another machine (as Fly's proxy retries), so a machine going away drops nothing it had not answered.
 */
export async function startProxy(app: string, target: ProxyTarget): Promise<RunningProxy> {
  let next = 0;
  const agents = new Map<string, Agent>();
  const agentFor = (m: SimMachine) => {
    const key = `${m.id}:${m.instance_id}`;
    let agent = agents.get(key);
    if (!agent) agents.set(key, (agent = new Agent({ keepAlive: true, maxSockets: 64 })));
    return agent;
  };

  const pick = async (forced: string | undefined, tried: Set<string>): Promise<SimMachine | undefined> => {
    const deadline = Date.now() + NO_MACHINE_WAIT_MS;
    for (;;) {
      if (forced) return target.started(app, forced);
      const candidates = target.routable(app).filter((m) => !tried.has(m.id));
      if (candidates.length) return candidates[next++ % candidates.length];
      if (Date.now() > deadline) return undefined;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const forward = (m: SimMachine, incoming: IncomingMessage, body: Buffer): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const headers = {
        ...incoming.headers,
        'fly-forwarded-port': '443',
        'x-forwarded-for': incoming.socket.remoteAddress ?? '',
      };
      const outgoing = request(
        {
          host: m.private_ip,
          port: internalPort(m),
          method: incoming.method,
          path: incoming.url,
          headers,
          agent: agentFor(m),
        },
        resolve,
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const server: Server = createServer(async (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const forced = incoming.headers['fly-force-instance-id'];
    const tried = new Set<string>();
    for (let attempt = 0; attempt < 4; attempt++) {
      const machine = await pick(typeof forced === 'string' ? forced : undefined, tried);
      if (!machine) break;
      tried.add(machine.id);
      try {
        const answer = await forward(machine, incoming, body);
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        return;
      } catch (error) {
        if (!RETRYABLE.has((error as NodeJS.ErrnoException).code ?? '')) break;
      }
    }
    response.writeHead(503, { 'content-type': 'text/plain' });
    response.end(`fly-proxy (simulated): no machine of ${app} could answer\n`);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const agent of agents.values()) agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
