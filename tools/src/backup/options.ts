import { z } from 'zod';

/**
 * What only Nx hosts add to the backup engine's options: the database URL from the project's
 * `.env.<env>` files, and workspace-relative paths. The rest is the engine's own schema (rule 2).
 */
export const nxDatabaseOptions = {
  url: z
    .string()
    .optional()
    .describe(
      'Database URL. When absent: DATABASE_URL from the environment, then DATABASE_URL from `.env.<env>` in the root of `envProject`. A password here shows in Nx’s task header: prefer the environment or the file.',
    )
    .meta({ examples: ['postgres://app@127.0.0.1:5432/shop'] }),
  env: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes')
    .optional()
    .describe('Environment whose `.env.<env>` file supplies DATABASE_URL; defaults to $ENV, else `dev`.')
    .meta({ examples: ['staging'] }),
  envProject: z
    .string()
    .optional()
    .describe(
      'Project whose `.env.<env>` files hold the database URL (the app that owns the database). Default: the project the target belongs to.',
    ),
};

export const nxDestination = z
  .string()
  .optional()
  .describe(
    'Where backups live: a directory (relative to the workspace root) or `s3://bucket/prefix`. Default: $BACKUP_DESTINATION, else `backups`.',
  )
  .meta({ examples: ['s3://backups/shop', 'backups'] });

export type NxDatabaseOptions = z.output<z.ZodObject<typeof nxDatabaseOptions>>;
