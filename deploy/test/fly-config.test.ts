import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeployFileError, parseFlyConfig, readFlyConfig } from '../src/deploy-file.ts';

const root = resolve(import.meta.dirname, '../..');

function problemsOf(text: string, file = 'fly.toml'): readonly string[] {
  try {
    parseFlyConfig(text, file);
  } catch (error) {
    if (error instanceof DeployFileError) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

const minimal = 'app = "shopops-api"\nprimary_region = "scl"\n';

describe("fly.toml and fly.web.toml against Fly's configuration reference", () => {
  it('the API file is complete for production', () => {
    const fly = readFlyConfig(resolve(root, 'fly.toml'));
    expect(fly).toMatchObject({
      app: 'shopops-api',
      primary_region: 'scl',
      kill_signal: 'SIGTERM',
      build: { image: expect.stringMatching(/^registry\.fly\.io\/shopops-api:/) },
      deploy: { release_command: 'migrate up', strategy: 'rolling' },
      env: { ENV: 'prod', METRICS_PORT: '9091' },
      http_service: {
        internal_port: 8080,
        force_https: true,
        auto_stop_machines: 'stop',
        auto_start_machines: true,
        min_machines_running: 1,
        concurrency: { type: 'requests', soft_limit: 200, hard_limit: 250 },
        checks: [{ path: '/readyz', grace_period: '15s', interval: '10s', timeout: '3s' }],
      },
      checks: { listener: { type: 'tcp', port: 8080 } },
      vm: [{ size: 'shared-cpu-1x' }],
      metrics: [{ port: 9091, path: '/metrics' }],
    });
  });

  it('the storefront file runs the nginx image with its own checks', () => {
    const web = readFlyConfig(resolve(root, 'fly.web.toml'));
    expect(web).toMatchObject({
      app: 'shopops-web',
      build: { image: expect.stringMatching(/^registry\.fly\.io\/shopops-web:/) },
      http_service: { internal_port: 8080, checks: [{ path: '/healthz' }] },
      checks: { listener: { type: 'tcp' } },
    });
    expect(web.deploy?.release_command).toBeUndefined();
  });

  it('refuses an unknown key, naming the file and the key path', () => {
    const text = `${minimal}[http_service]\ninternal_port = 8080\nforce_http = true\n`;
    expect(problemsOf(text)).toEqual([
      "fly.toml: http_service.force_http: unknown key (Fly's configuration reference has no such setting)",
    ]);
  });

  it('refuses a bad duration, an unknown enum value and a kill_timeout above Fly’s 5 minutes', () => {
    const valid = [
      minimal,
      'kill_signal = "SIGTERMINATE"',
      'kill_timeout = "10m"',
      '[deploy]',
      'strategy = "big-bang"',
      '[http_service]',
      'internal_port = 8080',
      '[[http_service.checks]]',
      'interval = "10 seconds"',
      'timeout = 5',
    ].join('\n');
    expect(problemsOf(valid)).toEqual([
      'fly.toml: kill_signal: "SIGTERMINATE" is not one of "SIGINT", "SIGTERM", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGKILL", "SIGSTOP"',
      'fly.toml: kill_timeout: at most 300s',
      'fly.toml: deploy.strategy: "big-bang" is not one of "canary", "rolling", "immediate", "bluegreen"',
      'fly.toml: http_service.checks[0].interval: "10 seconds" is not a duration such as 10s, 1m30s or 500ms',
      'fly.toml: http_service.checks[0].timeout: expected a string, got 5',
    ]);
  });

  it('requires app and primary_region, and says so for both at once', () => {
    expect(problemsOf('[env]\nENV = "prod"\n', 'fly.web.toml')).toEqual([
      'fly.web.toml: app: missing (a string is required)',
      'fly.web.toml: primary_region: missing (a string is required)',
    ]);
  });

  it('names the line of a TOML syntax error', () => {
    expect(problemsOf(`${minimal}[env\nENV = "prod"\n`)).toEqual([
      expect.stringMatching(/^fly\.toml:3: not valid TOML: /),
    ]);
  });
});
