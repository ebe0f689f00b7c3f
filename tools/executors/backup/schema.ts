import { z } from 'zod';
import { backupOptionsSchema } from '@shopops/backup';
import { nxDatabaseOptions, nxDestination } from '../../src/backup/options.ts';

export const schema = backupOptionsSchema.extend({ ...nxDatabaseOptions, destination: nxDestination }).meta({
  title: 'Backup',
  description:
    'Streams `pg_dump -Fc` of one consistent snapshot to a directory or S3, hashing it on the way, with a manifest (versions, times, size, sha256, exact row count of every table). A failed run leaves nothing under the final name. The same engine runs without Nx as the `backup` CLI of @shopops/backup.',
  examples: [
    'nx run ops:backup',
    'nx run ops:backup --destination s3://backups/shop --verify --prune',
    'nx run ops:backup --env staging --json',
    'nx run ops:backup --metrics-file /var/lib/node_exporter/textfile/backup.prom',
  ],
});

export type BackupExecutorOptions = z.input<typeof schema>;
