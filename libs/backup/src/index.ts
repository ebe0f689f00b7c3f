export { backup, type BackupOptions, type BackupResult } from './backup.ts';
export { verify, type VerifyOptions, type VerifyResult } from './verify.ts';
export { restore, type RestoreOptions, type RestoreResult, type RestoreMethod } from './restore.ts';
export { listBackups, type ListedBackup } from './list.ts';
export { prune, type PruneOptions, type PruneResult } from './prune.ts';
export {
  selectForDeletion,
  DEFAULT_POLICY,
  type RetentionPolicy,
  type DatedBackup,
  type RetentionDecision,
} from './retention.ts';
export { BackupError } from './errors.ts';
export { maskSecrets } from './mask.ts';
export { main as runCli, USAGE } from './cli.ts';
export { executeBackupCommand } from './execute-command.ts';
export { runBackupCommand, type CommandResult, type CommandIo } from './run-command.ts';
export {
  BACKUP_COMMANDS,
  backupOptionsSchema,
  restoreOptionsSchema,
  verifyOptionsSchema,
  listOptionsSchema,
  pruneOptionsSchema,
  type BackupCommand,
  type BackupCommandOptions,
  type BackupCommandInput,
} from './command-options.ts';
export type { Compression, CompressionChoice } from './compression.ts';
export type { Manifest } from './manifest.ts';
export type { StoreOptions } from './open-store.ts';
export type { S3Options } from './s3-store.ts';
export type { ProtectionPolicy } from './protection.ts';
export type { DrillResult } from './drill.ts';
export type { TableComparison } from './row-counts.ts';
export type { Progress, ProgressListener, LogListener, Reporting } from './progress.ts';
export { BACKUP_METRICS, type BackupMetricName } from './metrics.ts';
