import { z } from 'zod';

const milliseconds = (description: string, fallback: number) =>
  z.number().int().positive().default(fallback).describe(description);
const optionalMilliseconds = (description: string) => z.number().int().positive().optional().describe(description);
const fraction = (description: string, fallback: number) =>
  z.number().min(0, 'a fraction from 0 to 1').max(1, 'a fraction from 0 to 1').default(fallback).describe(description);

/**
 * Every option of a canary release: the typed API takes it, the CLI's flags and --help come from it
 * (camelCase key → --kebab-case flag), and the Nx executor's schema extends it.
 */
export const canaryOptionsSchema = z.object({
  config: z
    .string()
    .default('fly.toml')
    .describe('The fly.toml: the app, the release command, wait_timeout, min_machines_running, internal_port.')
    .meta({ examples: ['fly.toml'] }),
  app: z.string().min(1).optional().describe("The Fly app. Default: fly.toml's `app`."),
  image: z
    .string()
    .min(1)
    .optional()
    .describe('The image to release. Default: `image` of the --image-record file written by docker-build.')
    .meta({ examples: ['registry.fly.io/shopops-api@sha256:4f1c…'] }),
  imageRecord: z
    .string()
    .optional()
    .describe('An image.json written by docker-build, read when --image is not given.')
    .meta({ examples: ['dist/api/image.json'] }),
  apiUrl: z
    .string()
    .url()
    .default('https://api.machines.dev')
    .describe('Base URL of the Fly Machines API (paths under /v1). The token comes from $FLY_API_TOKEN.'),
  releaseCommand: z
    .string()
    .optional()
    .describe(
      "Run in a temporary machine of the new image before any traffic moves. Default: fly.toml's [deploy] release_command; '' skips it.",
    ),
  steps: z
    .array(z.string())
    .default(['1', '50%', '100%'])
    .describe(
      'How many machines run the new image after each step: a count or a percentage of the current machines, increasing, up to 100%.',
    )
    .meta({ examples: [['1', '50%', '100%']] }),
  interval: milliseconds('Milliseconds of traffic observed at each step before the analysis.', 30_000),
  minRequests: z
    .number()
    .int()
    .positive()
    .default(50)
    .describe('Fewer requests than this on the new machines in an interval is inconclusive, never a success.'),
  maxErrorRate: fraction('Highest 5xx rate of the new machines (0.01 = 1 %).', 0.01),
  maxErrorRateIncrease: fraction('Highest 5xx rate of the new machines above that of the old ones.', 0.005),
  maxP95Ratio: z
    .number()
    .min(1, 'at least 1 (the new version as fast as the old)')
    .max(100, 'at most 100')
    .default(2)
    .describe("Highest p95 latency of the new machines as a multiple of the old machines' p95."),
  latencyFloor: milliseconds(
    'Milliseconds of p95 latency never judged slow, whatever the ratio: histogram buckets are too coarse below it.',
    50,
  ),
  failureLimit: z
    .number()
    .int()
    .nonnegative()
    .max(10, 'at most 10')
    .default(0)
    .describe('Failed analyses tolerated (each one observed again) before the release is rolled back.'),
  onInconclusive: z
    .enum(['wait', 'fail'])
    .default('wait')
    .describe(
      'What an inconclusive analysis does: wait (observe another interval, up to --max-inconclusive) or fail (roll back).',
    ),
  maxInconclusive: z
    .number()
    .int()
    .positive()
    .max(100, 'at most 100')
    .default(3)
    .describe('Inconclusive intervals in a row at one step before the release counts as failed.'),
  syntheticLoad: z
    .boolean()
    .default(false)
    .describe(
      'On an inconclusive interval, drive the smoke checks at the new machines through the app URL to get data.',
    ),
  smokeFile: z
    .string()
    .optional()
    .describe('The smoke file --synthetic-load runs. Default: smoke.yaml beside the fly.toml.'),
  syntheticLoadSkipTags: z
    .array(z.string().min(1))
    .default(['writes'])
    .describe(
      'Smoke checks with one of these tags are left out of --synthetic-load, which runs the file over and over against production: by default those tagged writes (they create orders). Give none to run every check.',
    )
    .meta({ examples: [['writes', 'sandbox']] }),
  appUrl: z
    .string()
    .url()
    .optional()
    .describe('Where --synthetic-load sends its requests (through the Fly proxy). Default: https://<app>.fly.dev.'),
  machineUrl: z
    .string()
    .default('http://{private_ip}:{internal_port}')
    .describe(
      "How this process reaches one machine directly for /metrics and /readyz ({private_ip}, {internal_port}, {id}, {app}); on Fly's private network (WireGuard).",
    ),
  waitTimeout: optionalMilliseconds(
    "Milliseconds a machine may take to start and pass its checks. Default: fly.toml's wait_timeout, else 5 min.",
  ),
  releaseCommandTimeout: optionalMilliseconds(
    "Milliseconds the release command may run. Default: fly.toml's release_command_timeout, else 5 min.",
  ),
  minMachinesRunning: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe("Machines that must keep serving at every moment. Default: fly.toml's min_machines_running, else 1."),
  leaseTtl: z
    .number()
    .int()
    .min(5, 'at least 5 seconds')
    .max(3600, 'at most 3600 seconds')
    .default(30)
    .describe(
      'Seconds each machine lease lasts; renewed while the release runs, so a killed run frees its machines soon.',
    ),
  retries: z
    .number()
    .int()
    .nonnegative()
    .max(10, 'at most 10')
    .default(5)
    .describe('Retries of a Machines API call on 429, 5xx or a connection error, with exponential backoff.'),
  resume: z
    .boolean()
    .default(false)
    .describe('Resume an interrupted release found on the machines instead of rolling it back.'),
  dryRun: z
    .boolean()
    .default(false)
    .describe('Print the plan (machines to create, cordon, destroy per step, the analysis) and change nothing.'),
  report: z
    .string()
    .optional()
    .describe('Write the JSON report here (image, steps, machines, every analysis figure, verdict).'),
  json: z.boolean().default(false).describe('Print the JSON report on stdout instead of the summary.'),
});

export type CanaryOptions = z.input<typeof canaryOptionsSchema>;
export type ResolvedCanaryOptions = z.output<typeof canaryOptionsSchema>;
