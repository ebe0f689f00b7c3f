import { backup } from './backup.ts';
import { listBackups } from './list.ts';
import { pushMetrics, updateMetricsFile, type BackupMetricValues } from './metrics.ts';
import type { StoreOptions } from './open-store.ts';
import { formatBytes, type Reporting } from './progress.ts';
import { prune } from './prune.ts';
import { restore, type RestoreResult } from './restore.ts';
import { summarizeComparison } from './row-counts.ts';
import type { RetentionPolicy } from './retention.ts';
import { verify } from './verify.ts';
import { compression, count, list, positiveInt, required, type Values } from './cli-options.ts';

export interface CommandResult {
  json: unknown;
  summary: string;
  exitCode: number;
}

/** Runs one command: its JSON result, the one-line summary, and the exit code. */
export async function run(
  command: string,
  values: Values,
  env: NodeJS.ProcessEnv,
  reporting: Reporting,
): Promise<CommandResult> {
  const store = storeOptions(values, env);
  const url = values.url ?? env.DATABASE_URL;
  const pgBinDir = values['pg-bin-dir'];
  switch (command) {
    case 'backup': {
      const result = await backup({
        ...store,
        ...reporting,
        url: required(url, '--url or DATABASE_URL'),
        compression: compression(values.compression),
        globals: values.globals,
        pgBinDir,
      });
      const verified = values.verify
        ? await verify({ ...store, ...reporting, backup: result.id, url, pgBinDir })
        : undefined;
      const pruned = values.prune
        ? await prune({ ...store, log: reporting.log, policy: policy(values), apply: true })
        : undefined;
      await reportMetrics(values, result.manifest.database, {
        backup_last_success_timestamp_seconds: Date.parse(result.manifest.finishedAt) / 1000,
        backup_last_duration_seconds: result.durationMs / 1000,
        backup_last_size_bytes: result.manifest.archive.size,
        ...(verified?.drill && { backup_last_verified_timestamp_seconds: Date.now() / 1000 }),
      });
      const extra = [verified && 'verified', pruned && `pruned ${pruned.remove.length}`].filter(Boolean).join(', ');
      return {
        json: { backup: result, verify: verified, prune: pruned },
        summary: `backup ok: ${result.location} (${formatBytes(result.manifest.archive.size)}, ${(result.durationMs / 1000).toFixed(1)}s${extra ? `, ${extra}` : ''})`,
        exitCode: 0,
      };
    }
    case 'restore': {
      const result = await restore({
        ...store,
        ...reporting,
        url: required(url, '--url or DATABASE_URL'),
        database: values.database,
        backup: values.backup,
        jobs: positiveInt(values.jobs, '--jobs'),
        confirm: values.confirm,
        force: values.force,
        keepPrevious: count(values['keep-previous'], '--keep-previous'),
        safetyBackup: values['safety-backup'],
        safetyBackupCompression: compression(values.compression),
        protectedHosts: list(values['protected-hosts'] ?? env.BACKUP_PROTECTED_HOSTS),
        protectedDatabases: list(values['protected-databases'] ?? env.BACKUP_PROTECTED_DATABASES),
        pgBinDir,
        env,
      });
      return {
        json: result,
        summary: `restore ok: ${result.id} into ${result.database} (${describeMethod(result)}), ${summarizeComparison(result.tables).text} (${(result.durationMs / 1000).toFixed(1)}s)`,
        exitCode: 0,
      };
    }
    case 'verify': {
      const result = await verify({
        ...store,
        ...reporting,
        backup: values.backup,
        url: values['no-drill'] ? undefined : url,
        jobs: positiveInt(values.jobs, '--jobs'),
        pgBinDir,
      });
      if (result.drill) {
        await reportMetrics(values, result.database, { backup_last_verified_timestamp_seconds: Date.now() / 1000 });
      }
      const drill = result.drill
        ? `restore drill ok (${result.drill.tables.length} tables)`
        : 'no restore drill (no --url)';
      return { json: result, summary: `verify ok: ${result.id}: checksum ok, full read ok, ${drill}`, exitCode: 0 };
    }
    case 'list': {
      const backups = await listBackups(store);
      if (!values.json) {
        for (const b of backups) {
          const detail = b.problem
            ? `!! ${b.problem}`
            : `${b.startedAt}  ${formatBytes(b.size ?? 0).padStart(10)}  ${b.compression}${b.safetyBefore ? `  (safety backup before restoring ${b.safetyBefore})` : ''}`;
          reporting.log?.(`${b.id}  ${detail}`);
        }
      }
      const complete = backups.filter((b) => !b.problem).length;
      return {
        json: backups,
        summary: `${complete} complete backups, ${backups.length - complete} incomplete`,
        exitCode: 0,
      };
    }
    default: {
      const result = await prune({ ...store, log: reporting.log, policy: policy(values), apply: values.apply });
      const verb = result.applied ? 'deleted' : 'would delete (run with --apply to delete)';
      return {
        json: result,
        summary: `prune: keep ${result.keep.length}, ${verb} ${result.remove.length}, left alone ${result.untouched.length}`,
        exitCode: 0,
      };
    }
  }
}

/** After a successful run only: a failed one leaves the timestamps to age, which is what the alerts watch. */
async function reportMetrics(values: Values, database: string, metrics: BackupMetricValues): Promise<void> {
  if (values['metrics-file']) await updateMetricsFile(values['metrics-file'], database, metrics);
  if (values['pushgateway-url']) await pushMetrics(values['pushgateway-url'], database, metrics);
}

function describeMethod(result: RestoreResult): string {
  if (result.method === 'created') return 'created';
  if (result.method === 'single-transaction') return 'replaced in one transaction';
  return result.previousDatabase ? `swapped in, previous kept as ${result.previousDatabase}` : 'swapped in';
}

function storeOptions(values: Values, env: NodeJS.ProcessEnv): StoreOptions {
  return {
    destination: values.destination ?? env.BACKUP_DESTINATION,
    s3: {
      endpoint: values['s3-endpoint'] ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
      region: values['s3-region'] ?? env.AWS_REGION,
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      forcePathStyle: values['s3-force-path-style'],
    },
  };
}

function policy(values: Values): RetentionPolicy {
  return {
    daily: count(values['keep-daily'], '--keep-daily'),
    weekly: count(values['keep-weekly'], '--keep-weekly'),
    monthly: count(values['keep-monthly'], '--keep-monthly'),
    yearly: count(values['keep-yearly'], '--keep-yearly'),
    last: count(values['keep-last'], '--keep-last'),
  };
}
