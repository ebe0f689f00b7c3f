import { z } from 'zod';
import { cronSchedule } from './cron-schedule.ts';
import { pickForm } from './pick-form.ts';

/**
 * render.yaml as Render reads it, written from Render's Blueprint reference (render.com/docs/blueprint-spec)
 * and its published JSON Schema (render.com/schema/render.yaml.json). Strict objects: Render refuses a
 * Blueprint with an unknown field, and this check should say so before a sync does.
 */

const region = z.enum(['oregon', 'ohio', 'virginia', 'frankfurt', 'singapore']);
const plan = z.enum([
  'free',
  'starter',
  'standard',
  'pro',
  'pro plus',
  'pro max',
  'pro ultra',
  'basic-256mb',
  'basic-1gb',
  'basic-4gb',
  'pro-4gb',
  'pro-8gb',
  'pro-16gb',
  'pro-32gb',
  'pro-64gb',
  'pro-128gb',
  'pro-192gb',
  'pro-256gb',
  'pro-384gb',
  'pro-512gb',
  'accelerated-16gb',
  'accelerated-32gb',
  'accelerated-64gb',
  'accelerated-128gb',
  'accelerated-256gb',
  'accelerated-384gb',
  'accelerated-512gb',
  'accelerated-768gb',
  'accelerated-1024gb',
]);
const serverRuntime = z.enum(['docker', 'elixir', 'go', 'image', 'node', 'python', 'ruby', 'rust']);
const autoDeployTrigger = z.enum(['off', 'commit', 'checksPass']);
const envKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name');
const scalar = z.union([z.string(), z.number()]);

const buildFilter = z.strictObject({
  paths: z.array(z.string()).optional(),
  ignoredPaths: z.array(z.string()).optional(),
});
const registryCredential = z.strictObject({ fromRegistryCreds: z.strictObject({ name: z.string() }) });
const image = z.strictObject({ url: z.string().min(1), creds: registryCredential.optional() });
const ipAllowList = z.array(z.strictObject({ source: z.string(), description: z.string().optional() }));
const previews = z.strictObject({
  generation: z.enum(['automatic', 'manual', 'off']).optional(),
  plan: plan.optional(),
  numInstances: z.int().min(1).optional(),
});

/** One of the forms an envVars entry takes: a value, a generated value, a prompt (sync: false), a reference. */
const envVarValue = z
  .strictObject({
    key: envKey,
    value: scalar.optional(),
    generateValue: z.literal(true).optional(),
    sync: z.literal(false).optional(),
    previewValue: scalar.optional(),
  })
  .refine((v) => [v.value !== undefined, v.generateValue, v.sync === false].filter(Boolean).length === 1, {
    error: 'give exactly one of value, generateValue: true or sync: false',
  });
const envVarFromDatabase = z.strictObject({
  key: envKey,
  fromDatabase: z.strictObject({
    name: z.string(),
    property: z.enum(['connectionString', 'connectionPoolString', 'host', 'port', 'user', 'password', 'database']),
  }),
});
const serviceType = z.enum(['web', 'cron', 'worker', 'pserv', 'static', 'dpg', 'job', 'redis', 'keyvalue']);
const envVarFromService = z.strictObject({
  key: envKey,
  fromService: z
    .strictObject({
      type: serviceType,
      name: z.string(),
      property: z.enum(['host', 'port', 'hostport', 'connectionString']).optional(),
      envVarKey: z.string().optional(),
    })
    .refine((ref) => (ref.property === undefined) !== (ref.envVarKey === undefined), {
      error: 'give exactly one of property or envVarKey',
    }),
});
const envVarFromGroup = z.strictObject({ fromGroup: z.string() });

const envVar = pickForm((entry) =>
  'fromDatabase' in entry
    ? envVarFromDatabase
    : 'fromService' in entry
      ? envVarFromService
      : 'fromGroup' in entry
        ? envVarFromGroup
        : envVarValue,
);
export type RenderEnvVar =
  | z.output<typeof envVarFromDatabase>
  | z.output<typeof envVarFromService>
  | z.output<typeof envVarFromGroup>
  | z.output<typeof envVarValue>;

const common = {
  name: z.string().min(1),
  repo: z.string().optional(),
  branch: z.string().optional(),
  rootDir: z.string().optional(),
  autoDeploy: z.boolean().optional(),
  autoDeployTrigger: autoDeployTrigger.optional(),
  buildFilter: buildFilter.optional(),
  envVars: z.array(envVar).optional(),
};

const serverFields = {
  ...common,
  region: region.optional(),
  plan: plan.optional(),
  runtime: serverRuntime,
  image: image.optional(),
  dockerCommand: z.string().optional(),
  dockerContext: z.string().optional(),
  dockerfilePath: z.string().optional(),
  registryCredential: registryCredential.optional(),
  buildCommand: z.string().optional(),
  startCommand: z.string().optional(),
  preDeployCommand: z.string().optional(),
};

const webService = z.strictObject({
  type: z.enum(['web', 'worker', 'pserv']),
  ...serverFields,
  numInstances: z.int().min(1).optional(),
  scaling: z
    .strictObject({
      minInstances: z.int().min(1),
      maxInstances: z.int().min(1),
      targetMemoryPercent: z.int().min(1).max(90).optional(),
      targetCPUPercent: z.int().min(1).max(90).optional(),
    })
    .optional(),
  healthCheckPath: z.string().startsWith('/', 'a path starting with /').optional(),
  domain: z.string().optional(),
  domains: z.array(z.string()).optional(),
  initialDeployHook: z.string().optional(),
  disk: z.strictObject({ name: z.string(), mountPath: z.string(), sizeGB: z.int().min(1).optional() }).optional(),
  previews: previews.optional(),
  maintenanceMode: z.strictObject({ enabled: z.boolean().optional(), uri: z.url().optional() }).optional(),
  maxShutdownDelaySeconds: z.int().min(1).max(300).optional(),
  ipAllowList: ipAllowList.optional(),
  renderSubdomainPolicy: z.enum(['enabled', 'disabled']).optional(),
});

const staticSite = z.strictObject({
  type: z.literal('web'),
  runtime: z.literal('static'),
  ...common,
  buildCommand: z.string().optional(),
  staticPublishPath: z.string().optional(),
  headers: z.array(z.strictObject({ path: z.string(), name: z.string(), value: z.string() })).optional(),
  routes: z
    .array(z.strictObject({ type: z.enum(['redirect', 'rewrite']), source: z.string(), destination: z.string() }))
    .optional(),
  domain: z.string().optional(),
  domains: z.array(z.string()).optional(),
  previews: z.strictObject({ generation: z.enum(['automatic', 'manual', 'off']).optional() }).optional(),
  ipAllowList: ipAllowList.optional(),
  renderSubdomainPolicy: z.enum(['enabled', 'disabled']).optional(),
});

const cronJob = z.strictObject({
  type: z.literal('cron'),
  ...serverFields,
  schedule: cronSchedule,
});

const keyValue = z.strictObject({
  type: z.enum(['keyvalue', 'redis']),
  name: z.string().min(1),
  region: region.optional(),
  plan: plan.optional(),
  previewPlan: plan.optional(),
  ipAllowList,
  maxmemoryPolicy: z
    .enum([
      'allkeys-lru',
      'volatile-lru',
      'allkeys-lfu',
      'volatile-lfu',
      'allkeys-random',
      'volatile-random',
      'volatile-ttl',
      'noeviction',
    ])
    .optional(),
  persistenceMode: z.enum(['journal-snapshot', 'snapshot', 'off']).optional(),
});

export const RENDER_SERVICE_TYPES = ['web', 'worker', 'pserv', 'cron', 'keyvalue', 'redis'] as const;

/** A service, picked by its `type` (and `runtime: static` for a static site). */
const service = pickForm<typeof cronJob | typeof keyValue | typeof staticSite | typeof webService>(
  ({ type, runtime }) => {
    if (type === 'cron') return cronJob;
    if (type === 'keyvalue' || type === 'redis') return keyValue;
    if (type === 'web' && runtime === 'static') return staticSite;
    if (type === 'web' || type === 'worker' || type === 'pserv') return webService;
    return {
      path: ['type'],
      message: `${JSON.stringify(type)} is not a service type; Render has ${RENDER_SERVICE_TYPES.join(', ')} (a static site is type web with runtime static; Postgres goes under databases)`,
    };
  },
);

const database = z.strictObject({
  name: z.string().min(1),
  databaseName: z.string().optional(),
  user: z.string().optional(),
  region: region.optional(),
  plan: plan.optional(),
  diskSizeGB: z
    .int()
    .min(1)
    .refine((size) => size === 1 || size % 5 === 0, { error: 'the disk size is 1 or a multiple of 5 (GB)' })
    .optional(),
  storageAutoscalingEnabled: z.boolean().optional(),
  connectionPool: z.enum(['pgbouncer', 'none']).optional(),
  previewPlan: plan.optional(),
  previewDiskSizeGB: z.int().min(1).optional(),
  postgresMajorVersion: z.enum(['10', '11', '12', '13', '14', '15', '16', '17', '18']).optional(),
  highAvailability: z.strictObject({ enabled: z.boolean() }).optional(),
  ipAllowList: ipAllowList.optional(),
  readReplicas: z.array(z.strictObject({ name: z.string() })).optional(),
});

/** Environment groups hold plain and generated values only: no references, no prompts. */
const envVarGroup = z.strictObject({
  name: z.string().min(1),
  envVars: z.array(
    z
      .strictObject({ key: envKey, value: scalar.optional(), generateValue: z.literal(true).optional() })
      .refine((v) => (v.value !== undefined) !== (v.generateValue === true), {
        error: 'give exactly one of value or generateValue: true (groups take no sync: false or references)',
      }),
  ),
});

export const renderBlueprintSchema = z.strictObject({
  version: z.literal('1').optional(),
  services: z.array(service).optional(),
  databases: z.array(database).optional(),
  envVarGroups: z.array(envVarGroup).optional(),
  previews: z
    .strictObject({
      generation: z.enum(['automatic', 'manual', 'off']).optional(),
      expireAfterDays: z.int().min(1).optional(),
    })
    .optional(),
});

export type RenderBlueprint = z.output<typeof renderBlueprintSchema>;
export type RenderWebService = z.output<typeof webService>;
export type RenderStaticSite = z.output<typeof staticSite>;
export type RenderCronJob = z.output<typeof cronJob>;
export type RenderService = RenderWebService | RenderStaticSite | RenderCronJob | z.output<typeof keyValue>;
