import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeployFileError, parseRenderBlueprint, readRenderBlueprint } from '../src/deploy-file.ts';

const root = resolve(import.meta.dirname, '../..');

function problemsOf(text: string): readonly string[] {
  try {
    parseRenderBlueprint(text, 'render.yaml');
  } catch (error) {
    if (error instanceof DeployFileError) return error.problems;
    throw error;
  }
  throw new Error('expected the Blueprint to be refused');
}

describe("render.yaml against Render's Blueprint reference", () => {
  it('holds the API, the static storefront, the backup cron job, Postgres and the settings group', () => {
    const blueprint = readRenderBlueprint(resolve(root, 'render.yaml'));
    expect(blueprint.services?.map((s) => [s.type, s.name, 'runtime' in s ? s.runtime : undefined])).toEqual([
      ['web', 'shopops-api', 'image'],
      ['web', 'shopops-web', 'static'],
      ['cron', 'shopops-backup', 'node'],
    ]);
    expect(blueprint.services?.[0]).toMatchObject({
      healthCheckPath: '/readyz',
      preDeployCommand: 'migrate up',
      scaling: { minInstances: 2 },
      envVars: expect.arrayContaining([
        { fromGroup: 'shopops-api-settings' },
        { key: 'DATABASE_URL', fromDatabase: { name: 'shopops-db', property: 'connectionString' } },
        { key: 'JWT_SECRET', generateValue: true },
        { key: 'PAYMENT_FLOW_API_KEY', sync: false },
      ]),
    });
    expect(blueprint.services?.[1]).toMatchObject({
      staticPublishPath: 'dist/apps/web',
      autoDeployTrigger: 'checksPass',
      routes: [{ type: 'rewrite', source: '/*', destination: '/index.html' }],
    });
    expect(blueprint.services?.[2]).toMatchObject({ schedule: '0 4 * * *', autoDeployTrigger: 'checksPass' });
    expect(blueprint.databases).toMatchObject([{ name: 'shopops-db', postgresMajorVersion: '17' }]);
    expect(blueprint.envVarGroups?.map((g) => g.name)).toEqual(['shopops-api-settings']);
  });

  it('refuses an unknown service type, naming file, line and key path', () => {
    const text = ['services:', '  - type: function', '    name: api', '    runtime: node', ''].join('\n');
    expect(problemsOf(text)).toEqual([
      'render.yaml:2: services[0].type: "function" is not a service type; Render has web, worker, pserv, cron, keyvalue, redis (a static site is type web with runtime static; Postgres goes under databases)',
    ]);
  });

  it('refuses unknown keys, bad enums, a bad cron schedule and an env var with two values, each on its line', () => {
    const text = [
      'services:',
      '  - type: web',
      '    name: api',
      '    runtime: docker',
      '    healthcheckPath: /readyz',
      '    autoDeployTrigger: always',
      '    envVars:',
      '      - key: JWT_SECRET',
      '        value: x',
      '        generateValue: true',
      '  - type: cron',
      '    name: backup',
      '    runtime: node',
      '    schedule: "0 25 * * *"',
      'databases:',
      '  - name: db',
      '    diskSizeGB: 7',
      'envVarGroups:',
      '  - name: settings',
      '    envVars:',
      '      - key: S3_SECRET_KEY',
      '        sync: false',
      '',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      "render.yaml:5: services[0].healthcheckPath: unknown key (Render's Blueprint reference has no such setting)",
      'render.yaml:6: services[0].autoDeployTrigger: "always" is not one of "off", "commit", "checksPass"',
      'render.yaml:8: services[0].envVars[0]: give exactly one of value, generateValue: true or sync: false',
      'render.yaml:14: services[1].schedule: hour: 25 is outside 0-23',
      'render.yaml:17: databases[0].diskSizeGB: the disk size is 1 or a multiple of 5 (GB)',
      'render.yaml:21: envVarGroups[0].envVars[0]: give exactly one of value or generateValue: true (groups take no sync: false or references)',
      "render.yaml:22: envVarGroups[0].envVars[0].sync: unknown key (Render's Blueprint reference has no such setting)",
    ]);
  });

  it('names the line of a YAML syntax error', () => {
    expect(problemsOf('services:\n  - type: web\n   name: api\n')).toEqual([
      expect.stringMatching(/^render\.yaml:3: not valid YAML: /),
    ]);
  });
});
