import type { LocationOptions, RetentionOptions } from './options.ts';

export type BackupCommand = 'backup' | 'restore' | 'list' | 'verify' | 'prune';

/** Options of any backup executor, after its schema parsed them. */
export type CommandOptions = Partial<LocationOptions> &
  Partial<RetentionOptions> & {
    compression?: string;
    globals?: boolean;
    verify?: boolean;
    prune?: boolean;
    backup?: string;
    jobs?: number;
    confirm?: string;
    database?: string;
    keepPrevious?: number;
    force?: boolean;
    safetyBackup?: boolean;
    protectedHosts?: string[];
    protectedDatabases?: string[];
    drill?: boolean;
    apply?: boolean;
  };

const FLAGS = {
  globals: '--globals',
  verify: '--verify',
  prune: '--prune',
  safetyBackup: '--safety-backup',
  apply: '--apply',
  force: '--force',
  s3ForcePathStyle: '--s3-force-path-style',
  json: '--json',
} as const;

const VALUES = {
  destination: '--destination',
  s3Endpoint: '--s3-endpoint',
  s3Region: '--s3-region',
  pgBinDir: '--pg-bin-dir',
  compression: '--compression',
  backup: '--backup',
  jobs: '--jobs',
  confirm: '--confirm',
  database: '--database',
  keepPrevious: '--keep-previous',
  keepDaily: '--keep-daily',
  keepWeekly: '--keep-weekly',
  keepMonthly: '--keep-monthly',
  keepYearly: '--keep-yearly',
  keepLast: '--keep-last',
} as const;

/**
 * The `backup` CLI's argument vector for an executor's options. Executors run the engine's own CLI
 * in-process, so `nx run ops:backup` and the cron container print and exit exactly alike.
 * `url` is passed apart because only some commands take one (and only resolved, never as typed).
 */
export function toBackupCliArguments(command: BackupCommand, options: CommandOptions, url?: string): string[] {
  const args: string[] = [command];
  if (url) args.push('--url', url);
  for (const [option, flag] of Object.entries(VALUES)) {
    const value = options[option as keyof typeof VALUES];
    if (value !== undefined) args.push(flag, String(value));
  }
  for (const [option, flag] of Object.entries(FLAGS)) {
    if (options[option as keyof typeof FLAGS]) args.push(flag);
  }
  if (options.protectedHosts?.length) args.push('--protected-hosts', options.protectedHosts.join(','));
  if (options.protectedDatabases?.length) args.push('--protected-databases', options.protectedDatabases.join(','));
  if (command === 'verify' && options.drill === false) args.push('--no-drill');
  return args;
}
