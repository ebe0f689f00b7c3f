import { z } from 'zod';
import { backupRef, jobs, locationOptions } from '../../src/backup/options.ts';

export const schema = z
  .object({
    ...locationOptions,
    database: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Restore into this database on the server of the URL (from DATABASE_URL or `.env.<env>`), so no password goes on the command line.',
      )
      .meta({ examples: ['shop_restored'] }),
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
    compression: z
      .enum(['auto', 'zstd', 'pg-default', 'none'])
      .optional()
      .describe('Compression of the safety backup (see the backup executor).'),
    protectedHosts: z
      .array(z.string())
      .optional()
      .describe('Hosts whose databases count as production. Default: $BACKUP_PROTECTED_HOSTS (comma-separated).'),
    protectedDatabases: z
      .array(z.string())
      .optional()
      .describe('Database names that count as production on any host. Default: $BACKUP_PROTECTED_DATABASES.'),
  })
  .meta({
    title: 'Restore',
    description:
      'Restores a backup (by id or `latest`, local or S3) so that the target is always either what it was or the backup: the checksum is checked before anything is touched; a missing target is created and restored with `pg_restore -j N`; an existing one is restored into a scratch database beside it, checked, and swapped in (the replaced database kept as `<db>__before_<time>`); a role without CREATEDB restores in one transaction that rolls back on any failure. Every table’s row count must match the manifest. A production-looking target needs `--confirm=<database>`, one holding other data `--force`.',
    examples: [
      'nx run ops:restore --database shop_copy',
      'nx run ops:restore --backup db_shop_20261123_0300 --jobs 4 --safety-backup',
      'nx run ops:restore --env prod --confirm shop',
      'nx run ops:restore --database shop_restored --keep-previous 0',
    ],
  });

export type RestoreExecutorOptions = z.input<typeof schema>;
