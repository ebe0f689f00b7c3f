import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  migrateCommands,
  migrateOptionsSchema,
  type MigrateCommand,
  type MigrateOption,
  type MigrateOptionsInput,
} from './option-schema.ts';
import { describeError, kebab, runMigrateCommand, UsageError, type MigrateIo } from './run-command.ts';

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

// Positional arguments are not flags; the rest of the schema is, in kebab-case.
const POSITIONAL = new Set<MigrateOption>(['to', 'name']);
const FLAGS = (Object.keys(migrateOptionsSchema.shape) as MigrateOption[]).filter((key) => !POSITIONAL.has(key));
const COMMAND_ONLY = new Set(Object.values(COMMANDS).flatMap((c) => c.options));

type Kind = 'boolean' | 'number' | 'string';

function kindOf(key: MigrateOption): Kind {
  let schema: z.ZodType = migrateOptionsSchema.shape[key];
  while (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
  return schema instanceof z.ZodBoolean ? 'boolean' : schema instanceof z.ZodNumber ? 'number' : 'string';
}

const PARSE_OPTIONS = {
  ...Object.fromEntries(
    FLAGS.map((key) => [kebab(key), { type: kindOf(key) === 'boolean' ? 'boolean' : 'string' } as const]),
  ),
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

export const USAGE = usage();

function usage(): string {
  const commands = Object.entries(COMMANDS).map(([name, spec]) =>
    row(`${name}${spec.argument ? ` ${spec.argument.shown}` : ''}`, spec.summary, 26),
  );
  const options = FLAGS.map((key) => {
    const schema = migrateOptionsSchema.shape[key];
    const value = { boolean: '', number: ' N', string: ' VALUE' }[kindOf(key)];
    const fallback = schema.safeParse(undefined);
    const shownDefault =
      fallback.success && fallback.data !== undefined && kindOf(key) !== 'boolean'
        ? ` (default: ${String(fallback.data)})`
        : '';
    return row(`--${kebab(key)}${value}`, `${schema.description ?? ''}${shownDefault}`, 30);
  });
  return [
    'Usage: migrate [command] [argument] [options]',
    '',
    'Commands:',
    ...commands,
    row('help', 'show this help', 26),
    '',
    'Options:',
    ...options,
    row('-h, --help', 'show this help', 30),
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

type Values = Record<string, string | boolean | undefined>;

function parseCommandLine(argv: string[]): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: PARSE_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const what =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown option ${/'([^']+)'/.exec(message)?.[1] ?? message}`
        : `${message.charAt(0).toLowerCase()}${message.slice(1)}`;
    throw new UsageError(what, { remedy: 'see migrate --help' });
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
  for (const key of FLAGS) {
    const value = values[kebab(key)];
    if (value === undefined) continue;
    if (COMMAND_ONLY.has(key) && !spec.options.includes(key)) {
      throw new UsageError(`--${kebab(key)} does not apply to ${command}`, { remedy: 'see migrate --help' });
    }
    options[key] = kindOf(key) === 'number' ? wholeNumber(String(value), key) : value;
  }
  if (spec.argument && args[0] !== undefined) options[spec.argument.option] = args[0];
  // An empty variable counts as unset, as a shell's `VAR= migrate …` means.
  options.url ??= env.DATABASE_URL || undefined;
  options.dir ??= env.MIGRATIONS_DIR || undefined;
  return options as MigrateOptionsInput;
}

function wholeNumber(value: string, key: MigrateOption): number {
  if (!/^\d+$/.test(value)) {
    throw new UsageError(`invalid --${kebab(key)} ${JSON.stringify(value)}`, {
      remedy: 'expected a whole number, e.g. 3',
    });
  }
  return Number(value);
}
