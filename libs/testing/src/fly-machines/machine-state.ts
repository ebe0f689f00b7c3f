/** A machine as the simulator keeps it; `view()` of the simulator turns it into the API's JSON. */
export interface SimMachine {
  id: string;
  name: string;
  app: string;
  region: string;
  instance_id: string;
  private_ip: string;
  state: 'created' | 'starting' | 'started' | 'stopping' | 'stopped' | 'destroying' | 'destroyed';
  config: SimMachineConfig;
  created_at: string;
  updated_at: string;
  events: SimEvent[];
  checks: Map<string, SimCheck>;
  /** Out of the proxy: cordoned, or created with skip_service_registration and not yet uncordoned. */
  cordoned: boolean;
  lease?: SimLease;
  /** The last lines the machine's process wrote (stdout and stderr), for a test's failure message. */
  output: string[];
}

export interface SimMachineConfig {
  image: string;
  env?: Record<string, string>;
  init?: { cmd?: string[] };
  services?: { internal_port?: number; checks?: SimCheckConfig[]; [key: string]: unknown }[];
  checks?: Record<string, SimCheckConfig>;
  metadata?: Record<string, string>;
  restart?: { policy?: string };
  [key: string]: unknown;
}

export interface SimCheckConfig {
  type?: 'http' | 'tcp';
  port?: number;
  path?: string;
  method?: string;
  interval?: string;
  timeout?: string;
  grace_period?: string;
}

export interface SimCheck {
  name: string;
  status: 'passing' | 'warning' | 'critical';
  output: string;
  updated_at: string;
}

export interface SimEvent {
  id: string;
  type: string;
  status: string;
  source: 'user' | 'flyd';
  timestamp: number;
  request?: { exit_event?: { exit_code: number; oom_killed: boolean; requested_stop: boolean; exited_at: string } };
}

export interface SimLease {
  nonce: string;
  owner: string;
  description: string;
  expires_at: number;
  version: string;
}

/** Fly's durations in configs: "10s", "500ms", "1m". */
export function durationMs(text: string | undefined, fallback: number): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text?.trim() ?? '');
  if (!match) return fallback;
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}
