import { z } from 'zod';
import { restoreOptionsSchema } from '@shopops/backup';
import { nxDatabaseOptions, nxDestination } from '../../src/backup/options.ts';

export const schema = restoreOptionsSchema
  .extend({
    ...nxDatabaseOptions,
    destination: nxDestination,
    database: restoreOptionsSchema.shape.database.describe(
      'Restore into this database on the server of the URL (from DATABASE_URL or `.env.<env>`), so no password goes on the command line.',
    ),
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
