import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ImageDefinition } from './images.ts';
import { MachineProcess } from './machine-process.ts';
import type { SimMachine, SimMachineConfig } from './machine-state.ts';
import { startProxy, type RunningProxy } from './proxy.ts';

export interface FlyMachinesSimulatorOptions {
  /** The one token accepted, as `Bearer <token>` or `FlyV1 <token>`. */
  token: string;
  /** Image references the simulator can "pull", and what a machine of each runs. */
  images: Record<string, ImageDefinition>;
  /** Who leases taken with the token belong to. */
  owner?: string;
}

interface App {
  name: string;
  machines: Map<string, SimMachine>;
  proxy: RunningProxy;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A local Fly Machines API (`/v1/apps/{app}/machines/…`) on loopback: the endpoints a deploy uses, Fly's
 * error shapes (`{"error": "…"}`), the token checked, leases with nonces and 409s. Each machine is a real
 * process (see images.ts), started and stopped as its state changes, on its own loopback address
 * (127.0.0.2, .3, …) at the service's internal_port, with its checks really run; each app has a proxy on
 * 127.0.0.1 that balances across started, uncordoned, healthy machines. Faults on demand: `rateLimit`,
 * `holdLease`, and images that never start or whose release command fails.
 */
export class FlyMachinesSimulator {
  private readonly apps = new Map<string, App>();
  private readonly processes = new Map<string, MachineProcess>();
  private server!: Server;
  private nextAddress = 2;
  private rateLimited = 0;
  /** Every API request, as `METHOD path`, for tests asserting what a run did (or did not) call. */
  readonly requests: string[] = [];
  url = '';

  constructor(private readonly options: FlyMachinesSimulatorOptions) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async createApp(name: string): Promise<string> {
    const proxy = await startProxy(name, {
      routable: (app) =>
        [...(this.apps.get(app)?.machines.values() ?? [])].filter(
          (m) =>
            m.state === 'started' &&
            !m.cordoned &&
            [...m.checks.values()]
              .filter((c) => c.name.startsWith('servicecheck-'))
              .every((c) => c.status === 'passing'),
        ),
      started: (app, id) => {
        const m = this.apps.get(app)?.machines.get(id);
        return m?.state === 'started' ? m : undefined;
      },
    });
    this.apps.set(name, { name, machines: new Map(), proxy });
    return proxy.url;
  }

  proxyUrl(app: string): string {
    return this.app(app).proxy.url;
  }

  /** The app's machines as the API shows them (destroyed ones left out). */
  machines(app: string): SimMachine[] {
    return [...this.app(app).machines.values()];
  }

  /** Machines in the proxy's rotation now. */
  serving(app: string): SimMachine[] {
    return this.machines(app).filter(
      (m) => m.state === 'started' && !m.cordoned && [...m.checks.values()].every((c) => c.status === 'passing'),
    );
  }

  /** Machines as a previous `fly deploy` left them: created, started, registered; resolves once all are serving. */
  async launch(app: string, count: number, config: SimMachineConfig, timeoutMs = 90_000): Promise<SimMachine[]> {
    const launched = Array.from({ length: count }, () => this.createMachine(this.app(app), { config }, false));
    const deadline = Date.now() + timeoutMs;
    while (!launched.every((m) => this.serving(app).includes(m))) {
      if (Date.now() > deadline)
        throw new Error(
          `machines did not become healthy:\n${launched.map((m) => `${m.id}: ${m.output.slice(-10).join('\n')}`).join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    return launched;
  }

  /** Every machine of the app killed and gone, for the next scenario. */
  async destroyAll(app: string): Promise<void> {
    const machines = this.machines(app);
    await Promise.all(machines.map((m) => this.processes.get(m.id)?.kill()));
    for (const m of machines) {
      m.state = 'destroyed';
      this.app(app).machines.delete(m.id);
    }
  }

  /** Fault: the next `count` API requests are answered 429. */
  rateLimit(count: number): void {
    this.rateLimited = count;
  }

  /** Fault: someone else (another deploy) holds the machine's lease. */
  holdLease(
    app: string,
    id: string,
    owner = 'someone-else@example.com',
    ttlSeconds = 300,
    description = 'fly deploy',
  ): void {
    const m = this.machine(this.app(app), id);
    m.lease = {
      nonce: randomBytes(16).toString('hex'),
      owner,
      description,
      expires_at: now() + ttlSeconds,
      version: randomId(),
    };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.kill()));
    await Promise.all([...this.apps.values()].map((a) => a.proxy.close()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private app(name: string): App {
    const app = this.apps.get(name);
    if (!app) throw new ApiError(404, `app not found: ${name}`);
    return app;
  }

  private machine(app: App, id: string): SimMachine {
    const m = app.machines.get(id);
    if (!m) throw new ApiError(404, `machine not found: ${id}`);
    return m;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(`${req.method} ${url.pathname}`);
    try {
      if (this.rateLimited > 0) {
        this.rateLimited--;
        throw new ApiError(429, 'rate limit exceeded, try again later');
      }
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${this.options.token}` && auth !== `FlyV1 ${this.options.token}`)
        throw new ApiError(401, 'unauthorized');
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        throw new ApiError(400, 'invalid JSON body');
      }
      const answer = await this.route(
        req.method ?? 'GET',
        url,
        body,
        req.headers['fly-machine-lease-nonce'] as string | undefined,
      );
      if (answer === undefined) {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 500;
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: (error as Error).message }));
    }
  }

  private async route(
    method: string,
    url: URL,
    body: Record<string, unknown>,
    nonce: string | undefined,
  ): Promise<unknown> {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'v1' || parts[1] !== 'apps' || !parts[2] || parts[3] !== 'machines')
      throw new ApiError(404, 'not found');
    const app = this.app(parts[2]);
    const [, , , , id, action, key] = parts;
    if (!id) {
      if (method === 'GET') return this.list(app, url.searchParams);
      if (method === 'POST') return this.create(app, body);
      throw new ApiError(405, 'method not allowed');
    }
    const m = this.machine(app, id);
    if (method === 'GET' && !action) return this.view(m);
    if (action === 'wait' && method === 'GET') return this.wait(m, url.searchParams);
    if (action === 'lease') return this.leaseCall(m, method, body, nonce);
    if (action === 'metadata' && method === 'GET') return m.config.metadata ?? {};
    this.checkLease(m, nonce);
    if (!action && method === 'POST') return this.update(m, body);
    if (!action && method === 'DELETE') return this.destroy(app, m, url.searchParams);
    if (method !== 'POST' && !(action === 'metadata' && method === 'DELETE'))
      throw new ApiError(405, 'method not allowed');
    switch (action) {
      case 'start':
        return this.startMachine(m);
      case 'stop':
        return this.stopMachine(m, body);
      case 'cordon':
        m.cordoned = true;
        return { ok: true };
      case 'uncordon':
        m.cordoned = false;
        return { ok: true };
      case 'metadata':
        if (!key) throw new ApiError(400, 'metadata key missing');
        m.config.metadata ??= {};
        if (method === 'DELETE') delete m.config.metadata[key];
        else {
          if (typeof body.value !== 'string') throw new ApiError(400, 'value must be a string');
          m.config.metadata[key] = body.value;
        }
        return undefined;
      default:
        throw new ApiError(404, `not found: ${action}`);
    }
  }

  private list(app: App, query: URLSearchParams): unknown[] {
    const filters = [...query]
      .filter(([k]) => k.startsWith('metadata.'))
      .map(([k, v]) => [k.slice('metadata.'.length), v]);
    return this.machines(app.name)
      .filter((m) => filters.every(([k, v]) => m.config.metadata?.[k!] === v))
      .map((m) => this.view(m));
  }

  private create(app: App, body: Record<string, unknown>): unknown {
    const config = body.config as SimMachineConfig | undefined;
    if (!config?.image) throw new ApiError(400, 'config.image is required');
    if (!this.options.images[config.image])
      throw new ApiError(422, `failed to resolve image ${config.image}: not found`);
    const m = this.createMachine(app, body, body.skip_service_registration === true);
    const ttl = Number(body.lease_ttl ?? 0);
    if (ttl > 0) {
      m.lease = {
        nonce: randomBytes(16).toString('hex'),
        owner: this.options.owner ?? 'deploy@example.com',
        description: '',
        expires_at: now() + ttl,
        version: randomId(),
      };
      return { ...this.view(m), nonce: m.lease.nonce };
    }
    return this.view(m);
  }

  private createMachine(app: App, body: Record<string, unknown>, unregistered: boolean): SimMachine {
    const id = randomBytes(7).toString('hex');
    const address = this.nextAddress++;
    const config = structuredClone(body.config as SimMachineConfig);
    const m: SimMachine = {
      id,
      name: typeof body.name === 'string' ? body.name : `machine-${id.slice(0, 6)}`,
      app: app.name,
      region: typeof body.region === 'string' ? body.region : 'scl',
      instance_id: randomId(),
      private_ip: `127.0.${Math.floor(address / 250)}.${(address % 250) + 2}`,
      state: 'created',
      config,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      events: [],
      checks: new Map(),
      cordoned: unregistered,
      output: [],
    };
    app.machines.set(id, m);
    this.event(m, 'launch', 'created', 'user');
    if (body.skip_launch !== true) this.boot(m);
    return m;
  }

  private boot(m: SimMachine): void {
    const image = this.options.images[m.config.image]!;
    m.state = 'starting';
    this.event(m, 'start', 'starting', 'user');
    if (image.neverStarts) return;
    const process = new MachineProcess(m, image, (code, requested) => {
      this.processes.delete(m.id);
      if (m.state === 'destroying' || m.state === 'destroyed') return;
      m.state = 'stopped';
      m.updated_at = new Date().toISOString();
      m.events.push({
        id: randomId(),
        type: 'exit',
        status: 'stopped',
        source: 'flyd',
        timestamp: Date.now(),
        request: {
          exit_event: {
            exit_code: code,
            oom_killed: false,
            requested_stop: requested,
            exited_at: new Date().toISOString(),
          },
        },
      });
    });
    this.processes.set(m.id, process);
    process.start();
    m.state = 'started';
    this.event(m, 'start', 'started', 'flyd');
  }

  private startMachine(m: SimMachine): unknown {
    if (m.state !== 'stopped' && m.state !== 'created')
      throw new ApiError(412, `failed_precondition: machine is ${m.state}, not stopped`);
    this.boot(m);
    return { previous_state: 'stopped' };
  }

  private async stopMachine(m: SimMachine, body: Record<string, unknown>): Promise<unknown> {
    const process = this.processes.get(m.id);
    if (m.state === 'starting' && !process) {
      m.state = 'stopped';
      return { ok: true };
    }
    if (!process) return { ok: true };
    m.state = 'stopping';
    this.event(m, 'stop', 'stopping', 'user');
    const signal = (typeof body.signal === 'string' ? body.signal : 'SIGTERM') as NodeJS.Signals;
    void process.stop(signal, 30_000);
    return { ok: true };
  }

  private async destroy(app: App, m: SimMachine, query: URLSearchParams): Promise<unknown> {
    const force = query.get('force') === 'true';
    if (!force && !['stopped', 'created'].includes(m.state))
      throw new ApiError(412, `failed_precondition: unable to destroy machine ${m.id}, not currently stopped`);
    m.state = 'destroying';
    const process = this.processes.get(m.id);
    if (process) await (query.get('kill') === 'true' ? process.kill() : process.stop('SIGTERM', 10_000));
    m.state = 'destroyed';
    app.machines.delete(m.id);
    return { ok: true };
  }

  private update(m: SimMachine, body: Record<string, unknown>): unknown {
    const config = body.config as SimMachineConfig | undefined;
    if (!config?.image) throw new ApiError(400, 'config.image is required');
    if (!this.options.images[config.image])
      throw new ApiError(422, `failed to resolve image ${config.image}: not found`);
    m.config = structuredClone(config);
    m.instance_id = randomId();
    const process = this.processes.get(m.id);
    if (process) void process.stop('SIGTERM', 30_000).then(() => this.boot(m));
    return this.view(m);
  }

  /** `state` (default started) within `timeout` seconds (at most 60), else 408 as Fly answers. */
  private async wait(m: SimMachine, query: URLSearchParams): Promise<unknown> {
    const state = query.get('state') ?? 'started';
    if (!['started', 'stopped', 'suspended', 'destroyed'].includes(state))
      throw new ApiError(400, `invalid state ${state}`);
    const timeout = Number(query.get('timeout') ?? 60);
    if (!Number.isFinite(timeout) || timeout < 1 || timeout > 60)
      throw new ApiError(400, 'timeout must be 1 to 60 seconds');
    const instance = query.get('instance_id') ?? query.get('version');
    const deadline = Date.now() + timeout * 1000;
    while (Date.now() < deadline) {
      if (m.state === state && (!instance || instance === m.instance_id)) return { ok: true };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new ApiError(408, `deadline_exceeded: machine ${m.id} did not reach state ${state} within ${timeout}s`);
  }

  private leaseCall(m: SimMachine, method: string, body: Record<string, unknown>, nonce: string | undefined): unknown {
    const lease = m.lease && m.lease.expires_at > now() ? m.lease : undefined;
    if (method === 'GET') {
      if (!lease) throw new ApiError(404, 'lease not found');
      return { status: 'success', data: lease };
    }
    if (method === 'DELETE') {
      if (!lease) throw new ApiError(404, 'lease not found');
      if (nonce !== lease.nonce) throw new ApiError(409, `lease nonce mismatch for machine ${m.id}`);
      m.lease = undefined;
      return { status: 'success' };
    }
    if (method !== 'POST') throw new ApiError(405, 'method not allowed');
    const ttl = Number(body.ttl ?? 30);
    if (lease && nonce !== lease.nonce)
      throw new ApiError(
        409,
        `machine ${m.id} lease currently held by ${lease.owner}, expires at ${new Date(lease.expires_at * 1000).toISOString()}`,
      );
    const description = typeof body.description === 'string' ? body.description : (lease?.description ?? '');
    m.lease = lease
      ? { ...lease, description, expires_at: now() + ttl }
      : {
          nonce: randomBytes(16).toString('hex'),
          owner: this.options.owner ?? 'deploy@example.com',
          description,
          expires_at: now() + ttl,
          version: randomId(),
        };
    return { status: 'success', data: m.lease };
  }

  private checkLease(m: SimMachine, nonce: string | undefined): void {
    const lease = m.lease && m.lease.expires_at > now() ? m.lease : undefined;
    if (lease && nonce !== lease.nonce)
      throw new ApiError(
        409,
        `machine ${m.id} lease currently held by ${lease.owner}, expires at ${new Date(lease.expires_at * 1000).toISOString()}`,
      );
  }

  private event(m: SimMachine, type: string, status: string, source: 'user' | 'flyd'): void {
    m.events.push({ id: randomId(), type, status, source, timestamp: Date.now() });
    m.updated_at = new Date().toISOString();
  }

  private view(m: SimMachine): Record<string, unknown> {
    return {
      id: m.id,
      name: m.name,
      state: m.state,
      region: m.region,
      instance_id: m.instance_id,
      private_ip: m.private_ip,
      config: m.config,
      image_ref: { registry: 'registry.fly.io', repository: m.config.image.split(/[:@]/)[0], tag: '', digest: '' },
      created_at: m.created_at,
      updated_at: m.updated_at,
      events: [...m.events].reverse(),
      checks: [...m.checks.values()],
      host_status: 'ok',
    };
  }
}

const now = () => Math.floor(Date.now() / 1000);
const randomId = () => randomBytes(13).toString('base64url').toUpperCase().slice(0, 26);

export async function startFlyMachinesSimulator(options: FlyMachinesSimulatorOptions): Promise<FlyMachinesSimulator> {
  return new FlyMachinesSimulator(options).start();
}
