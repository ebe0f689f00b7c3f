import {
  flagsHelp,
  flagsOf,
  parseFlags,
  processIo,
  runWithConvention,
  UsageError,
  validateFlags,
  type CliIo,
} from '@shopops/cli';
import { BACKUP_COMMANDS, type BackupCommand, type BackupCommandOptions } from './command-options.ts';
import { executeBackupCommand } from './execute-command.ts';
import { maskSecrets } from './mask.ts';

const SUMMARIES: Record<BackupCommand, string> = {
  backup: 'dump the database to the destination, with a manifest beside it',
  restore:
    'restore a backup into --url (or --database on its server): created when missing; an existing database is restored beside it and swapped in or, for roles without CREATEDB, replaced in one transaction; either way a failure leaves it as it was',
  verify: 'checksum, full read and a restore drill into a scratch database on the server of --url',
  list: 'the backups at the destination, newest first (alias: backups)',
  prune: 'apply the retention policy; only reports unless --apply',
};

const FOOTER = `S3 credentials come from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY (or the AWS SDK's usual sources).
Restoring into a target that looks like production ($ENV=prod, $BACKUP_PROTECTED_HOSTS,
$BACKUP_PROTECTED_DATABASES or the flags) needs --confirm=<database name>. Replacing a database
that holds tables the backup lacks, or another database's data, needs --force (or --confirm).
After a swap the replaced database is kept as <db>__before_<time> until the next restore
(--keep-previous N keeps N, 0 none).
Progress and messages go to stderr. Exit codes: 0 done, 1 failed, 2 usage error. DEBUG=1 shows stacks.`;

export const USAGE = `Usage: backup <command> [options]   (backup <command> --help for its options)

Commands:
${Object.entries(SUMMARIES)
  .map(([command, summary]) => `  ${command.padEnd(9)} ${summary}`)
  .join('\n')}

${FOOTER}`;

export function commandUsage(command: BackupCommand): string {
  return `Usage: backup ${command} [options]\n\n${SUMMARIES[command]}\n\nOptions:\n${flagsHelp(flagsOf(BACKUP_COMMANDS[command]), 30)}\n  -h, --help\n\n${FOOTER}`;
}

/** The CLI: returns the exit code instead of exiting, so tests and wrappers can call it. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  const command = first === 'backups' ? 'list' : first;
  if (!command || command === '--help' || command === '-h') {
    // Asked for, help is the output (stdout, exit 0); a missing command is a usage error (stderr, exit 2).
    (command ? io.stdout : io.stderr).write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (!(command in BACKUP_COMMANDS)) {
    const convention = { tool: 'backup', prefix: () => 'backup', mask: maskSecrets };
    return runWithConvention(convention, io, () => Promise.reject(new UsageError(`unknown command '${first}'`)));
  }
  const known = command as BackupCommand;
  const convention = { tool: 'backup', prefix: () => known, mask: maskSecrets };
  let options: BackupCommandOptions<typeof known> | undefined;
  const parsed = await runWithConvention(convention, io, async () => {
    options = parseCommandLine(known, rest);
    return 0;
  });
  if (parsed !== 0) return parsed;
  if (!options) {
    io.stdout.write(`${commandUsage(known)}\n`);
    return 0;
  }
  return executeBackupCommand(known, options, io);
}

/** The command's options from argv, validated by its schema; undefined when --help was asked for. */
function parseCommandLine<C extends BackupCommand>(command: C, argv: string[]): BackupCommandOptions<C> | undefined {
  const schema = BACKUP_COMMANDS[command];
  const flags = flagsOf(schema);
  let parsed;
  try {
    parsed = parseFlags(flags, argv);
  } catch (error) {
    throw misplacedOption(command, error);
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  if (parsed.values.help) return undefined;
  return validateFlags(schema, flags, parsed.values) as BackupCommandOptions<C>;
}

/** An option of another command is a mistake worth naming as such, not as an unknown option. */
function misplacedOption(command: BackupCommand, error: unknown): unknown {
  const unknown = /^Unknown option '--([^']+)'/.exec((error as Error).message)?.[1];
  const elsewhere = Object.values(BACKUP_COMMANDS).some((schema) =>
    flagsOf(schema).some((flag) => flag.name === unknown),
  );
  return unknown && elsewhere ? new UsageError(`option --${unknown} does not apply to ${command}`) : error;
}
