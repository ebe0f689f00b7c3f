import type { Lease, Machine, MachineConfig } from './machine.ts';
import { backoffMs, sleep } from './retry.ts';

/** An answer of the Machines API that is not a success: Fly's `{"error": "…"}` and the status. */
export class FlyApiError extends Error {
  override name = 'FlyApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly call: string,
  ) {
    super(message);
  }
}

export interface MachinesApiOptions {
  baseUrl: string;
  app: string;
  token: string;
  retries: number;
  /** Told about each retry, e.g. for the progress lines. */
  onRetry?: (what: string) => void;
}

export interface CreateMachineInput {
  config: MachineConfig;
  name?: string;
  region?: string;
  skip_service_registration?: boolean;
  lease_ttl?: number;
}

const RETRIED = new Set([429, 500, 502, 503, 504]);

/**
 * The Fly Machines REST API of one app (`/v1/apps/{app}/…`). Every call is retried with backoff on 429,
 * 5xx and connection errors, a bounded number of times; the lease nonce of a machine this client leased is
 * sent with every change to it (`fly-machine-lease-nonce`). The token never appears in an error.
 */
export class MachinesApi {
  private readonly nonces = new Map<string, string>();

  constructor(private readonly options: MachinesApiOptions) {}

  get app(): string {
    return this.options.app;
  }

  list(metadata: Record<string, string> = {}): Promise<Machine[]> {
    const query = new URLSearchParams(Object.entries(metadata).map(([k, v]): [string, string] => [`metadata.${k}`, v]));
    return this.call<Machine[]>('GET', `/machines${query.size ? `?${query}` : ''}`);
  }

  get(id: string): Promise<Machine> {
    return this.call('GET', `/machines/${id}`);
  }

  async create(input: CreateMachineInput): Promise<Machine> {
    const machine = await this.call<Machine>('POST', '/machines', input);
    if (machine.nonce) this.nonces.set(machine.id, machine.nonce);
    return machine;
  }

  /** Waits up to `timeoutSeconds` (Fly's limit is 60) for a state; false on Fly's 408, the wait timed out. */
  async wait(id: string, state: string, timeoutSeconds: number, instanceId?: string): Promise<boolean> {
    const query = new URLSearchParams({ state, timeout: String(Math.max(1, Math.min(60, timeoutSeconds))) });
    if (instanceId) query.set('instance_id', instanceId);
    try {
      await this.call('GET', `/machines/${id}/wait?${query}`);
      return true;
    } catch (error) {
      if (error instanceof FlyApiError && error.status === 408) return false;
      throw error;
    }
  }

  stop(id: string): Promise<unknown> {
    return this.call('POST', `/machines/${id}/stop`, {});
  }

  destroy(id: string): Promise<unknown> {
    return this.call('DELETE', `/machines/${id}?force=true&kill=true`);
  }

  cordon(id: string): Promise<unknown> {
    return this.call('POST', `/machines/${id}/cordon`, {});
  }

  uncordon(id: string): Promise<unknown> {
    return this.call('POST', `/machines/${id}/uncordon`, {});
  }

  setMetadata(id: string, key: string, value: string): Promise<unknown> {
    return this.call('POST', `/machines/${id}/metadata/${encodeURIComponent(key)}`, { value });
  }

  deleteMetadata(id: string, key: string): Promise<unknown> {
    return this.call('DELETE', `/machines/${id}/metadata/${encodeURIComponent(key)}`);
  }

  getLease(id: string): Promise<Lease | undefined> {
    return this.call<{ data?: Lease }>('GET', `/machines/${id}/lease`).then(
      (answer) => answer.data,
      (error: unknown) => {
        if (error instanceof FlyApiError && error.status === 404) return undefined;
        throw error;
      },
    );
  }

  /** Acquires, or with a nonce already held renews, the lease; a 409 means someone else holds it. */
  async lease(id: string, ttlSeconds: number, description: string): Promise<Lease> {
    const answer = await this.call<{ data: Lease }>('POST', `/machines/${id}/lease`, { ttl: ttlSeconds, description });
    this.nonces.set(id, answer.data.nonce);
    return answer.data;
  }

  async releaseLease(id: string): Promise<void> {
    if (!this.nonces.has(id)) return;
    try {
      await this.call('DELETE', `/machines/${id}/lease`);
    } catch (error) {
      // A lease that expired or a machine that is gone: nothing left to release.
      if (!(error instanceof FlyApiError && (error.status === 404 || error.status === 409))) throw error;
    }
    this.nonces.delete(id);
  }

  /** Forgets a destroyed machine's lease. */
  forget(id: string): void {
    this.nonces.delete(id);
  }

  leased(): string[] {
    return [...this.nonces.keys()];
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/v1/apps/${encodeURIComponent(this.options.app)}${path}`;
    const call = `${method} ${path.split('?')[0]}`;
    const id = /^\/machines\/([^/?]+)/.exec(path)?.[1];
    const nonce = id && method !== 'GET' ? this.nonces.get(id) : undefined;
    const headers: Record<string, string> = {
      authorization: authorization(this.options.token),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(nonce ? { 'fly-machine-lease-nonce': nonce } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (error) {
        if (attempt < this.options.retries) {
          this.options.onRetry?.(`${call}: ${connectionProblem(error)}; retrying`);
          await sleep(backoffMs(attempt));
          continue;
        }
        throw new FlyApiError(
          0,
          `cannot reach the Machines API at ${this.options.baseUrl}: ${connectionProblem(error)}`,
          call,
        );
      }
      const text = await response.text();
      if (response.ok) return (text ? JSON.parse(text) : {}) as T;
      if (RETRIED.has(response.status) && attempt < this.options.retries) {
        this.options.onRetry?.(`${call}: ${response.status}; retrying`);
        await sleep(backoffMs(attempt, response.headers.get('retry-after')));
        continue;
      }
      throw new FlyApiError(response.status, errorMessage(text, response.status), call);
    }
  }
}

/** Fly's macaroon tokens (`FlyV1 fm2_…`, or bare `fm2_…`) use their own scheme; older tokens are Bearer. */
export function authorization(token: string): string {
  const trimmed = token.trim();
  if (/^FlyV1 /i.test(trimmed)) return trimmed;
  if (/^fm\d_/.test(trimmed)) return `FlyV1 ${trimmed}`;
  return `Bearer ${trimmed}`;
}

function errorMessage(text: string, status: number): string {
  try {
    const parsed = JSON.parse(text) as { error?: string; message?: string };
    if (parsed.error || parsed.message) return String(parsed.error ?? parsed.message);
  } catch {
    // not JSON: the text itself
  }
  return text.trim().slice(0, 200) || `HTTP ${status}`;
}

function connectionProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
