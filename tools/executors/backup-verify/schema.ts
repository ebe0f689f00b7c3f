import { z } from 'zod';
import { verifyOptionsSchema } from '@shopops/backup';
import { nxDatabaseOptions, nxDestination } from '../../src/backup/options.ts';

export const schema = verifyOptionsSchema.extend({ ...nxDatabaseOptions, destination: nxDestination }).meta({
  title: 'Backup verify',
  description:
    'Proves a backup restores: its checksum, a full read of the archive (pg_restore of every entry to /dev/null), and a restore drill whose row counts must match the manifest. Prints the comparison.',
  examples: [
    'nx run ops:verify',
    'nx run ops:verify --backup db_shop_20261123_0300 --destination s3://backups/shop',
    'nx run ops:verify --no-drill',
  ],
});

export type BackupVerifyExecutorOptions = z.input<typeof schema>;
