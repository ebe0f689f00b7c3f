import { z } from 'zod';

const milliseconds = (description: string, fallback: number) =>
  z.number().int().positive().default(fallback).describe(description).meta({ duration: true });

/**
 * Every option of a smoke run: the typed API takes it, the CLI's flags and --help come from it
 * (camelCase key → --kebab-case flag), and the Nx executor's schema extends it.
 */
export const smokeOptionsSchema = z.object({
  file: z
    .string()
    .optional()
    .describe('The smoke file (YAML or JSON). Default: smoke.yaml, else smoke.json, in the working directory.')
    .meta({ placeholder: 'PATH', examples: ['apps/api/smoke.yaml'] }),
  url: z
    .string()
    .optional()
    .describe("The deployment's base URL (http or https). Default: $SMOKE_BASE_URL, else the file's baseUrl.")
    .meta({ placeholder: 'URL', examples: ['https://shop-api.fly.dev'] }),
  tags: z.array(z.string()).optional().describe('Run only the checks with one of these tags.'),
  skipTags: z.array(z.string()).optional().describe('Leave out the checks with one of these tags.'),
  expectVersion: z.string().optional().describe('Fail unless the build that answers reports this version.'),
  expectCommit: z
    .string()
    .optional()
    .describe('Fail unless the build that answers reports this commit (a prefix of 7 or more characters matches).'),
  expectImage: z
    .string()
    .optional()
    .describe(
      'An image.json written by docker-build: its version and revision labels are expected, as with --expect-version and --expect-commit.',
    )
    .meta({ placeholder: 'PATH', examples: ['dist/api/image.json'] }),
  headers: z
    .record(z.string(), z.string())
    .optional()
    .describe('Headers sent with every request (CLI: --header "name: value", repeatable).')
    .meta({ flag: 'header', separator: ':', examples: [{ 'fly-force-instance-id': '3d8d9e1b2c4e89' }] }),
  vars: z
    .record(z.string(), z.string())
    .optional()
    .describe('Values of {{ vars.<name> }}, over the file’s vars (CLI: --var name=value, repeatable).')
    .meta({ flag: 'var' }),
  concurrency: z.number().int().positive().default(4).describe('Checks in flight at once.'),
  timeout: milliseconds('Milliseconds one request may take before it counts as unreachable.', 10_000),
  deadline: milliseconds(
    'Milliseconds the whole run may take: failing checks are retried, with exponential backoff, until then.',
    60_000,
  ),
  retries: z
    .number()
    .int()
    .nonnegative()
    .default(5)
    .describe('Retries of a failing check (within the deadline); a check can set its own.'),
  retryDelay: milliseconds(
    'Milliseconds before the first retry; each further one waits twice as long (at most 5 s).',
    250,
  ),
  caFile: z
    .string()
    .optional()
    .describe(
      'PEM file of certificate authorities to trust besides the system ones (a private CA, a self-signed test server).',
    )
    .meta({ placeholder: 'PATH' }),
  junit: z
    .string()
    .optional()
    .describe('Write a JUnit XML report here (one testcase per check).')
    .meta({ placeholder: 'PATH' }),
  report: z
    .string()
    .optional()
    .describe('Write the JSON report here (per check: attempts, latency, status, failures).')
    .meta({ placeholder: 'PATH' }),
  json: z.boolean().default(false).describe('Print the JSON report on stdout instead of the summary.'),
});

export type SmokeOptions = z.input<typeof smokeOptionsSchema>;
export type ResolvedSmokeOptions = z.output<typeof smokeOptionsSchema>;
