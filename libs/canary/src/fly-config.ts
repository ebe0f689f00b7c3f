import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { CanaryInputError } from './errors.ts';

/** What a release reads from fly.toml. */
export interface FlyConfig {
  path: string;
  app: string | undefined;
  releaseCommand: string | undefined;
  releaseCommandTimeoutMs: number | undefined;
  waitTimeoutMs: number | undefined;
  minMachinesRunning: number | undefined;
  internalPort: number | undefined;
  /** [[metrics]] port: where the app serves /metrics when it is not the service's port (METRICS_PORT). */
  metricsPort: number | undefined;
}

interface FlyToml {
  app?: string;
  deploy?: { release_command?: string; release_command_timeout?: string; wait_timeout?: string };
  http_service?: { internal_port?: number; min_machines_running?: number };
  services?: { internal_port?: number; min_machines_running?: number }[];
  metrics?: { port?: number } | { port?: number }[];
}

export function readFlyConfig(path: string): FlyConfig {
  if (!existsSync(path))
    throw new CanaryInputError(`${path} does not exist`, 'pass --config <fly.toml>, or --app and --release-command');
  let toml: FlyToml;
  try {
    toml = parse(readFileSync(path, 'utf8')) as FlyToml;
  } catch (error) {
    throw new CanaryInputError(`${path}: ${(error as Error).message.split('\n')[0]}`, 'fix the TOML syntax');
  }
  const service = toml.http_service ?? toml.services?.[0];
  return {
    path,
    app: toml.app,
    releaseCommand: toml.deploy?.release_command,
    releaseCommandTimeoutMs: duration(path, 'release_command_timeout', toml.deploy?.release_command_timeout),
    waitTimeoutMs: duration(path, 'wait_timeout', toml.deploy?.wait_timeout),
    minMachinesRunning: service?.min_machines_running,
    internalPort: service?.internal_port,
    metricsPort: [toml.metrics ?? []].flat()[0]?.port,
  };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Fly's durations: "5m", "30s", "1h30m". */
export function duration(path: string, key: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text.trim())
    throw new CanaryInputError(`${path}: ${key} = "${text}" is not a duration`, 'write e.g. "5m" or "30s"');
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNITS[unit!]!, 0);
}
