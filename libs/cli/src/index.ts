export { flagsOf, parseFlags, validateFlags, flagsHelp, kebab, type Flag, type FlagKind } from './flags.ts';
export { UsageError } from './usage-error.ts';
export { runWithConvention, processIo, EXIT, type CliIo, type CliConvention } from './run-cli.ts';
