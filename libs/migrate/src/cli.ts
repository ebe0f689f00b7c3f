import { join } from 'node:path';
import { EXPECTED_FORM } from '@shopops/postgres';
import { parseArgs } from 'node:util';
import { MigrateError } from './errors.ts';
import { readMigrations } from './files.ts';
import { formatFinding, lintMigrations } from './lint/index.ts';
import { newMigration } from './new-migration.ts';
import { resolveRunOptions, type RunOptions } from './options.ts';
import { down, dryRun, redo, status, up } from './runner.ts';
import { dumpSchema } from './schema-dump.ts';
import { maskSecrets, parseDatabaseUrl } from './url.ts';
import { verify } from './verify.ts';

export const USAGE = `Usage: migrate [command] [args] [options]

Commands:
  up [version]              apply pending migrations, up to and including version (the default command)
  down [--steps N]          revert the N newest migrations (default 1)
  redo                      revert the newest migration and apply it again
  status [--exit-code]      list applied, pending, drifted and missing migrations;
                            with --exit-code, exit 3 when any is pending, drifted or missing
  dry-run [version]         print the SQL up would run; writes nothing
  dump-schema [--file F]    write the schema and applied versions to F (default <dir>/../schema.sql)
  verify                    on a scratch database: up, down to zero, up; the two schemas must match
  lint [--strict]           check migrations for unsafe changes; --strict makes warnings errors
  new <name>                create <dir>/<YYYYMMDDHHMMSS>_<name>.sql
  help                      show this help

Options:
  --url URL                      database URL (default: $DATABASE_URL)
  --dir DIR                      migrations folder (default: $MIGRATIONS_DIR, else ./migrations)
  --table NAME                   history table (default: public.schema_migrations)
  --lock-timeout MS              how long to wait for another runner (default: 60000)
  --statement-lock-timeout DUR   Postgres lock_timeout for migration statements (default: 5s)
  --lock-retries N               retries of a migration that hit lock_timeout (default: 3)
  --allow-drift                  run although applied files changed
  --allow-out-of-order           apply pending files older than the newest applied one
  --json                         print the result as one JSON document
  -h, --help                     show this help

Progress goes to stderr, results to stdout.
Exit codes: 0 done, 1 failed, 2 usage error, 3 status --exit-code found work to do.`;

const OPTIONS = {
  url: { type: 'string' },
  dir: { type: 'string' },
  table: { type: 'string' },
  'lock-timeout': { type: 'string' },
  'statement-lock-timeout': { type: 'string' },
  'lock-retries': { type: 'string' },
  'allow-drift': { type: 'boolean' },
  'allow-out-of-order': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  steps: { type: 'string' },
  'exit-code': { type: 'boolean' },
  file: { type: 'string' },
  strict: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

interface Invocation {
  values: Values;
  args: string[];
  /** From --url, else DATABASE_URL (empty counts as unset). */
  url: string | undefined;
  dir: string;
  print: (result: unknown, lines: string[]) => void;
  log: (line: string) => void;
}

interface CommandSpec {
  /** Positional arguments: how many at least and at most. */
  args: [number, number];
  /** Options only this command takes. */
  options: (keyof typeof OPTIONS)[];
  run: (invocation: Invocation) => Promise<number>;
}

/** A mistake in the command line: exit code 2. */
class UsageError extends MigrateError {}

const COMMANDS: Record<string, CommandSpec> = {
  up: { args: [0, 1], options: [], run: runUp },
  down: { args: [0, 0], options: ['steps'], run: runDown },
  redo: { args: [0, 0], options: [], run: runRedo },
  status: { args: [0, 0], options: ['exit-code'], run: runStatus },
  'dry-run': { args: [0, 1], options: [], run: runDryRun },
  'dump-schema': { args: [0, 0], options: ['file'], run: runDumpSchema },
  verify: { args: [0, 0], options: [], run: runVerify },
  lint: { args: [0, 0], options: ['strict'], run: runLint },
  new: { args: [1, 1], options: [], run: runNew },
};

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    const [name = 'up', ...args] = positionals;
    if (values.help || name === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new UsageError(`unknown command ${name} (see migrate --help)`);
    checkCommandLine(name, command, values, args);
    return await command.run(invocation(values, args, env));
  } catch (error) {
    process.stderr.write(`${maskSecrets(describeError(error, env), urlIn(argv) ?? env.DATABASE_URL)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function parseCommandLine(argv: string[]): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option ${/'([^']+)'/.exec(message)?.[1] ?? message} (see migrate --help)`);
    }
    throw new UsageError(`${message.charAt(0).toLowerCase()}${message.slice(1)} (see migrate --help)`);
  }
}

function checkCommandLine(name: string, command: CommandSpec, values: Values, args: string[]): void {
  const [min, max] = command.args;
  if (args.length < min || args.length > max)
    throw new UsageError(`wrong number of arguments for ${name} (see migrate --help)`);
  const commandOptions = Object.values(COMMANDS).flatMap((c) => c.options);
  const misplaced = commandOptions.find((option) => values[option] !== undefined && !command.options.includes(option));
  if (misplaced) throw new UsageError(`--${misplaced} does not apply to ${name} (see migrate --help)`);
}

function invocation(values: Values, args: string[], env: NodeJS.ProcessEnv): Invocation {
  const url = values.url ?? (env.DATABASE_URL || undefined);
  const mask = (text: string) => maskSecrets(text, url);
  return {
    values,
    args,
    url,
    dir: values.dir ?? (env.MIGRATIONS_DIR || 'migrations'),
    print: (result, lines) =>
      process.stdout.write(
        mask(values.json ? `${JSON.stringify(result, null, 2)}\n` : lines.map((l) => `${l}\n`).join('')),
      ),
    log: (line) => process.stderr.write(`${mask(line)}\n`),
  };
}

/** Options of every command that talks to the database, validated before anything connects. */
function runOptions({ values, url, dir, log }: Invocation): RunOptions {
  if (!url)
    throw new UsageError('no database URL', {
      remedy: `pass --url ${EXPECTED_FORM} or set DATABASE_URL`,
    });
  const options: RunOptions = {
    url,
    dir,
    table: values.table,
    lockTimeoutMs: integerOption(values['lock-timeout'], '--lock-timeout'),
    statementLockTimeout: values['statement-lock-timeout'],
    lockRetries: integerOption(values['lock-retries'], '--lock-retries'),
    allowDrift: values['allow-drift'],
    allowOutOfOrder: values['allow-out-of-order'],
    log,
  };
  try {
    parseDatabaseUrl(url, values.url === undefined ? 'DATABASE_URL' : '--url');
    resolveRunOptions(options);
  } catch (error) {
    const { message, remedy } = error as MigrateError;
    throw new UsageError(message, { remedy });
  }
  return options;
}

function integerOption(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`invalid ${option} ${JSON.stringify(value)}`, { remedy: 'expected a whole number, e.g. 3' });
  return Number(value);
}

async function runUp(inv: Invocation): Promise<number> {
  const result = await up({ ...runOptions(inv), target: inv.args[0] });
  inv.print(result, [
    result.applied.length > 0
      ? `applied ${count(result.applied.length, 'migration')}`
      : 'nothing to apply: the database is up to date',
  ]);
  return 0;
}

async function runDown(inv: Invocation): Promise<number> {
  const result = await down({ ...runOptions(inv), steps: integerOption(inv.values.steps, '--steps') });
  inv.print(result, [`reverted ${count(result.reverted.length, 'migration')}`]);
  return 0;
}

async function runRedo(inv: Invocation): Promise<number> {
  const result = await redo(runOptions(inv));
  inv.print(result, [`redid ${result.applied.version}_${result.applied.name}`]);
  return 0;
}

async function runStatus(inv: Invocation): Promise<number> {
  const result = await status(runOptions(inv));
  const drifted = new Set(result.drifted.map((entry) => entry.version));
  inv.print(result, [
    ...result.applied.map((e) =>
      `${drifted.has(e.version) ? 'drifted' : 'applied'}  ${e.version}_${e.name ?? ''}  ${e.appliedAt?.toISOString() ?? ''}`.trimEnd(),
    ),
    ...result.pending.map((e) => `pending  ${e.version}_${e.name}`),
    ...result.missing.map((e) => `missing  ${e.version}  (in the history table, no file)`),
    `${result.applied.length} applied, ${result.pending.length} pending, ${result.drifted.length} drifted, ${result.missing.length} missing`,
  ]);
  const outOfSync = result.pending.length + result.drifted.length + result.missing.length > 0;
  return inv.values['exit-code'] && outOfSync ? 3 : 0;
}

async function runDryRun(inv: Invocation): Promise<number> {
  const result = await dryRun({ ...runOptions(inv), target: inv.args[0] });
  const lines = result.migrations.flatMap((m) => [
    `-- ${m.file}${m.transaction ? '' : ' (transaction:false: statement by statement, outside a transaction)'}`,
    m.sql.trim(),
    '',
  ]);
  inv.print(result, lines.length > 0 ? lines : ['-- nothing to apply: the database is up to date']);
  return 0;
}

async function runDumpSchema(inv: Invocation): Promise<number> {
  const options = runOptions(inv);
  const result = await dumpSchema({ ...options, file: inv.values.file ?? join(inv.dir, '..', 'schema.sql') });
  inv.print(result, [`wrote ${result.file} (${count(result.versions.length, 'applied version')})`]);
  return 0;
}

async function runVerify(inv: Invocation): Promise<number> {
  const result = await verify(runOptions(inv));
  inv.print(
    result,
    result.ok
      ? [`verify ok: down and up again reproduce the schema of ${count(result.migrations, 'migration')}`]
      : result.diff,
  );
  if (result.ok) return 0;
  if (result.diff.length > 0) {
    inv.log(
      `migrate: verify failed: the schema after down + up differs from the schema after up (${count(result.diff.length, 'line')})`,
    );
    inv.log('  make each down section undo exactly what its up section does');
  }
  if (result.withoutDown.length > 0) {
    inv.log(
      `migrate: verify failed: migrations without a down section cannot be verified: ${result.withoutDown.map((m) => m.file).join(', ')}`,
    );
    inv.log('  add a `-- migrate:down` section that reverts each of them');
  }
  return 1;
}

async function runLint(inv: Invocation): Promise<number> {
  const findings = await lintMigrations(await readMigrations(inv.dir), { strict: inv.values.strict ?? false });
  const errors = findings.filter((f) => f.severity === 'error').length;
  inv.print({ findings }, [
    ...findings.map(formatFinding),
    `${count(errors, 'error')}, ${count(findings.length - errors, 'warning')}`,
  ]);
  return errors > 0 ? 1 : 0;
}

async function runNew(inv: Invocation): Promise<number> {
  const result = await newMigration({ dir: inv.dir, name: inv.args[0]! });
  inv.print(result, [result.file]);
  return 0;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function describeError(error: unknown, env: NodeJS.ProcessEnv): string {
  const { message, remedy, stack } = error as MigrateError;
  const lines = [`migrate: ${message ?? String(error)}`, ...(remedy ? [`  ${remedy}`] : [])];
  if (env.DEBUG) lines.push(stack ?? '');
  return lines.join('\n');
}

// For masking: main's catch runs before the invocation may exist.
function urlIn(argv: string[]): string | undefined {
  const index = argv.findIndex((arg) => arg === '--url' || arg.startsWith('--url='));
  if (index < 0) return undefined;
  return argv[index]!.startsWith('--url=') ? argv[index]!.slice('--url='.length) : argv[index + 1];
}
