import { flagsHelp, flagsOf, parseFlags, UsageError } from '@shopops/cli';
import { SmokeInputError } from './errors.ts';
import { smokeOptionsSchema, type SmokeOptions } from './options.ts';

/** The flags, derived from the options' zod schema by @shopops/cli (names, records, durations from .meta()). */
export const FLAGS = flagsOf(smokeOptionsSchema);

/** argv → the options; a mistake is SmokeInputError (exit 64: nothing is sent). Values are validated by runSmoke. */
export function parseCommandLine(argv: string[]): { options: SmokeOptions; help: boolean } {
  let parsed;
  try {
    parsed = parseFlags(FLAGS, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new SmokeInputError(lowerFirst(error.message), { remedy: error.remedy ?? 'see smoke --help' });
  }
  if (parsed.positionals.length > 0) {
    throw new SmokeInputError(`unexpected argument '${parsed.positionals[0]}'`, { remedy: 'see smoke --help' });
  }
  const { help, ...options } = parsed.values;
  return { options: options as SmokeOptions, help: help === true };
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

export function usage(): string {
  return [
    'Usage: smoke [options]',
    '',
    'Runs the checks of a smoke file against a deployment and says which build answered.',
    '',
    'Options:',
    flagsHelp(FLAGS, 32),
    `${'  -h, --help'.padEnd(32)}show this help`,
    '',
    'Progress goes to stderr on a terminal; the summary (or the --json report) to stdout.',
    'Exit codes: 0 all passed, 1 an assertion failed, 2 the target could not be reached,',
    '64 the smoke file or an option is invalid (nothing was sent).',
  ].join('\n');
}
