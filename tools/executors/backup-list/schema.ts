import { z } from 'zod';
import { locationOptions } from '../../src/backup/options.ts';

const { destination, s3Endpoint, s3Region, s3ForcePathStyle, json } = locationOptions;

export const schema = z.object({ destination, s3Endpoint, s3Region, s3ForcePathStyle, json }).meta({
  title: 'Backup list',
  description:
    'Lists the backups at the destination, newest first: time, size, compression; incomplete or damaged ones are shown with what is wrong with them.',
  examples: ['nx run ops:backups', 'nx run ops:backups --destination s3://backups/shop --json'],
});

export type BackupListExecutorOptions = z.input<typeof schema>;
