import { z } from 'zod';

/** Where the database and the backups are: shared by every backup executor. */
export const locationOptions = {
  url: z
    .string()
    .optional()
    .describe(
      'Database URL. When absent: DATABASE_URL from the environment, then DATABASE_URL from `.env.<env>` in the root of `envProject`.',
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
  destination: z
    .string()
    .optional()
    .describe(
      'Where backups live: a directory (relative to the workspace root) or `s3://bucket/prefix`. Default: $BACKUP_DESTINATION, else `backups`.',
    )
    .meta({ examples: ['s3://backups/shop', 'backups'] }),
  s3Endpoint: z
    .string()
    .url()
    .optional()
    .describe('Endpoint of an S3-compatible server such as MinIO. Default: $AWS_ENDPOINT_URL_S3, else AWS.')
    .meta({ examples: ['http://127.0.0.1:9000'] }),
  s3Region: z.string().optional().describe('S3 region. Default: $AWS_REGION, else us-east-1.'),
  s3ForcePathStyle: z
    .boolean()
    .optional()
    .describe('Path-style S3 addressing (bucket in the path); the default whenever s3Endpoint is set.'),
  pgBinDir: z
    .string()
    .optional()
    .describe(
      'Directory of pg_dump, pg_dumpall and pg_restore (at least the server’s version). Default: $PG_BINDIR, else PATH.',
    )
    .meta({ examples: ['/usr/lib/postgresql/16/bin'] }),
  json: z.boolean().default(false).describe('Print the result as one JSON document on stdout.'),
};

const count = (description: string) => z.number().int().nonnegative().optional().describe(description);

/** The grandfather-father-son policy, restic `forget` semantics: each count walks on its own. */
export const retentionOptions = {
  keepDaily: count('Days to keep, the newest backup of each; default 7.'),
  keepWeekly: count('ISO weeks to keep, the newest backup of each; default 4.'),
  keepMonthly: count('Months to keep, the newest backup of each; default 3.'),
  keepYearly: count('Years to keep, the newest backup of each; default 0.'),
  keepLast: count('Newest backups to keep regardless of their dates; default 0.'),
};

export const backupRef = z
  .string()
  .default('latest')
  .describe('Which backup: its id (or any of its file names), or `latest`.')
  .meta({ examples: ['latest', 'db_shop_20261123_0300'] });

export const jobs = z.number().int().positive().default(2).describe('Parallel pg_restore jobs (`pg_restore -j`).');

export type LocationOptions = z.output<z.ZodObject<typeof locationOptions>>;
export type RetentionOptions = z.output<z.ZodObject<typeof retentionOptions>>;
