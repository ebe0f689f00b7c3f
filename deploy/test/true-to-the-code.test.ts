import { existsSync, readFileSync } from 'node:fs';
import { posix, relative, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeVariables, loadConfig, variableMeta } from '@shopops/config';
import { buildApp } from '../../apps/api/src/app.ts';
import { listenMetrics } from '../../apps/api/src/metrics-server.ts';
import webConfig from '../../apps/web/vite.config.ts';
import { readFlyConfig, readRenderBlueprint } from '../src/deploy-file.ts';
import { parseDurationMs } from '../src/duration.ts';
import { readImageFacts } from '../src/image-facts.ts';
import type { RenderCronJob, RenderEnvVar, RenderStaticSite, RenderWebService } from '../src/render-blueprint.ts';
import { isSecretVariable, requiredSecrets } from '../src/secrets-block.ts';

/** The deployment files against the code they deploy: Dockerfiles, the API's routes, its config schema, build outputs. */
const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');
const fly = readFlyConfig(resolve(root, 'fly.toml'));
const flyWeb = readFlyConfig(resolve(root, 'fly.web.toml'));
const blueprint = readRenderBlueprint(resolve(root, 'render.yaml'));
const apiImage = readImageFacts(resolve(root, 'apps/api/Dockerfile'));
const webImage = readImageFacts(resolve(root, 'apps/web/Dockerfile'));
const service = <T>(name: string) => blueprint.services!.find((s) => s.name === name) as T;
const renderApi = service<RenderWebService>('shopops-api');
const renderWeb = service<RenderStaticSite>('shopops-web');
const renderBackup = service<RenderCronJob>('shopops-backup');

/** ENV the image sets itself, without the build identity its build arguments fill in. */
const imageEnv = Object.fromEntries(Object.entries(apiImage.env).filter(([, value]) => !value.startsWith('$')));
const prodRequired = describeVariables().filter((v) => v.requiredIn.includes('prod'));
/** A value each secret's validation accepts, standing in for what `fly secrets set` or Render provides. */
const secretStandIn = (name: string) =>
  name === 'DATABASE_URL' ? 'postgres://shop:stand-in@127.0.0.1:5432/shop' : `stand-in-${name}-`.padEnd(48, 'x');

/** Render's env vars of a service as the API would see them: literal values, and stand-ins for the rest. */
function renderEnvironment(envVars: RenderEnvVar[]): { values: Record<string, string>; provided: Set<string> } {
  const values: Record<string, string> = {};
  const provided = new Set<string>();
  for (const entry of envVars) {
    if ('fromGroup' in entry) {
      const group = blueprint.envVarGroups!.find((g) => g.name === entry.fromGroup);
      expect(group, `envVarGroup ${entry.fromGroup}`).toBeDefined();
      for (const v of group!.envVars) if (v.value !== undefined) values[v.key] = String(v.value);
      continue;
    }
    provided.add(entry.key);
    if ('value' in entry && entry.value !== undefined) values[entry.key] = String(entry.value);
    else if ('sync' in entry && entry.sync === false)
      continue; // prompted for; may stay empty unless required
    else values[entry.key] = secretStandIn(entry.key);
  }
  return { values, provided };
}

/** `migrate up` → the image's /usr/local/bin/migrate → the bundle it runs → the api build output that bundle is. */
function releaseCommandBundle(command: string): string {
  const executable = apiImage.executable(command.split(/\s+/)[0]!);
  expect(executable, `${command}: no such command in apps/api/Dockerfile's image`).toBeDefined();
  expect(existsSync(resolve(root, executable!)), executable).toBe(true);
  const target = /exec node .*?(\/app\/\S+\.mjs)/.exec(read(executable!))?.[1];
  expect(target, `${executable} runs no bundle`).toBeDefined();
  const bundle = apiImage.contextPathOf(target!);
  expect(bundle, `${target} is not copied into the image`).toBeDefined();
  return bundle!;
}

describe('the deployment files are true to the code', () => {
  let app: FastifyInstance;
  const drainMs = (env: Record<string, string | undefined>) =>
    Number(env.SHUTDOWN_DELAY_MS ?? variableMeta('SHUTDOWN_DELAY_MS').default) +
    Number(env.SHUTDOWN_TIMEOUT_MS ?? variableMeta('SHUTDOWN_TIMEOUT_MS').default);

  beforeAll(async () => {
    const secrets = Object.fromEntries(requiredSecrets().map((v) => [v.name, secretStandIn(v.name)]));
    // The real API, configured as Fly starts it: the image's ENV, fly.toml's [env], the secrets. Never listening.
    app = buildApp(loadConfig({ ...imageEnv, ...fly.env, ...secrets }), { logStream: { write: () => true } });
    await app.ready();
  });
  afterAll(() => app?.close());

  describe('fly.toml', () => {
    it('routes to the port the image exposes, the API listens on by default and [env] sets', () => {
      const port = fly.http_service!.internal_port;
      expect(apiImage.exposedPorts).toEqual([port]);
      expect(imageEnv.PORT).toBe(String(port));
      expect(variableMeta('PORT').default).toBe(String(port));
      expect(fly.env?.PORT ?? String(port)).toBe(String(port));
      expect(fly.checks?.listener?.port).toBe(port);
    });

    it('health checks point at routes of the real API; metrics at its METRICS_PORT listener, off the public port', async () => {
      expect(fly.http_service!.checks!.map((c) => c.path)).toEqual(['/readyz']);
      expect(app.hasRoute({ method: 'GET', url: '/readyz' })).toBe(true);
      const metrics = [fly.metrics].flat();
      expect(metrics.map((m) => m!.path)).toEqual(['/metrics']);
      const { config } = app.api;
      expect(metrics.every((m) => m!.port === config.metrics.port)).toBe(true);
      expect(config.metrics.port).not.toBe(fly.http_service!.internal_port);
      expect(app.hasRoute({ method: 'GET', url: '/metrics' })).toBe(false);
      const listener = await listenMetrics(
        { ...config, host: '127.0.0.1', metrics: { ...config.metrics, port: 0 } },
        app.api.metrics!,
      );
      try {
        expect(listener.hasRoute({ method: 'GET', url: '/metrics' })).toBe(true);
      } finally {
        await listener.close();
      }
    });

    it('release_command runs the migrate bundle the api build writes, which the image holds', () => {
      const bundle = releaseCommandBundle(fly.deploy!.release_command!);
      const build = JSON.parse(read('apps/api/project.json')).targets.build.options;
      const entry = (build.additionalEntryPoints as string[]).find((e) => e.endsWith('docker/migrate.ts'))!;
      const written = posix.join(build.outputPath, posix.relative('apps/api', entry).replace(/\.ts$/, '.mjs'));
      expect(bundle).toBe(written);
      expect(written).toBe('dist/apps/api/docker/migrate.mjs');
    });

    it('every variable prod requires is set in [env] or the image, or listed in docs/DEPLOY.md as a secret; no secret is in the file', () => {
      const listed = read('docs/DEPLOY.md');
      for (const variable of prodRequired) {
        const where = fly.env?.[variable.name] ?? imageEnv[variable.name];
        if (where === undefined) {
          expect(isSecretVariable(variable), `${variable.name} is required in prod but set nowhere`).toBe(true);
          expect(listed).toContain(`  ${variable.name}=`);
        }
      }
      const secretsInFile = describeVariables().filter((v) => isSecretVariable(v) && fly.env?.[v.name] !== undefined);
      expect(secretsInFile.map((v) => v.name)).toEqual([]);
      expect(app.api.config.env).toBe('prod');
    });

    it('kill_timeout outlasts the drain; the readiness check waits longer than each readiness check may take', () => {
      expect(parseDurationMs(fly.kill_timeout!)).toBeGreaterThan(drainMs(fly.env ?? {}));
      const readiness = Number(fly.env?.READINESS_TIMEOUT_MS ?? variableMeta('READINESS_TIMEOUT_MS').default);
      expect(parseDurationMs(fly.http_service!.checks![0]!.timeout!)).toBeGreaterThan(readiness);
    });
  });

  describe('fly.web.toml', () => {
    it("routes to nginx's port, checks its /healthz and stops it with its graceful signal", () => {
      expect(webImage.exposedPorts).toEqual([flyWeb.http_service!.internal_port]);
      expect(webImage.env.NGINX_PORT).toBe(String(flyWeb.http_service!.internal_port));
      expect(flyWeb.http_service!.checks!.map((c) => c.path)).toEqual(['/healthz']);
      expect(read('apps/web/docker/templates/storefront.conf.template')).toContain('location = /healthz');
      const nginxBase = readImageFacts(resolve(root, 'docker/base-images/nginx.Dockerfile'));
      expect(flyWeb.kill_signal).toBe(nginxBase.stopSignal);
    });

    it('lets the pages call the API fly.toml deploys', () => {
      const csp = flyWeb.env!.CONTENT_SECURITY_POLICY!;
      expect(csp).toContain(`connect-src 'self' ${fly.env!.PUBLIC_BASE_URL}`);
      expect(fly.env!.FRONTEND_URL).toBe(`https://${flyWeb.app}.fly.dev`);
    });
  });

  describe('render.yaml', () => {
    it('the API: port, health check route, pre-deploy command and drain', () => {
      const { values } = renderEnvironment(renderApi.envVars!);
      expect(values.PORT).toBe(String(apiImage.exposedPorts[0]));
      expect(app.hasRoute({ method: 'GET', url: renderApi.healthCheckPath! })).toBe(true);
      expect(releaseCommandBundle(renderApi.preDeployCommand!)).toBe('dist/apps/api/docker/migrate.mjs');
      expect(renderApi.maxShutdownDelaySeconds! * 1000).toBeGreaterThan(drainMs(values));
    });

    it('every variable prod requires is set, generated, from the database or prompted for; no secret has a value', () => {
      const { values, provided } = renderEnvironment(renderApi.envVars!);
      for (const variable of prodRequired) {
        const covered = values[variable.name] !== undefined || provided.has(variable.name) || imageEnv[variable.name];
        expect(covered, `${variable.name} is required in prod but render.yaml sets it nowhere`).toBeTruthy();
      }
      const literal = [
        ...blueprint.envVarGroups!.flatMap((g) => g.envVars.filter((v) => v.value !== undefined).map((v) => v.key)),
        ...renderApi.envVars!.flatMap((v) => ('value' in v && v.value !== undefined ? [v.key] : [])),
      ];
      const secrets = describeVariables().filter((v) => isSecretVariable(v) && literal.includes(v.name));
      expect(secrets.map((v) => v.name)).toEqual([]);
      // Everything prompted for gets a value here, as the operator gives one; the API then starts in prod.
      const prompted = renderApi.envVars!.flatMap((v) => ('sync' in v && v.sync === false ? [v.key] : []));
      const config = loadConfig({
        ...imageEnv,
        ...values,
        ...Object.fromEntries(prompted.map((k) => [k, secretStandIn(k)])),
      });
      expect(config.env).toBe('prod');
      expect(config.payments.webpay).toBeDefined();
    });

    it('the storefront: the Vite output, the SPA fallback, the API it calls and the nginx image’s security headers', () => {
      const outDir = relative(root, (webConfig as { build: { outDir: string } }).build.outDir);
      expect(renderWeb.staticPublishPath).toBe(outDir);
      expect(renderWeb.buildCommand).toContain('vite build --config apps/web/vite.config.ts');
      const apiUrl = (renderWeb.envVars as RenderEnvVar[]).find((v) => 'key' in v && v.key === 'VITE_API_URL');
      const { values } = renderEnvironment(renderApi.envVars!);
      expect(apiUrl && 'value' in apiUrl ? apiUrl.value : undefined).toBe(values.PUBLIC_BASE_URL);
      const header = (name: string) => renderWeb.headers!.find((h) => h.path === '/*' && h.name === name)?.value;
      expect(header('Strict-Transport-Security')).toBe(webImage.env.STRICT_TRANSPORT_SECURITY);
      expect(header('X-Frame-Options')).toBe(webImage.env.X_FRAME_OPTIONS);
      expect(header('Referrer-Policy')).toBe(webImage.env.REFERRER_POLICY);
      expect(header('Permissions-Policy')).toBe(webImage.env.PERMISSIONS_POLICY);
      expect(header('X-Content-Type-Options')).toBe('nosniff');
      // The image's policy, with connect-src narrowed to the one API the pages call.
      const narrowed = webImage.env.CONTENT_SECURITY_POLICY!.replace(
        "connect-src 'self' http: https:",
        `connect-src 'self' ${values.PUBLIC_BASE_URL}`,
      );
      expect(header('Content-Security-Policy')).toBe(narrowed);
    });

    it('the backup job runs the bundle backup:bundle writes, daily, to S3 with --verify --prune', () => {
      const bundle = JSON.parse(read('libs/backup/project.json')).targets.bundle.options;
      expect(renderBackup.buildCommand).toContain('nx run backup:bundle');
      const words = renderBackup.startCommand!.split(/\s+/);
      expect(words.slice(0, 3)).toEqual(['node', posix.join(bundle.outputPath, bundle.outputFileName), 'backup']);
      expect(words).toEqual(expect.arrayContaining(['--verify', '--prune']));
      expect(words[words.indexOf('--destination') + 1]).toMatch(/^s3:\/\//);
      expect(renderBackup.schedule.split(' ').slice(2)).toEqual(['*', '*', '*']);
      const fromDatabase = renderBackup.envVars!.find((v) => 'fromDatabase' in v);
      expect(fromDatabase).toMatchObject({
        key: 'DATABASE_URL',
        fromDatabase: { name: blueprint.databases![0]!.name },
      });
    });
  });
});
