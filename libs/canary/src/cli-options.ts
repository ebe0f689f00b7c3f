import { flagsHelp, flagsOf, parseFlags, UsageError } from '@shopops/cli';
import { CanaryInputError } from './errors.ts';
import { canaryOptionsSchema, type CanaryOptions } from './options.ts';

/** The flags, derived from the options' zod schema by the engines' one convention (@shopops/cli). */
export const FLAGS = flagsOf(canaryOptionsSchema);

/** argv → the options (validated by runCanary, with the rest of the input); a mistake is exit 2. */
export function parseCommandLine(argv: string[]): { options: CanaryOptions; help: boolean } {
  try {
    const { values, positionals } = parseFlags(FLAGS, argv);
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const { help, ...options } = values;
    return { options: options as CanaryOptions, help: help === true };
  } catch (error) {
    if (error instanceof UsageError) throw new CanaryInputError(error.message, error.remedy ?? 'see fly-canary --help');
    throw error;
  }
}

export function usage(): string {
  return [
    'Usage: fly-canary [options]',
    '',
    'Releases an image to a Fly app machine by machine: the release command, then steps, each analysed',
    "from the machines' own /metrics; a failed analysis, check, timeout or Ctrl-C rolls back.",
    'The Machines API token comes from $FLY_API_TOKEN.',
    '',
    'Options:',
    flagsHelp(FLAGS, 30),
    `${'  -h, --help'.padEnd(30)}show this help`,
    '',
    'Progress goes to stderr on a terminal; the summary (or the --json report) to stdout.',
    'Exit codes: 0 released (or planned), 1 failed and rolled back, 2 invalid option or input (nothing changed),',
    '3 another deploy holds a lease on a machine (nothing changed).',
  ].join('\n');
}
