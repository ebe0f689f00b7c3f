import type { ExecutorContext } from '@nx/devkit';
import { runBackupCommand } from '../../src/backup/run-backup-command.ts';
import { schema, type BackupExecutorOptions } from './schema.ts';

/** `nx run ops:backup`: a streamed, checksummed pg_dump with its manifest; optionally verified and pruned. */
export default function backupExecutor(options: BackupExecutorOptions, context: ExecutorContext) {
  return runBackupCommand('backup', schema, options, context);
}
