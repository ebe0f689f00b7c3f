import type { Writable } from 'node:stream';
import { UsageError } from './usage-error.ts';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/** Exit codes every engine shares; commands may document more (migrate's 3, smoke's 64). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export interface CliConvention {
  /** The program, for "see <tool> --help". */
  tool: string;
  /** What messages start with: the tool, or the command that failed (`restore`). */
  prefix: () => string;
  /** Masks secrets (URL passwords, keys) in every line written. */
  mask: (text: string) => string;
}

/**
 * Runs a command body under the shared convention: its exit code, or for a failure `<prefix>: <what>`
 * then `  remedy: <what to do>` on stderr with exit 2 (usage) or 1. Errors that carry a `remedy` are
 * the engine's own, phrased for users; anything else is a bug, shown with its stack under DEBUG=1.
 */
export async function runWithConvention(
  convention: CliConvention,
  io: CliIo,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    const say = (line: string) => io.stderr.write(`${convention.mask(line)}\n`);
    const debug = Boolean(io.env.DEBUG) && io.env.DEBUG !== '0';
    if (error instanceof UsageError) {
      say(`${convention.prefix()}: ${error.message}`);
      say(`  remedy: ${error.remedy ?? `see ${convention.tool} --help`}`);
      return EXIT.usage;
    }
    const remedy = (error as { remedy?: unknown } | undefined)?.remedy;
    const message = error instanceof Error ? error.message : String(error);
    if (typeof remedy === 'string' || (remedy === undefined && isOwnError(error))) {
      say(`${convention.prefix()}: ${message}`);
      if (typeof remedy === 'string') say(`  remedy: ${remedy}`);
    } else {
      say(`${convention.prefix()}: failed unexpectedly: ${message}`);
      if (!debug) say('  remedy: run again with DEBUG=1 to see where, and report it');
    }
    if (debug && error instanceof Error && error.stack) say(error.stack);
    return EXIT.failure;
  }
}

/** An engine error without a remedy (it had nothing useful to add) is still ours: `remedy` is declared. */
function isOwnError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'remedy' in error;
}
