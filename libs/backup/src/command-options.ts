import { z } from 'zod';
import { COMPRESSIONS } from './compression.ts';
import { DEFAULT_POLICY } from './retention.ts';

/**
 * Every option of every backup command, declared once: the CLI's flags and --help come from these
 * schemas, and the Nx executors extend them. Defaults that come from the environment ($DATABASE_URL,
 * $BACKUP_DESTINATION, the AWS variables) are applied by runBackupCommand, so both hosts share them.
 */
const database = {
  url: z
    .string()
    .optional()
    .describe('Database URL, postgres://user:password@host:5432/database. Default: $DATABASE_URL.')
    .meta({ examples: ['postgres://app@127.0.0.1:5432/shop'] }),
  pgBinDir: z
    .string()
    .optional()
    .describe(
      'Directory of pg_dump, pg_dumpall, pg_restore and psql (at least the server’s version). Default: $PG_BINDIR, else PATH.',
    )
    .meta({ examples: ['/usr/lib/postgresql/16/bin'] }),
};

const store = {
  destination: z
    .string()
    .optional()
    .describe('Where backups live: a directory or `s3://bucket/prefix`. Default: $BACKUP_DESTINATION, else ./backups.')
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
};

const json = z.boolean().default(false).describe('Print the result as one JSON document on stdout.');

const count = (description: string) => z.number().int().nonnegative().optional().describe(description);

/** The grandfather-father-son policy, restic `forget` semantics: each count walks on its own. */
const retention = {
  keepDaily: count(`Days to keep, the newest backup of each; default ${DEFAULT_POLICY.daily}.`),
  keepWeekly: count(`ISO weeks to keep, the newest backup of each; default ${DEFAULT_POLICY.weekly}.`),
  keepMonthly: count(`Months to keep, the newest backup of each; default ${DEFAULT_POLICY.monthly}.`),
  keepYearly: count(`Years to keep, the newest backup of each; default ${DEFAULT_POLICY.yearly}.`),
  keepLast: count(`Newest backups to keep regardless of their dates; default ${DEFAULT_POLICY.last}.`),
};

const monitoring = {
  metricsFile: z
    .string()
    .optional()
    .describe(
      'After success, write the backup gauges (last success, duration, size, verified) to this node_exporter textfile, atomically.',
    )
    .meta({ examples: ['/var/lib/node_exporter/textfile/backup.prom'] }),
  pushgatewayUrl: z
    .string()
    .url()
    .optional()
    .describe('After success, push the same gauges to this Prometheus Pushgateway (job `backup`).')
    .meta({ examples: ['http://pushgateway:9091'] }),
};

const backupRef = z
  .string()
  .default('latest')
  .describe('Which backup: its id (or any of its file names), or `latest` (never a safety backup).')
  .meta({ examples: ['latest', 'db_shop_20261123_0300'] });

const jobs = z.number().int().positive().default(2).describe('Parallel pg_restore jobs (`pg_restore -j`).');

const compression = (description: string) => z.enum(COMPRESSIONS).default('auto').describe(description);

export const backupOptionsSchema = z.object({
  ...database,
  ...store,
  compression: compression(
    'How the archive is compressed: zstd (pg_dump -Z0 piped through multi-threaded zstd; several times faster on real data), pg-default (pg_dump’s own zlib), none, or auto (zstd when installed).',
  ),
  globals: z
    .boolean()
    .default(false)
    .describe('Also store roles and tablespaces (pg_dumpall --globals-only; needs a superuser).'),
  verify: z
    .boolean()
    .default(false)
    .describe(
      'Right after the backup: checksum, full read, and a restore drill into a scratch database on the same server.',
    ),
  prune: z
    .boolean()
    .default(false)
    .describe('After a successful backup, delete what the retention policy no longer keeps.'),
  ...retention,
  ...monitoring,
  json,
});

export const restoreOptionsSchema = z.object({
  ...database,
  database: z
    .string()
    .min(1)
    .optional()
    .describe('Restore into this database on the server of the URL, instead of the one the URL names.')
    .meta({ examples: ['shop_restored'] }),
  ...store,
  backup: backupRef,
  jobs,
  keepPrevious: z
    .number()
    .int()
    .nonnegative()
    .default(1)
    .describe(
      'Replaced databases to keep after a swap, as `<db>__before_<time>`, the one just replaced included; older ones are dropped. 0 keeps none.',
    ),
  force: z
    .boolean()
    .default(false)
    .describe(
      'Replace a target that holds tables the backup does not have, or data of another database (its name differs from the backup’s).',
    ),
  confirm: z
    .string()
    .optional()
    .describe(
      'The target database’s name, required when the target looks like production (ENV=prod, a protected host or database).',
    )
    .meta({ examples: ['shop'] }),
  safetyBackup: z.boolean().default(false).describe('Back up the target database first, to the same destination.'),
  compression: compression('Compression of the safety backup.'),
  protectedHosts: z
    .array(z.string())
    .optional()
    .describe('Hosts whose databases count as production (comma-separated). Default: $BACKUP_PROTECTED_HOSTS.'),
  protectedDatabases: z
    .array(z.string())
    .optional()
    .describe('Database names that count as production on any host. Default: $BACKUP_PROTECTED_DATABASES.'),
  json,
});

export const verifyOptionsSchema = z.object({
  ...database,
  ...store,
  backup: backupRef,
  drill: z
    .boolean()
    .default(true)
    .describe(
      'Restore into a scratch database on the server of the URL, compare every table’s row count with the manifest, then drop it. Without it: checksum and full read only, no database needed.',
    ),
  jobs,
  ...monitoring,
  json,
});

export const listOptionsSchema = z.object({ ...store, json });

export const pruneOptionsSchema = z.object({
  ...store,
  ...retention,
  apply: z.boolean().default(false).describe('Delete. Without it, prune only prints what it would delete and why.'),
  json,
});

export const BACKUP_COMMANDS = {
  backup: backupOptionsSchema,
  restore: restoreOptionsSchema,
  verify: verifyOptionsSchema,
  list: listOptionsSchema,
  prune: pruneOptionsSchema,
} as const;

export type BackupCommand = keyof typeof BACKUP_COMMANDS;
export type BackupCommandOptions<C extends BackupCommand> = z.output<(typeof BACKUP_COMMANDS)[C]>;
export type BackupCommandInput<C extends BackupCommand> = z.input<(typeof BACKUP_COMMANDS)[C]>;
