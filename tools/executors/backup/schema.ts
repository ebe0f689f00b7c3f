import { z } from 'zod';
import { locationOptions, retentionOptions } from '../../src/backup/options.ts';

export const schema = z
  .object({
    ...locationOptions,
    compression: z
      .enum(['auto', 'zstd', 'pg-default', 'none'])
      .default('auto')
      .describe(
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
    ...retentionOptions,
  })
  .meta({
    title: 'Backup',
    description:
      'Streams `pg_dump -Fc` of one consistent snapshot to a directory or S3, hashing it on the way, with a manifest (versions, times, size, sha256, exact row count of every table). A failed run leaves nothing under the final name. The same engine runs without Nx as the `backup` CLI of @shopops/backup.',
    examples: [
      'nx run ops:backup',
      'nx run ops:backup --destination s3://backups/shop --verify --prune',
      'nx run ops:backup --env staging --json',
    ],
  });

export type BackupExecutorOptions = z.input<typeof schema>;
