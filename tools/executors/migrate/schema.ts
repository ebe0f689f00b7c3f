import { migrateCommandSchema, migrateOptionsSchema } from '@shopops/migrate';
import { z } from 'zod';

const engine = migrateOptionsSchema.shape;

/**
 * The engine's option schema (libs/migrate/src/option-schema.ts), plus what only Nx has: the
 * command as a positional, where the database URL is looked up, and paths relative to the project.
 */
export const schema = migrateOptionsSchema
  .extend({
    command: migrateCommandSchema
      .default('up')
      .describe(
        'What to do: apply pending migrations (up), roll back (down), roll back and re-apply the last one (redo), list applied/pending/drifted/dirty files (status), print the SQL up would run and how each file runs (dry-run), write the schema file (dump-schema), check that every migration rolls back cleanly on a scratch database (verify), check migrations for unsafe operations (lint), create a migration file (new), record the database as at a version and clear a dirty mark (force <version>), or mark a database that already has the schema as migrated up to a version (baseline <version>); the version is the second word or --to.',
      )
      .meta({ $default: { $source: 'argv', index: 0 }, examples: ['status'] }),
    // Nx hands the second word of `nx run api:migrate new add_index` (or `force 42`) to this option.
    name: engine.name.meta({ $default: { $source: 'argv', index: 1 } }),
    url: engine.url.describe(
      'Database URL. When absent: DATABASE_URL from the environment, then DATABASE_URL from the project’s `.env.<env>` file.',
    ),
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
    dir: engine.dir.describe('Migrations folder, relative to the project root (an absolute path is used as given).'),
    file: engine.file.describe(
      'For `dump-schema`: output file, relative to the project root (an absolute path is used as given); default schema.sql beside the migrations folder.',
    ),
  })
  .meta({
    title: 'Migrate',
    description:
      'Applies and manages the SQL migrations of a project (dbmate files, and golang-migrate folders as golang-migrate runs them) with a safe runner: one runner per database, one transaction per file where the file allows it, checksum-drift and out-of-order detection, golang-migrate’s dirty mark with `force`, and `baseline`. The same engine runs without Nx as the `migrate` CLI of @shopops/migrate.',
    examples: [
      'nx run api:migrate',
      'nx run api:migrate status --exit-code',
      'nx run api:migrate down --steps 2',
      'nx run api:migrate new add_orders_index',
      'nx run api:migrate lint --strict',
      'nx run api:migrate force 20261123090300',
      'nx run api:migrate --env staging',
    ],
  });

export type MigrateExecutorOptions = z.input<typeof schema>;
