import { z } from 'zod';
import { canaryOptionsSchema } from '@shopops/canary';

export const schema = canaryOptionsSchema
  .extend({
    config: z
      .string()
      .default('fly.toml')
      .describe(
        'The fly.toml, relative to the workspace root: the app, the release command, wait_timeout, min_machines_running, internal_port.',
      )
      .meta({ examples: ['fly.toml', 'apps/api/fly.toml'] }),
    imageRecord: z
      .string()
      .optional()
      .describe(
        'The image.json docker-build wrote, read when --image is not given. Default: dist/<project>/image.json.',
      ),
    smokeFile: z
      .string()
      .optional()
      .describe("The smoke file --synthetic-load runs. Default: the project's smoke.yaml."),
    report: z
      .string()
      .optional()
      .describe('Where the JSON report goes, relative to the workspace root. Default: dist/<project>/deploy.json.'),
    writeReport: z.boolean().default(true).describe('Write the JSON report (dist/<project>/deploy.json, or --report).'),
  })
  .meta({
    title: 'Fly canary',
    description:
      'Releases an image to a Fly app through the Machines API, machine by machine: the release command in a temporary machine, then steps (default 1, 50 %, 100 % of the machines), each observed for an interval and analysed from the machines’ own /metrics (5xx rate, its increase over the old machines, p95 ratio) and /readyz. Too little traffic is inconclusive, never a success. A failed analysis, check or timeout, or Ctrl-C, rolls back with the old machines put back first. Exit codes of the engine: 0 released, 1 rolled back, 2 invalid input, 3 another deploy holds a lease. The same engine runs without Nx as the `fly-canary` CLI of @shopops/canary.',
    examples: [
      'nx run api:fly-canary --dryRun',
      'nx run api:fly-canary',
      'nx run api:fly-canary --image registry.fly.io/shopops-api:1.4.2',
      'nx run api:fly-canary --steps 1,25%,100% --interval 60000 --onInconclusive fail',
      'nx run api:fly-canary --syntheticLoad --appUrl https://shopops-api.fly.dev',
      'nx run api:fly-canary --resume',
    ],
  });

export type FlyCanaryExecutorOptions = z.input<typeof schema>;
