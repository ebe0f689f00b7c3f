import { z } from 'zod';
import { backupRef, jobs, locationOptions } from '../../src/backup/options.ts';

export const schema = z
  .object({
    ...locationOptions,
    backup: backupRef,
    jobs,
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
      'Restores a backup (by id or `latest`, local or S3) into the database of the URL, creating it when missing: the checksum is checked before anything is touched, then `pg_restore --clean --if-exists --no-owner -j N`, then every table’s row count is compared with the manifest. A production-looking target needs `--confirm=<database>`.',
    examples: [
      'nx run ops:restore --url postgres://app@127.0.0.1:5432/shop_copy',
      'nx run ops:restore --backup db_shop_20261123_0300 --jobs 4 --safety-backup',
      'nx run ops:restore --env prod --confirm shop',
    ],
  });

export type RestoreExecutorOptions = z.input<typeof schema>;
