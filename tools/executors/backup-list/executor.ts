import type { ExecutorContext } from '@nx/devkit';
import { runBackupCommand } from '../../src/backup/run-backup-command.ts';
import { schema, type BackupListExecutorOptions } from './schema.ts';

/** `nx run ops:backups`: the backups at the destination, newest first. */
export default function backupListExecutor(options: BackupListExecutorOptions, context: ExecutorContext) {
  return runBackupCommand('list', schema, options, context, 'backups');
}
