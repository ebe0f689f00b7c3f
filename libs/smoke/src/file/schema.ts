import { z } from 'zod';

/** Presets a smoke file can include by name (see src/presets). */
export const PRESET_NAMES = ['api', 'web', 'cors'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const jsonValue: z.ZodType<unknown> = z.json();

/** What one value (a header, or each value a JSONPath selects) must satisfy; every operator given is checked. */
export const matcherSchema = z
  .strictObject({
    equals: jsonValue.optional().describe('The value equals this (for JSONPath: every selected value).'),
    matches: z.string().optional().describe('The value matches this regular expression (JavaScript syntax).'),
    exists: z.boolean().optional().describe('true: the header is present / the path selects something; false: not.'),
    count: z.number().int().nonnegative().optional().describe('The path selects exactly this many values.'),
    greater: z.number().optional().describe('Every selected value is a number greater than this.'),
    less: z.number().optional().describe('Every selected value is a number less than this.'),
  })
  .refine(
    (m) => Object.values(m).some((v) => v !== undefined),
    'give at least one of equals, matches, exists, count, greater, less',
  )
  .meta({ title: 'Matcher' });

export const assertionsSchema = z
  .strictObject({
    headers: z
      .record(z.string(), matcherSchema)
      .optional()
      .describe('Response headers by name (case-insensitive): equals / matches / exists.'),
    json: z
      .record(z.string(), matcherSchema)
      .optional()
      .describe('JSONPath expressions (jsonpath-plus syntax, starting with $) over the JSON body.'),
    body: z
      .strictObject({
        contains: z
          .union([z.string(), z.array(z.string())])
          .optional()
          .describe('Text the body contains.'),
        matches: z.string().optional().describe('A regular expression the body matches.'),
      })
      .optional(),
    maxMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Response time budget: the response ends within this many ms.'),
    tlsValidDays: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('The server certificate (https only) stays valid for at least this many days.'),
  })
  .meta({ title: 'Assertions' });

export const captureSchema = z.union([
  z.string().describe('A JSONPath over the JSON body; its first value.'),
  z
    .strictObject({
      jsonpath: z.string().optional().describe('A JSONPath over the JSON body; its first value.'),
      header: z.string().optional().describe('A response header.'),
      regex: z.string().optional().describe('A regular expression over the body; its first group (else the match).'),
      secret: z.boolean().default(false).describe('Mask the value in every output and report.'),
    })
    .refine(
      (c) => [c.jsonpath, c.header, c.regex].filter((v) => v !== undefined).length === 1,
      'give exactly one of jsonpath, header or regex',
    ),
]);

export const checkSchema = z
  .strictObject({
    name: z.string().min(1).describe('Shown in progress, reports and JUnit (one testcase per check).'),
    method: z.enum(HTTP_METHODS).default('GET'),
    path: z.string().optional().describe('Path (and query) below the base URL, e.g. /products?limit=1.'),
    url: z.string().optional().describe('An absolute URL instead of a path (another host).'),
    headers: z.record(z.string(), z.string()).optional().describe('Request headers; values may use {{ … }}.'),
    body: jsonValue.optional().describe('Request body: an object or array is sent as JSON, a string as it is.'),
    status: z
      .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)], {
        error: 'expected a status code (100–599) or a list of them',
      })
      .default(200)
      .describe('Expected status, or a list of acceptable ones.'),
    tags: z.array(z.string().min(1)).default([]).describe('Select checks with --tags / --skip-tags.'),
    assert: assertionsSchema.optional(),
    capture: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name of letters, digits and _'), captureSchema)
      .optional()
      .describe('Values later checks use as {{ captured.<name> }}.'),
    build: z
      .strictObject({
        version: z.string().describe('JSONPath of the version the answering build reports.'),
        commit: z.string().describe('JSONPath of the commit the answering build reports.'),
      })
      .optional()
      .describe('This check says which build answered; --expect-version/--expect-commit/--expect-image compare it.'),
    retries: z.number().int().nonnegative().optional().describe('Attempts after the first; default from the options.'),
    after: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Names of earlier checks this one starts after, whether they passed or not: for clean-up, such as cancelling what they created. (A check using a capture already waits for the check that captures it, and is not run if that one failed.)',
      ),
  })
  .refine((c) => (c.path === undefined) !== (c.url === undefined), 'give exactly one of path or url')
  .meta({ title: 'Check' });

export const presetIncludeSchema = z.union([
  z.enum(PRESET_NAMES),
  z.strictObject({
    preset: z.enum(PRESET_NAMES),
    tags: z.array(z.string().min(1)).optional().describe('Extra tags for every check of the preset.'),
    origin: z.string().optional().describe('cors: an origin that is allowed.'),
    refusedOrigin: z.string().optional().describe('cors: an origin that is not (default https://refused.invalid).'),
    path: z
      .string()
      .optional()
      .describe('cors: the path preflighted (default /products); web: a deep link (default /products/1).'),
  }),
]);

export const smokeFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    baseUrl: z.string().optional().describe('Default deployment when neither --url nor SMOKE_BASE_URL is given.'),
    include: z.array(presetIncludeSchema).default([]).describe('Built-in presets: api, web, cors.'),
    vars: z.record(z.string(), z.string()).default({}).describe('Variables as {{ vars.<name> }}; --var overrides.'),
    headers: z.record(z.string(), z.string()).default({}).describe('Headers sent with every request.'),
    checks: z.array(checkSchema).default([]),
  })
  .meta({
    title: 'Smoke file',
    description: 'Checks `smoke` runs against a deployment (libs/smoke of shopops).',
  });

export type SmokeFile = z.output<typeof smokeFileSchema>;
export type Check = z.output<typeof checkSchema>;
export type Matcher = z.output<typeof matcherSchema>;
export type Assertions = z.output<typeof assertionsSchema>;
export type Capture = z.output<typeof captureSchema>;
export type PresetInclude = z.output<typeof presetIncludeSchema>;
