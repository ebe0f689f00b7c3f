import { z } from 'zod';
import { listOptionsSchema } from '@shopops/backup';
import { nxDestination } from '../../src/backup/options.ts';

export const schema = listOptionsSchema.extend({ destination: nxDestination }).meta({
  title: 'Backup list',
  description:
    'Lists the backups at the destination, newest first: time, size as stored, compression; incomplete or damaged ones (a truncated archive included) are shown with what is wrong with them, safety backups as such.',
  examples: ['nx run ops:backups', 'nx run ops:backups --destination s3://backups/shop --json'],
});

export type BackupListExecutorOptions = z.input<typeof schema>;
