import { flagsHelp, flagsOf, parseFlags } from '@shopops/cli';
import {
  migrateCommands,
  migrateOptionsSchema,
  type MigrateCommand,
  type MigrateOption,
  type MigrateOptionsInput,
} from './option-schema.ts';
import { describeError, runMigrateCommand, UsageError, type MigrateIo } from './run-command.ts';

/** What each command takes beyond the options every database command takes. */
interface CommandSpec {
  /** The positional argument, as `--help` shows it, and the option it fills. */
  argument?: { shown: string; option: 'to' | 'name'; required: boolean };
  /** Options only this command takes. */
  options: MigrateOption[];
  summary: string;
}

const COMMANDS: Record<MigrateCommand, CommandSpec> = {
  up: {
    argument: { shown: '[version]', option: 'to', required: false },
    options: [],
    summary: 'apply pending migrations, up to and including version (the default command)',
  },
  down: { options: ['steps'], summary: 'revert the N newest migrations (--steps, default 1)' },
  redo: { options: [], summary: 'revert the newest migration and apply it again' },
  status: {
    options: ['exitCode'],
    summary: 'applied, pending, drifted, missing and dirty migrations; --exit-code: exit 3 if any is not applied',
  },
  'dry-run': {
    argument: { shown: '[version]', option: 'to', required: false },
    options: [],
    summary: 'print the SQL up would run and how each file runs; writes nothing',
  },
  'dump-schema': { options: ['file'], summary: 'write the schema and applied versions to --file' },
  verify: { options: [], summary: 'on a scratch database: up, down to zero, up; the two schemas must match' },
  lint: { options: ['strict'], summary: 'check migrations for unsafe changes; --strict makes warnings errors' },
  new: {
    argument: { shown: '<name>', option: 'name', required: true },
    options: [],
    summary: 'create <dir>/<YYYYMMDDHHMMSS>_<name>.sql',
  },
  force: {
    argument: { shown: '<version>', option: 'to', required: true },
    options: [],
    summary: 'record the database as at version (that file applied, none above it) and clear the dirty mark',
  },
  baseline: {
    argument: { shown: '<version>', option: 'to', required: true },
    options: [],
    summary: 'mark a database that has the schema but no history as migrated up to version',
  },
};

// Positional arguments are not flags; the rest of the schema is, as @shopops/cli spells it.
const POSITIONAL: MigrateOption[] = ['to', 'name'];
const FLAGS = flagsOf(migrateOptionsSchema, POSITIONAL);
const COMMAND_ONLY = new Set(Object.values(COMMANDS).flatMap((c) => c.options));

export const USAGE = usage();

function usage(): string {
  const commands = Object.entries(COMMANDS).map(([name, spec]) =>
    row(`${name}${spec.argument ? ` ${spec.argument.shown}` : ''}`, spec.summary, 26),
  );
  return [
    'Usage: migrate [command] [argument] [options]',
    '',
    'Commands:',
    ...commands,
    row('help', 'show this help', 26),
    '',
    'Options:',
    flagsHelp(FLAGS, 34),
    row('-h, --help', 'show this help', 31),
    '',
    'Results go to stdout, progress and errors to stderr; DEBUG=1 adds stacks to errors.',
    'Exit codes: 0 done, 1 failed, 2 usage error, 3 status --exit-code found work to do (or a dirty database).',
  ].join('\n');
}

function row(left: string, right: string, width: number): string {
  return `  ${left.padEnd(width)} ${right}`;
}

const processIo: MigrateIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[], io: MigrateIo = processIo): Promise<number> {
  const env = io.env ?? process.env;
  try {
    const { values, positionals } = parseCommandLine(argv);
    const [name = 'up', ...args] = positionals;
    if (values.help || name === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (!(migrateCommands as readonly string[]).includes(name)) {
      throw new UsageError(`unknown command ${name}`, { remedy: 'see migrate --help' });
    }
    const command = name as MigrateCommand;
    const options = toOptions(command, values, args, env);
    const urlSource = values.url === undefined ? 'DATABASE_URL' : '--url';
    return (await runMigrateCommand(command, options, { ...io, env, urlSource })).exitCode;
  } catch (error) {
    io.stderr(`${describeError(error, env)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

type Values = Record<string, unknown>;

function parseCommandLine(argv: string[]): { values: Values; positionals: string[] } {
  try {
    return parseFlags(FLAGS, argv);
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    throw new UsageError(unknown ? `unknown option ${unknown}` : message, { remedy: 'see migrate --help' });
  }
}

/** The command line as typed options; numbers are checked here, everything else by the schema. */
function toOptions(
  command: MigrateCommand,
  values: Values,
  args: string[],
  env: NodeJS.ProcessEnv,
): MigrateOptionsInput {
  const spec = COMMANDS[command];
  const maxArgs = spec.argument ? 1 : 0;
  if (args.length > maxArgs || (spec.argument?.required && args.length === 0)) {
    throw new UsageError(`wrong number of arguments for ${command}`, {
      remedy: `migrate ${command}${spec.argument ? ` ${spec.argument.shown}` : ''} (see migrate --help)`,
    });
  }
  const options: Record<string, unknown> = {};
  for (const { key, name } of FLAGS) {
    const value = values[key];
    if (value === undefined) continue;
    if (COMMAND_ONLY.has(key as MigrateOption) && !spec.options.includes(key as MigrateOption)) {
      throw new UsageError(`--${name} does not apply to ${command}`, { remedy: 'see migrate --help' });
    }
    options[key] = value;
  }
  if (spec.argument && args[0] !== undefined) options[spec.argument.option] = args[0];
  // An empty variable counts as unset, as a shell's `VAR= migrate …` means.
  options.url ??= env.DATABASE_URL || undefined;
  options.dir ??= env.MIGRATIONS_DIR || undefined;
  return options as MigrateOptionsInput;
}
