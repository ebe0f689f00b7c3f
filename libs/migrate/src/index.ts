export { checksum } from './checksum.ts';
export { main as runCli, USAGE } from './cli.ts';
export {
  commandNeedsDatabase,
  describeError,
  runMigrateCommand,
  UsageError,
  type CommandOutcome,
  type MigrateIo,
} from './run-command.ts';
export {
  migrateCommands,
  migrateCommandSchema,
  migrateOptionsSchema,
  POSTGRES_DURATION,
  type MigrateCommand,
  type MigrateOptions,
  type MigrateOptionsInput,
} from './option-schema.ts';
export { MigrateError, type MigrateErrorDetails } from './errors.ts';
export { readMigrations } from './files.ts';
export { baseline, force, type BaselineResult, type ForceResult } from './force.ts';
export type { ExecutionMode } from './execution-plan.ts';
export { DEFAULT_HISTORY_TABLE, parseHistoryTable, type HistoryTable } from './history-table.ts';
export type { HistoryRow } from './history.ts';
export { formatFinding, lintMigrations, type LintFinding, type LintOptions } from './lint/index.ts';
export { migrationFileName, migrationTemplate, newMigration, type NewMigrationOptions } from './new-migration.ts';
export type { ConnectionOptions, Log, RunOptions } from './options.ts';
export type { DriftedEntry, Status, StatusEntry } from './plan.ts';
export {
  down,
  dryRun,
  redo,
  status,
  statusOnClient,
  up,
  type DownResult,
  type DryRunResult,
  type MigrationRun,
  type PlannedMigration,
  type RedoResult,
  type UpResult,
} from './runner.ts';
export { dumpSchema, type DumpSchemaOptions, type DumpSchemaResult } from './schema-dump.ts';
export { parseSections } from './sections.ts';
export type { Migration, MigrationFormat, MigrationSection } from './types.ts';
export { maskSecrets, maskUrl, parseDatabaseUrl } from './url.ts';
export { verify, type VerifyResult } from './verify.ts';
