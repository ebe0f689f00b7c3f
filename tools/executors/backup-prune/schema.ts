import { z } from 'zod';
import { locationOptions, retentionOptions } from '../../src/backup/options.ts';

const { destination, s3Endpoint, s3Region, s3ForcePathStyle, json } = locationOptions;

export const schema = z
  .object({
    destination,
    s3Endpoint,
    s3Region,
    s3ForcePathStyle,
    ...retentionOptions,
    apply: z.boolean().default(false).describe('Delete. Without it, prune only prints what it would delete and why.'),
    json,
  })
  .meta({
    title: 'Backup prune',
    description:
      'Applies the grandfather-father-son retention policy (default 7 daily, 4 weekly, 3 monthly; restic `forget` semantics). Never deletes the newest backup, a backup whose manifest it cannot read, or anything outside the destination’s directory or prefix.',
    examples: ['nx run ops:prune', 'nx run ops:prune --keep-daily 14 --keep-monthly 12 --apply'],
  });

export type BackupPruneExecutorOptions = z.input<typeof schema>;
