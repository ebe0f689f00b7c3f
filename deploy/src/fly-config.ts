import { z } from 'zod';
import { duration } from './duration.ts';

/**
 * fly.toml as flyctl reads it, written from Fly's configuration reference and flyctl's own definitions
 * (superfly/flyctl internal/appconfig: config.go, service.go, toplevelcheck.go; superfly/fly-go
 * machine_types.go for [[vm]], concurrency, http_options and auto_stop_machines). Every table is strict:
 * flyctl ignores a key it does not know, so a typo such as `force_http` would silently deploy without it.
 */

const port = z.int().min(1).max(65535);
const processes = z.array(z.string().min(1)).optional();
const signal = z.enum(['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGKILL', 'SIGSTOP']);
/** fly-go MachinePresets. */
export const FLY_VM_SIZES = [
  ...['1x', '2x', '4x', '6x', '8x'].map((n) => `shared-cpu-${n}`),
  ...['1x', '2x', '4x', '6x', '8x', '10x', '12x', '14x', '16x'].map((n) => `performance-${n}`),
  'a10',
  'l40s',
  'a100-40gb',
  'a100-80gb',
] as const;
/** Sizes such as 256mb, 1gb, 2048 (MB). */
const memory = z.union([z.int().positive(), z.string().regex(/^\d+\s*(mb|gb)?$/i, 'a size such as 512mb or 1gb')]);

/** "off"/false: never; "stop"/true: stop idle Machines; "suspend": suspend them (fly-go MachineAutostop). */
const autoStop = z.union([z.boolean(), z.enum(['off', 'stop', 'suspend'])]);

const concurrency = z.strictObject({
  type: z.enum(['connections', 'requests']).optional(),
  soft_limit: z.int().positive().optional(),
  hard_limit: z.int().positive().optional(),
});

const checkTiming = {
  interval: duration().optional(),
  timeout: duration().optional(),
  grace_period: duration().optional(),
};

const httpCheckFields = {
  ...checkTiming,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional(),
  path: z.string().startsWith('/', 'a path starting with /').optional(),
  protocol: z.enum(['http', 'https']).optional(),
  tls_skip_verify: z.boolean().optional(),
  tls_server_name: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
};

const machineCheck = z.strictObject({
  command: z.array(z.string()).min(1),
  image: z.string().optional(),
  entrypoint: z.array(z.string()).optional(),
  kill_signal: signal.optional(),
  kill_timeout: duration().optional(),
});

const httpOptions = z.strictObject({
  compress: z.boolean().optional(),
  response: z
    .strictObject({
      headers: z.record(z.string(), z.union([z.string(), z.boolean(), z.array(z.string())])).optional(),
      pristine: z.boolean().optional(),
    })
    .optional(),
  h2_backend: z.boolean().optional(),
  idle_timeout: z.int().nonnegative().optional(),
  headers_read_timeout: z.int().nonnegative().optional(),
  replay_cache: z
    .array(
      z.strictObject({
        path_prefix: z.string(),
        ttl_seconds: z.int().positive(),
        type: z.enum(['cookie', 'header']),
        name: z.string(),
        allow_bypass: z.boolean().optional(),
      }),
    )
    .optional(),
});

const tlsOptions = z.strictObject({
  alpn: z.array(z.string()).optional(),
  versions: z.array(z.enum(['TLSv1.2', 'TLSv1.3'])).optional(),
  default_self_signed: z.boolean().optional(),
});

const scaling = {
  auto_stop_machines: autoStop.optional(),
  auto_start_machines: z.boolean().optional(),
  min_machines_running: z.int().nonnegative().optional(),
  processes,
  concurrency: concurrency.optional(),
};

const httpService = z.strictObject({
  internal_port: port,
  force_https: z.boolean().optional(),
  ...scaling,
  tls_options: tlsOptions.optional(),
  http_options: httpOptions.optional(),
  checks: z.array(z.strictObject(httpCheckFields)).optional(),
  machine_checks: z.array(machineCheck).optional(),
});

const servicePort = z.strictObject({
  port: port.optional(),
  start_port: port.optional(),
  end_port: port.optional(),
  handlers: z.array(z.enum(['http', 'tls', 'pg_tls', 'proxy_proto', 'edge_http'])).optional(),
  force_https: z.boolean().optional(),
  tls_options: tlsOptions.optional(),
  http_options: httpOptions.optional(),
  proxy_proto_options: z.strictObject({ version: z.enum(['v1', 'v2']).optional() }).optional(),
});

const service = z.strictObject({
  protocol: z.enum(['tcp', 'udp']),
  internal_port: port,
  ...scaling,
  ports: z.array(servicePort).optional(),
  tcp_checks: z.array(z.strictObject(checkTiming)).optional(),
  http_checks: z.array(z.strictObject(httpCheckFields)).optional(),
  machine_checks: z.array(machineCheck).optional(),
});

/** [checks.<name>]: Machine-level checks, informational; type tcp or http on a port. */
const topLevelCheck = z.strictObject({
  type: z.enum(['tcp', 'http']),
  port: port.optional(),
  ...httpCheckFields,
  processes,
});

const vm = z.strictObject({
  size: z.enum(FLY_VM_SIZES).optional(),
  memory: memory.optional(),
  cpu_kind: z.enum(['shared', 'performance']).optional(),
  cpus: z.int().positive().optional(),
  memory_mb: z.int().positive().optional(),
  max_memory_mb: z.int().positive().optional(),
  gpus: z.int().nonnegative().optional(),
  gpu_kind: z.string().optional(),
  host_dedication_id: z.string().optional(),
  persist_rootfs: z.enum(['never', 'always', 'restart']).optional(),
  kernel_args: z.array(z.string()).optional(),
  processes,
});

const metrics = z.strictObject({
  port,
  path: z.string().startsWith('/', 'a path starting with /'),
  https: z.boolean().optional(),
  processes,
});

const mount = z.strictObject({
  source: z.string(),
  destination: z.string().startsWith('/'),
  initial_size: z.string().optional(),
  snapshot_retention: z.int().min(1).max(60).optional(),
  scheduled_snapshots: z.boolean().optional(),
  auto_extend_size_threshold: z.int().min(0).max(100).optional(),
  auto_extend_size_increment: z.string().optional(),
  auto_extend_size_limit: z.string().optional(),
  processes,
});

const build = z.strictObject({
  builder: z.string().optional(),
  args: z.record(z.string(), z.string()).optional(),
  buildpacks: z.array(z.string()).optional(),
  image: z.string().min(1).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  builtin: z.string().optional(),
  dockerfile: z.string().optional(),
  ignorefile: z.string().optional(),
  'build-target': z.string().optional(),
  compose: z.strictObject({ file: z.string().optional() }).optional(),
  compression: z.enum(['gzip', 'zstd']).optional(),
  compression_level: z.int().min(0).max(22).optional(),
});

const deploy = z.strictObject({
  strategy: z.enum(['canary', 'rolling', 'immediate', 'bluegreen']).optional(),
  max_unavailable: z.number().positive().optional(),
  wait_timeout: duration().optional(),
  release_command: z.string().min(1).optional(),
  release_command_timeout: duration().optional(),
  release_command_vm: vm.optional(),
  seed_command: z.string().optional(),
});

const experimental = z.strictObject({
  cmd: z.array(z.string()).optional(),
  entrypoint: z.array(z.string()).optional(),
  exec: z.array(z.string()).optional(),
  auto_rollback: z.boolean().optional(),
  enable_consul: z.boolean().optional(),
  enable_etcd: z.boolean().optional(),
  lazy_load_images: z.boolean().optional(),
  attached: z
    .strictObject({
      secrets: z.strictObject({ export: z.record(z.string(), z.string()).optional() }).optional(),
    })
    .optional(),
  machine_config: z.string().optional(),
});

const file = z.strictObject({
  guest_path: z.string().startsWith('/'),
  local_path: z.string().optional(),
  secret_name: z.string().optional(),
  raw_value: z.string().optional(),
  processes,
});

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]);

export const flyConfigSchema = z.strictObject({
  app: z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'an app name: lowercase letters, digits and dashes'),
  primary_region: z.string().regex(/^[a-z]{3}$/, 'a region code such as ord, fra or scl'),
  kill_signal: signal.optional(),
  // Fly waits at most 300 s (5 minutes) between kill_signal and SIGKILL.
  kill_timeout: duration({ max: 300_000 }).optional(),
  swap_size_mb: z.int().positive().optional(),
  console_command: z.string().optional(),
  host_dedication_id: z.string().optional(),
  experimental: experimental.optional(),
  build: build.optional(),
  deploy: deploy.optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name'), z.string()).optional(),
  processes: z.record(z.string(), z.string()).optional(),
  mounts: oneOrMany(mount).optional(),
  http_service: httpService.optional(),
  services: z.array(service).optional(),
  checks: z.record(z.string(), topLevelCheck).optional(),
  files: z.array(file).optional(),
  machine_config: z.string().optional(),
  container: z.string().optional(),
  machine_checks: z.array(machineCheck).optional(),
  restart: z
    .array(
      z.strictObject({
        policy: z.enum(['always', 'never', 'on-failure']),
        retries: z.int().nonnegative().optional(),
        processes,
      }),
    )
    .optional(),
  vm: z.array(vm).optional(),
  statics: z
    .array(
      z.strictObject({
        guest_path: z.string(),
        url_prefix: z.string(),
        tigris_bucket: z.string().optional(),
        index_document: z.string().optional(),
      }),
    )
    .optional(),
  metrics: oneOrMany(metrics).optional(),
});

export type FlyConfig = z.output<typeof flyConfigSchema>;
