import { z } from 'zod';
import { DEFAULT_HISTORY_TABLE } from './history-table.ts';

/** Postgres interval units lock_timeout accepts; the one pattern every host validates with. */
export const POSTGRES_DURATION = /^\d+\s*(us|ms|s|min|h|d)?$/;

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
  'force',
  'baseline',
] as const;

export const migrateCommandSchema = z.enum(migrateCommands);
export type MigrateCommand = z.infer<typeof migrateCommandSchema>;

/**
 * Every option of the engine, declared once: the CLI's flags and `--help` are derived from it
 * (camelCase key → `--kebab-case` flag), and the Nx executor's schema extends it.
 */
export const migrateOptionsSchema = z.object({
  url: z
    .string()
    .optional()
    .describe('Database URL (postgres://user:password@host:5432/db). CLI default: $DATABASE_URL.')
    .meta({ examples: ['postgres://app@127.0.0.1:5432/shop'] }),
  dir: z
    .string()
    .default('migrations')
    .describe('Migrations folder (dbmate or golang-migrate files). CLI default: $MIGRATIONS_DIR, else ./migrations.'),
  table: z
    .string()
    .default(DEFAULT_HISTORY_TABLE)
    .describe(
      'History table, optionally schema-qualified. An existing dbmate or golang-migrate table is adopted in place.',
    ),
  to: z
    .string()
    .regex(/^\d+$/, 'a migration version (digits)')
    .optional()
    .describe(
      'A migration version: for `up` and `dry-run`, stop after it; for `force` and `baseline`, the version to record (the CLI takes it as the argument: `migrate force 20260101000000`).',
    ),
  name: z
    .string()
    .regex(/^[a-z0-9_]+$/, 'lowercase letters, digits and underscores')
    .optional()
    .describe('Name of the migration to create, for `new`.')
    .meta({ examples: ['add_orders_index'] }),
  steps: z.number().int().positive().default(1).describe('For `down`: how many migrations to roll back.'),
  lockTimeout: z
    .number()
    .int()
    .nonnegative()
    .default(60000)
    .describe('Milliseconds to wait for another runner to release the migration lock before giving up.'),
  statementLockTimeout: z
    .string()
    .regex(POSTGRES_DURATION, 'a Postgres duration such as 5s, 500ms, 1min or 1h')
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
  exitCode: z
    .boolean()
    .default(false)
    .describe('For `status`: exit 3 when migrations are pending, drifted, missing or dirty.'),
  strict: z.boolean().default(false).describe('For `lint`: report warnings as errors and fail.'),
  file: z
    .string()
    .optional()
    .describe('For `dump-schema`: the output file; default schema.sql beside the migrations folder.'),
  json: z.boolean().default(false).describe('Print the result as one JSON document on stdout.'),
});

export type MigrateOptions = z.output<typeof migrateOptionsSchema>;
export type MigrateOptionsInput = z.input<typeof migrateOptionsSchema>;
export type MigrateOption = keyof MigrateOptions;
