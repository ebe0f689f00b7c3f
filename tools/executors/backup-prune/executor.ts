import type { ExecutorContext } from '@nx/devkit';
import { runBackupCommand } from '../../src/backup/run-backup-command.ts';
import { schema, type BackupPruneExecutorOptions } from './schema.ts';

/** `nx run ops:prune`: what the retention policy would delete, and with --apply, deletes it. */
export default function backupPruneExecutor(options: BackupPruneExecutorOptions, context: ExecutorContext) {
  return runBackupCommand('prune', schema, options, context, 'prune');
}
