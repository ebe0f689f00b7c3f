import { parseArgs } from 'node:util';
import { BackupError } from './errors.ts';
import { maskSecrets } from './mask.ts';
import type { Reporting } from './progress.ts';
import { progressRenderer } from './progress-renderer.ts';
import { run } from './cli-commands.ts';
import { COMMAND_OPTIONS, COMMON, OPTIONS, UsageError, type Values } from './cli-options.ts';

export const USAGE = `Usage: backup <command> [options]

Commands:
  backup    dump the database to the destination, with a manifest beside it
            [--compression auto|zstd|pg-default|none] [--globals] [--verify] [--prune]
            [--metrics-file FILE] [--pushgateway-url URL]  (gauges for monitoring, after success)
  restore   restore a backup into --url: created when missing; an existing database is replaced
            whole (restored beside it, then swapped in) or, for roles without CREATEDB, in one
            transaction; either way a failure leaves it as it was
            [--database NAME (on the server of --url)] [--backup ID|latest] [--jobs N]
            [--keep-previous 1] [--force] [--confirm DBNAME]
            [--safety-backup] [--protected-hosts h1,h2] [--protected-databases d1,d2]
  verify    checksum, full read and (with --url) a restore drill into a scratch database
            [--backup ID|latest] [--no-drill] [--metrics-file FILE] [--pushgateway-url URL]
  list      the backups at the destination, newest first (alias: backups)
  prune     apply the retention policy; only reports unless --apply
            [--keep-daily 7] [--keep-weekly 4] [--keep-monthly 3] [--keep-yearly 0] [--keep-last 0] [--apply]

Options:
  --url URL                 database URL (default: $DATABASE_URL)
  --destination DIR|S3URL   ./backups (default: $BACKUP_DESTINATION) or s3://bucket/prefix
  --s3-endpoint URL         S3-compatible endpoint, e.g. MinIO (default: $AWS_ENDPOINT_URL_S3 / $AWS_ENDPOINT_URL)
  --s3-region REGION        (default: $AWS_REGION, else us-east-1)
  --s3-force-path-style     path-style addressing (the default with an endpoint)
  --pg-bin-dir DIR          where pg_dump, pg_dumpall and pg_restore live (default: $PG_BINDIR, else PATH)
  --json                    print the result as one JSON document on stdout
  -h, --help                show this help

S3 credentials come from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY (or the AWS SDK's usual sources).
Restoring into a target that looks like production ($ENV=prod, $BACKUP_PROTECTED_HOSTS,
$BACKUP_PROTECTED_DATABASES or the flags) needs --confirm=<database name>. Replacing a database
that holds tables the backup lacks, or another database's data, needs --force (or --confirm).
After a swap the replaced database is kept as <db>__before_<time> until the next restore
(--keep-previous N keeps N, 0 none).
Progress and messages go to stderr. Exit codes: 0 done, 1 failed, 2 usage error. DEBUG=1 shows stacks.`;

export interface CliIo {
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/** The CLI: returns the exit code instead of exiting, so tests and wrappers can call it. */
export async function main(argv: string[], io: CliIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const renderer = progressRenderer(stderr);
  const say = (line: string) => {
    renderer.clear();
    stderr.write(`${maskSecrets(line)}\n`);
  };
  // Messages name the command that failed (`restore: …`); before one is known, the tool.
  let prefix = 'backup';
  try {
    const { command, values } = parseCommandLine(argv);
    prefix = command ?? prefix;
    if (!command || values.help) {
      // Asked for, help is the output (stdout, exit 0); a missing command is a usage error (stderr, exit 2).
      (values.help ? stdout : stderr).write(`${USAGE}\n`);
      return values.help ? 0 : 2;
    }
    const reporting: Reporting = { log: say, onProgress: (p) => renderer.update(p) };
    const result = await run(command, values, env, reporting);
    renderer.clear();
    if (values.json) stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
    say(result.summary);
    return result.exitCode;
  } catch (error) {
    renderer.clear();
    if (error instanceof UsageError) {
      say(`${prefix}: ${error.message}`);
      say('  remedy: see backup --help');
      return 2;
    }
    if (error instanceof BackupError) {
      say(`${prefix}: ${error.message}`);
      if (error.remedy) say(`  remedy: ${error.remedy}`);
      if (env.DEBUG && error.stack) say(error.stack);
      return 1;
    }
    // Not one of ours, so not phrased for users: the message, and the stack only when asked for.
    const detail =
      error instanceof Error ? (env.DEBUG ? (error.stack ?? error.message) : error.message) : String(error);
    say(`${prefix}: failed unexpectedly: ${detail}`);
    if (!env.DEBUG) say('  remedy: run again with DEBUG=1 to see where, and report it');
    return 1;
  }
}

function parseCommandLine(argv: string[]): { command?: string; values: Values } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's parser appends advice about positionals starting with '-' that misleads more than it helps.
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''));
  }
  const [raw, ...rest] = parsed.positionals;
  const command = raw === 'backups' ? 'list' : raw;
  if (command && !(command in COMMAND_OPTIONS)) throw new UsageError(`unknown command '${raw}'`);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  if (command) {
    const allowed = new Set([...COMMON, 'help', ...(COMMAND_OPTIONS[command] ?? [])]);
    const wrong = Object.keys(parsed.values).find((name) => !allowed.has(name));
    if (wrong) throw new UsageError(`option --${wrong} does not apply to ${command}`);
  }
  return { command, values: parsed.values };
}
