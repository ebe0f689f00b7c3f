/** The parts of a Fly Machine (GET /v1/apps/{app}/machines/{id}) a release reads. */
export interface Machine {
  id: string;
  name: string;
  state: string;
  region: string;
  instance_id: string;
  private_ip: string;
  config: MachineConfig;
  checks?: { name: string; status: 'passing' | 'warning' | 'critical'; output?: string }[];
  events?: MachineEvent[];
  /** Set by create with lease_ttl: the nonce of the lease the creator holds. */
  nonce?: string;
}

export interface MachineConfig {
  image: string;
  env?: Record<string, string>;
  init?: { cmd?: string[]; entrypoint?: string[]; exec?: string[] };
  services?: { internal_port?: number; checks?: unknown[]; [key: string]: unknown }[];
  checks?: Record<string, unknown>;
  metadata?: Record<string, string>;
  restart?: { policy?: string };
  auto_destroy?: boolean;
  guest?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface MachineEvent {
  type: string;
  status: string;
  timestamp: number;
  request?: { exit_event?: { exit_code?: number; oom_killed?: boolean; requested_stop?: boolean } };
}

export interface Lease {
  nonce: string;
  expires_at: number;
  owner: string;
  description: string;
}

/** Metadata keys a release writes. */
export const TAG = {
  /** On every machine a release created: its deployment id. Removed once the release is complete. */
  deployment: 'fly_canary',
  /** On an old machine a release took out of service: the deployment that did. */
  replacedBy: 'fly_canary_replaced_by',
  /** What the machine is for: the release command's machine is `release_command`. */
  role: 'fly_canary_role',
  processGroup: 'fly_process_group',
} as const;
