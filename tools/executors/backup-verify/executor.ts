import type { ExecutorContext } from '@nx/devkit';
import { runBackupCommand } from '../../src/backup/run-backup-command.ts';
import { schema, type BackupVerifyExecutorOptions } from './schema.ts';

/** `nx run ops:verify`: checksum, full read and a restore drill of one backup. */
export default function backupVerifyExecutor(options: BackupVerifyExecutorOptions, context: ExecutorContext) {
  return runBackupCommand('verify', schema, options, context, 'verify');
}
