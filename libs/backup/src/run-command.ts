import { backup } from './backup.ts';
import type { BackupCommand, BackupCommandOptions } from './command-options.ts';
import { listBackups } from './list.ts';
import { pushMetrics, updateMetricsFile, type BackupMetricValues } from './metrics.ts';
import type { StoreOptions } from './open-store.ts';
import { formatBytes, type Reporting } from './progress.ts';
import { prune } from './prune.ts';
import { restore, type RestoreResult } from './restore.ts';
import type { RetentionPolicy } from './retention.ts';
import { summarizeComparison } from './row-counts.ts';
import { verify } from './verify.ts';
import { BackupError } from './errors.ts';
import { EXPECTED_FORM } from '@shopops/postgres';

export interface CommandResult {
  /** What --json prints. */
  json: unknown;
  /** The one-line summary that ends every run. */
  summary: string;
  exitCode: number;
}

export interface CommandIo extends Reporting {
  /** Where $DATABASE_URL, $BACKUP_DESTINATION and the AWS variables are read. */
  env: NodeJS.ProcessEnv;
}

type Runners = { [C in BackupCommand]: (options: BackupCommandOptions<C>, io: CommandIo) => Promise<CommandResult> };

/** The typed API both hosts call: the CLI after parsing argv, the Nx executors after resolving paths. */
export function runBackupCommand<C extends BackupCommand>(
  command: C,
  options: BackupCommandOptions<C>,
  io: CommandIo,
): Promise<CommandResult> {
  return (RUNNERS[command] as Runners[C])(options, io);
}

const RUNNERS: Runners = {
  async backup(options, io) {
    const store = storeOptions(options, io.env);
    const url = databaseUrl(options.url, io.env);
    const reporting = { log: io.log, onProgress: io.onProgress };
    const result = await backup({
      ...store,
      ...reporting,
      url,
      compression: options.compression,
      globals: options.globals,
      pgBinDir: options.pgBinDir,
    });
    const verified = options.verify
      ? await verify({ ...store, ...reporting, backup: result.id, url, pgBinDir: options.pgBinDir })
      : undefined;
    const pruned = options.prune
      ? await prune({ ...store, log: io.log, policy: policy(options), apply: true })
      : undefined;
    await reportMetrics(options, result.manifest.database, {
      backup_last_success_timestamp_seconds: Date.parse(result.manifest.finishedAt) / 1000,
      backup_last_duration_seconds: result.durationMs / 1000,
      backup_last_size_bytes: result.manifest.archive.size,
      ...(verified?.drill && { backup_last_verified_timestamp_seconds: Date.now() / 1000 }),
    });
    const extra = [verified && 'verified', pruned && `pruned ${pruned.remove.length}`].filter(Boolean).join(', ');
    return {
      json: { backup: result, verify: verified, prune: pruned },
      summary: `backup ok: ${result.location} (${formatBytes(result.manifest.archive.size)}, ${seconds(result.durationMs)}${extra ? `, ${extra}` : ''})`,
      exitCode: 0,
    };
  },

  async restore(options, io) {
    const result = await restore({
      ...storeOptions(options, io.env),
      log: io.log,
      onProgress: io.onProgress,
      url: databaseUrl(options.url, io.env),
      database: options.database,
      backup: options.backup,
      jobs: options.jobs,
      keepPrevious: options.keepPrevious,
      force: options.force,
      confirm: options.confirm,
      safetyBackup: options.safetyBackup,
      safetyBackupCompression: options.compression,
      protectedHosts: options.protectedHosts ?? list(io.env.BACKUP_PROTECTED_HOSTS),
      protectedDatabases: options.protectedDatabases ?? list(io.env.BACKUP_PROTECTED_DATABASES),
      pgBinDir: options.pgBinDir,
      env: io.env,
    });
    return {
      json: result,
      summary: `restore ok: ${result.id} into ${result.database} (${describeMethod(result)}), ${summarizeComparison(result.tables).text} (${seconds(result.durationMs)})`,
      exitCode: 0,
    };
  },

  async verify(options, io) {
    const url = options.drill ? databaseUrl(options.url, io.env, '--url (or --no-drill)') : undefined;
    const result = await verify({
      ...storeOptions(options, io.env),
      log: io.log,
      onProgress: io.onProgress,
      backup: options.backup,
      url,
      jobs: options.jobs,
      pgBinDir: options.pgBinDir,
    });
    if (result.drill) {
      await reportMetrics(options, result.database, { backup_last_verified_timestamp_seconds: Date.now() / 1000 });
    }
    const drill = result.drill
      ? `restore drill ok (${result.drill.tables.length} tables)`
      : 'no restore drill (--no-drill)';
    return { json: result, summary: `verify ok: ${result.id}: checksum ok, full read ok, ${drill}`, exitCode: 0 };
  },

  async list(options, io) {
    const backups = await listBackups(storeOptions(options, io.env));
    if (!options.json) {
      for (const b of backups) {
        const safety = b.safetyBefore ? `  (safety backup before restoring ${b.safetyBefore})` : '';
        const detail = b.problem
          ? `!! ${b.problem}`
          : `${b.startedAt}  ${formatBytes(b.size ?? 0).padStart(10)}  ${b.compression}${safety}`;
        io.log?.(`${b.id}  ${detail}`);
      }
    }
    const complete = backups.filter((b) => !b.problem).length;
    return {
      json: backups,
      summary: `${complete} complete backups, ${backups.length - complete} incomplete`,
      exitCode: 0,
    };
  },

  async prune(options, io) {
    const result = await prune({
      ...storeOptions(options, io.env),
      log: io.log,
      policy: policy(options),
      apply: options.apply,
    });
    const verb = result.applied ? 'deleted' : 'would delete (run with --apply to delete)';
    return {
      json: result,
      summary: `prune: keep ${result.keep.length}, ${verb} ${result.remove.length}, left alone ${result.untouched.length}`,
      exitCode: 0,
    };
  },
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function databaseUrl(url: string | undefined, env: NodeJS.ProcessEnv, what = '--url'): string {
  const found = url ?? env.DATABASE_URL;
  if (!found)
    throw new BackupError('no database URL given', { remedy: `pass ${what} ${EXPECTED_FORM} or set DATABASE_URL` });
  return found;
}

type StoreFlags = Pick<BackupCommandOptions<'list'>, 'destination' | 's3Endpoint' | 's3Region' | 's3ForcePathStyle'>;

function storeOptions(options: StoreFlags, env: NodeJS.ProcessEnv): StoreOptions {
  return {
    destination: options.destination ?? env.BACKUP_DESTINATION,
    s3: {
      endpoint: options.s3Endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
      region: options.s3Region ?? env.AWS_REGION,
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      forcePathStyle: options.s3ForcePathStyle,
    },
  };
}

type RetentionFlags = Pick<
  BackupCommandOptions<'prune'>,
  'keepDaily' | 'keepWeekly' | 'keepMonthly' | 'keepYearly' | 'keepLast'
>;

function policy(options: RetentionFlags): RetentionPolicy {
  return {
    daily: options.keepDaily,
    weekly: options.keepWeekly,
    monthly: options.keepMonthly,
    yearly: options.keepYearly,
    last: options.keepLast,
  };
}

function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** After a successful run only: a failed one leaves the timestamps to age, which is what the alerts watch. */
async function reportMetrics(
  options: { metricsFile?: string; pushgatewayUrl?: string },
  database: string,
  metrics: BackupMetricValues,
): Promise<void> {
  if (options.metricsFile) await updateMetricsFile(options.metricsFile, database, metrics);
  if (options.pushgatewayUrl) await pushMetrics(options.pushgatewayUrl, database, metrics);
}

function describeMethod(result: RestoreResult): string {
  if (result.method === 'created') return 'created';
  if (result.method === 'single-transaction') return 'replaced in one transaction';
  return result.previousDatabase ? `swapped in, previous kept as ${result.previousDatabase}` : 'swapped in';
}
