import { z } from 'zod';

export const migrateCommands = [
  'up',
  'down',
  'redo',
  'status',
  'dry-run',
  'dump-schema',
  'verify',
  'lint',
  'new',
] as const;

export const schema = z
  .object({
    command: z
      .enum(migrateCommands)
      .default('up')
      .describe(
        'What to do: apply pending migrations (up), roll back (down), roll back and re-apply the last one (redo), list applied/pending/drifted files (status), print the SQL up would run (dry-run), write the schema file (dump-schema), check that every migration rolls back cleanly on a scratch database (verify), check migrations for unsafe operations (lint), or create a migration file (new).',
      )
      .meta({ $default: { $source: 'argv', index: 0 }, examples: ['status'] }),
    name: z
      .string()
      .regex(/^[a-z0-9_]+$/, 'lowercase letters, digits and underscores')
      .optional()
      .describe('Name of the migration to create, for `new`.')
      .meta({ $default: { $source: 'argv', index: 1 }, examples: ['add_orders_index'] }),
    url: z
      .string()
      .optional()
      .describe(
        'Database URL. When absent: DATABASE_URL from the environment, then DATABASE_URL from the project’s `.env.<env>` file.',
      )
      .meta({ examples: ['postgres://app@127.0.0.1:5432/shop'] }),
    env: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes')
      .optional()
      .describe(
        'Environment whose `.env.<env>` file in the project root supplies DATABASE_URL; defaults to $ENV, else `dev`.',
      )
      .meta({ examples: ['staging'] }),
    envProject: z
      .string()
      .optional()
      .describe(
        'Project whose `.env.<env>` files hold DATABASE_URL, when it is not this one (migrations in a library, the env files with the app). Default: this project.',
      ),
    dir: z.string().default('migrations').describe('Migrations folder, relative to the project root.'),
    table: z
      .string()
      .default('public.schema_migrations')
      .describe('History table, optionally schema-qualified. An existing dbmate table is adopted in place.'),
    to: z
      .string()
      .regex(/^\d+$/, 'a migration version (digits)')
      .optional()
      .describe('For `up`: stop after this version.'),
    steps: z.number().int().positive().default(1).describe('For `down`: how many migrations to roll back.'),
    lockTimeout: z
      .number()
      .int()
      .nonnegative()
      .default(60000)
      .describe('Milliseconds to wait for another runner to release the migration lock before giving up.'),
    statementLockTimeout: z
      .string()
      .regex(/^\d+(ms|s|min)?$/, 'a Postgres duration such as 5s or 500ms')
      .default('5s')
      .describe(
        'lock_timeout for each migration statement, so a migration waiting on a busy table never stalls traffic.',
      ),
    lockRetries: z
      .number()
      .int()
      .nonnegative()
      .default(3)
      .describe('How many times a migration that hit its statement lock timeout is retried.'),
    allowDrift: z.boolean().default(false).describe('Run even though an applied file was changed afterwards.'),
    allowOutOfOrder: z
      .boolean()
      .default(false)
      .describe('Apply a pending file whose version is older than the newest applied one.'),
    exitCode: z.boolean().default(false).describe('For `status`: fail when migrations are pending.'),
    strict: z.boolean().default(false).describe('For `lint`: report findings as errors and fail.'),
    schemaFile: z
      .string()
      .default('schema.sql')
      .describe('For `dump-schema`: output file, relative to the project root.'),
    json: z.boolean().default(false).describe('Print the result as one JSON document on stdout.'),
  })
  .meta({
    title: 'Migrate',
    description:
      'Applies and manages the SQL migrations of a project (dbmate file format; golang-migrate folders are read too) with a safe runner: one runner per database, one transaction per file, checksum-drift and out-of-order detection. The same engine runs without Nx as the `migrate` CLI of @shopops/migrate.',
    examples: [
      'nx run api:migrate',
      'nx run api:migrate status --exit-code',
      'nx run api:migrate down --steps 2',
      'nx run api:migrate new add_orders_index',
      'nx run api:migrate lint --strict',
      'nx run api:migrate --env staging',
    ],
  });

export type MigrateExecutorOptions = z.input<typeof schema>;
