import { z } from 'zod';
import { pruneOptionsSchema } from '@shopops/backup';
import { nxDestination } from '../../src/backup/options.ts';

export const schema = pruneOptionsSchema.extend({ destination: nxDestination }).meta({
  title: 'Backup prune',
  description:
    'Applies the grandfather-father-son retention policy (default 7 daily, 4 weekly, 3 monthly; restic `forget` semantics). Never deletes the newest backup, a backup whose manifest it cannot read, a restore’s safety backup, or anything outside the destination’s directory or prefix.',
  examples: ['nx run ops:prune', 'nx run ops:prune --keep-daily 14 --keep-monthly 12 --apply'],
});

export type BackupPruneExecutorOptions = z.input<typeof schema>;
