import type { ExecutorContext } from '@nx/devkit';
import { runBackupCommand } from '../../src/backup/run-backup-command.ts';
import { schema, type RestoreExecutorOptions } from './schema.ts';

/** `nx run ops:restore`: checksum first, then a parallel pg_restore, then row counts against the manifest. */
export default function restoreExecutor(options: RestoreExecutorOptions, context: ExecutorContext) {
  return runBackupCommand('restore', schema, options, context);
}
